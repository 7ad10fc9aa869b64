// DOM and formatting helpers. Everything from the API is put in the page as
// text (textContent), never as markup.

// h('a', {href: '#/x', class: 'y'}, 'text', child, [more, children])
export function h(tag, attrs = {}, ...children) {
	const svg = tag.startsWith('svg:');
	const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			el.addEventListener(k.slice(2), v);
		else if (k === 'dataset')
			Object.assign(el.dataset, v);
		else if (k === 'value' && !svg)
			el.value = v;
		else
			el.setAttribute(k, v === true ? '' : String(v));
	}
	append(el, children);
	return el;
}

// append(el, child, [children], null, ...): nodes or text; arrays flattened,
// null/undefined/false left out.
export function append(el, ...children) {
	for (const c of children.flat(Infinity)) {
		if (c === undefined || c === null || c === false)
			continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

export function clear(el, ...children) {
	el.replaceChildren();
	return append(el, children);
}

// ------------------------------------------------------------ formatting

const langNames = (() => {
	try {
		return new Intl.DisplayNames(['en'], { type: 'language' });
	} catch {
		return null;
	}
})();

export function langName(tag) {
	if (!tag)
		return 'unknown';
	let name = null;
	try {
		name = langNames?.of(tag);
	} catch { /* not a tag Intl knows */ }
	return name && name !== tag ? name : tag;
}

const FMT = {
	day: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }),
	month: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }),
	year: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', year: 'numeric' }),
	time: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
};

// A time at a precision ('day' | 'month' | 'year' | 'time'), in UTC.
export function fmtDate(iso, precision = 'day') {
	if (!iso)
		return '—';
	const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
	if (Number.isNaN(d.getTime()))
		return iso;
	return (FMT[precision] || FMT.day).format(d) + (precision === 'time' ? ' UTC' : '');
}

// <time> for a time at a precision.
export function timeEl(iso, precision = 'day') {
	if (!iso)
		return h('span', { class: 'muted' }, 'no date');
	return h('time', { datetime: iso }, fmtDate(iso, precision));
}

export const ORIGIN_TEXT = { given: 'given at ingestion', metadata: 'from the page metadata', text: 'from the text' };

