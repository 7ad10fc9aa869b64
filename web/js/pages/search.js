// Search: full-text query and filters; the URL holds them all
// (#/search?q=...&lang=...), results page by page with "More".
import { api, qs } from '../api.js';
import { go } from '../app.js';
import { h, clear, append, field, entityPicker, pagedList, langName, timeEl, TIME_PATTERN, plural, errorBox } from '../ui.js';

export const LANGS = ['fr', 'en', 'de', 'es', 'it', 'pt', 'nl'];

const eventCache = new Map();
export function eventSummary(id, signal) {
	if (!eventCache.has(id))
		eventCache.set(id, api(`events/${id}`, { signal }).catch((e) => {
			eventCache.delete(id);
			throw e;
		}));
	return eventCache.get(id);
}

// One article of a list: title, then source · agency · date · language · event.
export function articleItem(a, { showEvent = true } = {}) {
	const meta = [];
	if (a.source)
		meta.push(h('span', { class: 'm-source' }, a.source));
	if (a.agency)
		meta.push(h('span', { class: 'm-agency' }, a.agency));
	meta.push(h('span', { class: 'm-date' }, a.published_at ? timeEl(a.published_at, a.published_at_precision) : h('span', { class: 'muted' }, 'no date')));
	meta.push(h('span', { class: 'm-lang', lang: 'en' }, langName(a.lang)));
	if (a.duplicate_of)
		meta.push(h('a', { class: 'badge dup', href: `#/article/${a.duplicate_of}` }, `duplicate of #${a.duplicate_of}`));
	let ev = null;
	if (showEvent && a.event_id) {
		ev = h('a', { class: 'm-event', href: `#/event/${a.event_id}` }, `Event #${a.event_id}`);
		eventSummary(a.event_id).then((e) => {
			ev.textContent = e.article_count > 1 ? `Event: ${e.title || `#${e.id}`} (${plural(e.article_count, 'article')})` : 'Event: this article alone';
		}).catch(() => { /* the link still works */ });
	}
	return h('li', { class: 'hit' },
		h('a', { class: 'hit-title', href: `#/article/${a.id}`, lang: a.lang || undefined }, a.title || `Article #${a.id} (no title)`),
		h('div', { class: 'meta' }, meta.flatMap((m, i) => (i ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, ' · '), m] : [m]))),
		ev && h('div', { class: 'meta' }, ev));
}

function fold(s) {
	return String(s || '').normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

export async function searchPage({ root, params, signal }) {
	const p = Object.fromEntries(params);
	document.title = p.q ? `${p.q} · Search · newsd` : 'Search · newsd';
	let entity = null;
	if (p.entity) {
		try {
			entity = await api(`entities/${encodeURIComponent(p.entity)}`, { signal });
		} catch (e) {
			if (e.name === 'AbortError')
				throw e;
			entity = { id: p.entity, name: `#${p.entity}` };
		}
	}
	const advanced = ['lang', 'source', 'agency', 'entity', 'event', 'from', 'to', 'duplicates'].some((k) => p[k]);
	const picker = entityPicker({ name: 'entity', label: 'Mentions entity', value: entity, api });
	const form = h('form', { class: 'search-form', role: 'search', 'aria-label': 'Articles' },
		h('div', { class: 'search-row' },
			field('Search articles', { type: 'search', name: 'q', value: p.q || '', attrs: { placeholder: 'words, in any language', maxlength: 1000 } }),
			h('button', { type: 'submit', class: 'primary' }, 'Search')),
		h('details', { class: 'filters', open: advanced || undefined },
			h('summary', {}, 'Filters'),
			h('div', { class: 'grid' },
				field('Language', { name: 'lang', value: p.lang || '', hint: 'Two or three letters: fr, en, de…', attrs: { list: 'langs', pattern: '[A-Za-z]{2,3}', size: 4 } }),
				h('datalist', { id: 'langs' }, LANGS.map((l) => h('option', { value: l }, langName(l)))),
				field('Event id', { type: 'number', name: 'event', value: p.event || '', attrs: { min: 1, step: 1, inputmode: 'numeric' } }),
				field('Source', { name: 'source', value: p.source || '', hint: 'Publisher name (filtered in the browser)' }),
				field('Agency', { name: 'agency', value: p.agency || '', hint: 'AFP, Reuters, dpa… (filtered in the browser)' }),
				picker,
				field('Published from', { name: 'from', value: p.from || '', hint: 'YYYY, YYYY-MM or YYYY-MM-DD', attrs: { pattern: TIME_PATTERN, inputmode: 'numeric' } }),
				field('Published to', { name: 'to', value: p.to || '', hint: 'Inclusive: 2024-03 covers all of March', attrs: { pattern: TIME_PATTERN, inputmode: 'numeric' } }),
				field('Hide near duplicates', { type: 'checkbox', name: 'duplicates', value: p.duplicates === 'false', attrs: { value: 'false' } })),
			h('p', {}, h('a', { href: '#/search' }, 'Clear all filters'))));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!form.reportValidity())
			return;
		const fd = new FormData(form);
		const next = {};
		for (const k of ['q', 'lang', 'source', 'agency', 'entity', 'event', 'from', 'to', 'duplicates'])
			next[k] = (fd.get(k) || '').toString().trim();
		if (next.lang)
			next.lang = next.lang.toLowerCase();
		go('/search', next);
	});

	const heading = h('h2', { id: 'results-h', 'data-focus-on-update': '' }, p.q ? `Results for “${p.q}”` : 'Latest articles');
	const server = { q: p.q, lang: p.lang, entity: p.entity, event: p.event, from: p.from, to: p.to, duplicates: p.duplicates };
	const src = fold(p.source);
	const agency = fold(p.agency);
	const local = (a) => (!src || fold(a.source).includes(src)) && (!agency || fold(a.agency) === agency);
	const filtered = src || agency;
	const list = pagedList({
		label: 'Articles', noun: 'article',
		empty: 'No article matches.',
		signal,
		render: (a) => articleItem(a),
		// Source and agency are not API filters: pages of 100 are scanned
		// in the browser until 20 match (or 10 pages were read).
		load: async (cursor, sig) => {
			if (!filtered)
				return api(`articles${qs({ ...server, cursor, limit: 20 })}`, { signal: sig });
			const data = [];
			let next = cursor;
			for (let i = 0; i < 10; i++) {
				const r = await api(`articles${qs({ ...server, cursor: next, limit: 100 })}`, { signal: sig });
				data.push(...r.data.filter(local));
				next = r.next;
				if (!next || data.length >= 20)
					break;
			}
			return { data, next };
		},
	});
	append(root, h('h1', {}, 'Search'), form, h('section', { 'aria-labelledby': 'results-h' }, heading, list));
	try {
		await list.ready;
	} catch (e) {
		append(root, errorBox(e));
	}
}