export function plural(n, one, many = one.endsWith('y') ? `${one.slice(0, -1)}ies` : `${one}s`) {
	return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

export const KIND_LABEL = { person: 'Person', location: 'Place', organization: 'Organisation', other: 'Other' };

export function kindBadge(kind) {
	return h('span', { class: `badge kind-${kind}` }, KIND_LABEL[kind] || kind);
}

// ------------------------------------------------------------ page pieces

export function errorBox(err) {
	if (err?.name === 'AbortError')
		return null;
	return h('div', { class: 'error', role: 'alert' }, h('strong', {}, 'Could not load: '), err?.message || String(err));
}

export function loading(what = 'Loading') {
	return h('p', { class: 'loading', role: 'status' }, `${what}…`);
}

// A key/value list: [['Source', node-or-text], ...]; rows with a null value are left out.
export function facts(rows) {
	return h('dl', { class: 'facts' }, rows.filter((r) => r && r[1] !== null && r[1] !== undefined).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// A list filled page by page: load(cursor) -> {data, next}; each item through
// render(item) -> <li>. A "More" button follows `next`.
export function pagedList({ load, render, empty = 'Nothing here.', label, noun = 'item', listClass = 'results', signal }) {
	const ul = h('ul', { class: listClass, 'aria-label': label });
	const status = h('p', { class: 'muted', role: 'status' });
	const more = h('button', { type: 'button', class: 'more', hidden: true }, 'More');
	const box = h('div', { class: 'paged' }, ul, status, more);
	let cursor = null;
	let count = 0;
	async function page() {
		more.disabled = true;
		status.textContent = 'Loading…';
		try {
			const r = await load(cursor, signal);
			const firstNew = ul.children.length;
			for (const it of r.data)
				ul.append(render(it));
			count += r.data.length;
			cursor = r.next;
			more.hidden = !cursor;
			status.textContent = count === 0 ? empty : `${plural(count, noun)} shown${cursor ? '' : ' (all)'}.`;
			// Keyboard users who pressed More land on the first new item.
			if (firstNew > 0 && ul.children[firstNew])
				ul.children[firstNew].querySelector('a, button')?.focus();
		} catch (e) {
			if (e.name === 'AbortError')
				return;
			status.replaceChildren(errorBox(e));
		} finally {
			more.disabled = false;
		}
	}
	more.addEventListener('click', page);
	box.ready = page();
	return box;
}

// An accessible entity picker (ARIA 1.2 combobox with a listbox popup):
// typing asks GET entities?q=<prefix>; arrows move, Enter picks, Escape
// closes. The chosen entity's id goes into a hidden input named `name`.
let comboSeq = 0;
export function entityPicker({ name, label, value = null, kind = '', api, onChange }) {
	const id = `combo-${++comboSeq}`;
	const hidden = h('input', { type: 'hidden', name, value: value?.id ?? '' });
	const input = h('input', {
		type: 'text', id, role: 'combobox', autocomplete: 'off', spellcheck: 'false',
		'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `${id}-list`,
		placeholder: 'Type a name…', value: value?.name ?? '',
	});
	const list = h('ul', { id: `${id}-list`, role: 'listbox', class: 'combo-list', hidden: true, 'aria-label': `${label} suggestions` });
	const clearBtn = h('button', { type: 'button', class: 'combo-clear', 'aria-label': `Clear ${label}`, hidden: !value }, '×');
	let options = [];
	let active = -1;
	let timer = null;
	let seq = 0;

	function close() {
		list.hidden = true;
		input.setAttribute('aria-expanded', 'false');
		input.removeAttribute('aria-activedescendant');
		active = -1;
	}
	function mark(i) {
		active = i;
		[...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
		if (i >= 0) {
			input.setAttribute('aria-activedescendant', list.children[i].id);
			list.children[i].scrollIntoView({ block: 'nearest' });
		} else {
			input.removeAttribute('aria-activedescendant');
		}
	}
	function pick(ent) {
		hidden.value = ent ? ent.id : '';
		input.value = ent ? ent.name : '';
		clearBtn.hidden = !ent;
		close();
		onChange?.(ent);
	}
	async function suggest() {
		const q = input.value.trim();
		if (!q) {
			close();
			return;
		}
		const my = ++seq;
		let r;
		try {
			r = await api(`entities?q=${encodeURIComponent(q)}&limit=8${kind ? `&kind=${kind}` : ''}`);
		} catch {
			return;
		}
		if (my !== seq)
			return;
		options = r.data;
		list.replaceChildren(...options.map((e, i) => h('li', {
			id: `${id}-opt-${i}`, role: 'option', 'aria-selected': 'false',
			onmousedown: (ev) => { ev.preventDefault(); pick(e); },
		}, e.name, ' ', h('span', { class: 'muted' }, `${KIND_LABEL[e.kind] || e.kind} · ${plural(e.article_count, 'article')}`))));
		if (!options.length)
			list.replaceChildren(h('li', { class: 'muted', role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false', id: `${id}-none` }, 'No entity starts with that.'));
		list.hidden = false;
		input.setAttribute('aria-expanded', 'true');
		mark(-1);
	}
	input.addEventListener('input', () => {
		hidden.value = '';
		clearBtn.hidden = !input.value;
		clearTimeout(timer);
		timer = setTimeout(suggest, 150);
	});
	input.addEventListener('keydown', (ev) => {
		const open = !list.hidden && options.length > 0;
		if (ev.key === 'ArrowDown') {
			ev.preventDefault();
			if (list.hidden)
				suggest();
			else if (open)
				mark((active + 1) % options.length);
		} else if (ev.key === 'ArrowUp' && open) {
			ev.preventDefault();
			mark((active - 1 + options.length) % options.length);
		} else if (ev.key === 'Enter' && open && active >= 0) {
			ev.preventDefault();
			pick(options[active]);
		} else if (ev.key === 'Escape' && !list.hidden) {
			ev.preventDefault();
			close();
		}
	});
	input.addEventListener('blur', () => setTimeout(close, 100));
	clearBtn.addEventListener('click', () => {
		pick(null);
		input.focus();
	});
	const wrap = h('div', { class: 'field combo' },
		h('label', { for: id }, label),
		h('div', { class: 'combo-box' }, input, clearBtn, list),
		hidden);
	wrap.input = input;
	wrap.hidden_ = hidden;
	return wrap;
}

// A labelled form field. opts: {type, name, value, hint, attrs}
let fieldSeq = 0;
export function field(label, { type = 'text', name, value = '', hint, attrs = {}, options, wide = false } = {}) {
	const id = `f-${name}-${++fieldSeq}`;
	const hintId = hint ? `${id}-hint` : undefined;
	let control;
	if (type === 'select') {
		control = h('select', { id, name, 'aria-describedby': hintId, ...attrs },
			options.map(([v, t]) => h('option', { value: v, selected: String(v) === String(value) }, t)));
	} else if (type === 'textarea') {
		control = h('textarea', { id, name, 'aria-describedby': hintId, ...attrs });
		control.value = value;
	} else if (type === 'checkbox') {
		control = h('input', { id, name, type, checked: !!value, 'aria-describedby': hintId, ...attrs });
		return h('div', { class: 'field check' }, control, h('label', { for: id }, label), hint && h('small', { id: hintId }, hint));
	} else {
		control = h('input', { id, name, type, value, 'aria-describedby': hintId, ...attrs });
	}
	return h('div', { class: wide ? 'field wide' : 'field' }, h('label', { for: id }, label), control, hint && h('small', { id: hintId, class: 'hint' }, hint));
}

// Time inputs accepted by the API: YYYY, YYYY-MM, YYYY-MM-DD (a date-time too).
export const TIME_PATTERN = '[0-9]{4}(-[0-9]{2}(-[0-9]{2}([T ][0-9:.]+(Z|[+\\-][0-9:]+)?)?)?)?';
