// Events: a timeline chart over a chosen period with a list below, and the
// page of one event (participants, its articles across languages and
// sources, their timeline).
import { api, listAll } from '../api.js';
import { go } from '../app.js';
import { h, clear, append, field, entityPicker, facts, fmtDate, timeEl, langName, kindBadge, plural, TIME_PATTERN, errorBox, loading, KIND_LABEL } from '../ui.js';
import { barChart, bucketize } from '../chart.js';
import { articleItem } from './search.js';

// The end of a period given as YYYY, YYYY-MM or YYYY-MM-DD (ms), inclusive.
function periodEnd(s) {
	if (!s)
		return NaN;
	if (/^\d{4}$/.test(s))
		return Date.UTC(Number(s) + 1, 0, 1) - 1;
	if (/^\d{4}-\d{2}$/.test(s)) {
		const [y, m] = s.split('-').map(Number);
		return Date.UTC(y, m, 1) - 1;
	}
	if (/^\d{4}-\d{2}-\d{2}$/.test(s))
		return Date.parse(`${s}T23:59:59.999Z`);
	return Date.parse(s);
}
function periodStart(s) {
	if (!s)
		return NaN;
	if (/^\d{4}$/.test(s))
		return Date.UTC(Number(s), 0, 1);
	if (/^\d{4}-\d{2}$/.test(s))
		return Date.parse(`${s}-01T00:00:00Z`);
	if (/^\d{4}-\d{2}-\d{2}$/.test(s))
		return Date.parse(`${s}T00:00:00Z`);
	return Date.parse(s);
}

// When an event happened, as far as the API tells: its own date once
// inferred, else its last publication (what from/to filter on).
export function eventTime(e) {
	return e.date ? Date.parse(`${e.date.value}T00:00:00Z`) : Date.parse(e.last_published);
}

function windowText(e) {
	const a = fmtDate(e.first_published);
	const b = fmtDate(e.last_published);
	return a === b ? a : `${a} – ${b}`;
}

export function eventItem(e) {
	return h('li', { class: 'hit' },
		h('a', { class: 'hit-title', href: `#/event/${e.id}` }, e.title || `Event #${e.id}`),
		h('div', { class: 'meta' },
			e.kind ? [h('span', { class: 'badge' }, e.kind), ' '] : null,
			e.date ? [h('span', {}, 'on ', timeEl(e.date.value, e.date.precision || 'day')), ' · '] : null,
			e.location ? [h('span', {}, 'in ', e.location.name), ' · '] : null,
			h('span', {}, `reported ${windowText(e)}`), ' · ',
			h('span', {}, plural(e.article_count, 'article'))));
}

const MAX_PAGES = 100; // 10 000 events for the chart

export async function eventsPage({ root, params, signal }) {
	const p = Object.fromEntries(params);
	document.title = 'Events · newsd';
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
	const kindSel = field('Entity kind', { type: 'select', name: 'ekind', value: p.ekind || '', options: [['', 'any'], ...Object.entries(KIND_LABEL)], hint: 'Narrows the suggestions (Place for a location)', wide: true });
	const picker = entityPicker({ name: 'entity', label: 'Involving', value: entity, api, kind: p.ekind || '' });
	kindSel.querySelector('select').addEventListener('change', (ev) => {
		// The picker asks with the kind it was made with: remake it.
		const np = entityPicker({ name: 'entity', label: 'Involving', value: null, api, kind: ev.target.value });
		form.querySelector('.combo').replaceWith(np);
	});
	const form = h('form', { class: 'filter-form', 'aria-label': 'Events period and filters' },
		h('div', { class: 'grid' },
			field('From', { name: 'from', value: p.from || '', hint: 'YYYY, YYYY-MM or YYYY-MM-DD', attrs: { pattern: TIME_PATTERN, inputmode: 'numeric' } }),
			field('To', { name: 'to', value: p.to || '', hint: 'Inclusive', attrs: { pattern: TIME_PATTERN, inputmode: 'numeric' } }),
			kindSel,
			picker),
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show'), ' ', h('a', { href: '#/events' }, 'All events')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		if (!form.reportValidity())
			return;
		const fd = new FormData(form);
		go('/events', { from: fd.get('from').trim(), to: fd.get('to').trim(), ekind: fd.get('ekind'), entity: fd.get('entity') });
	});

	const chartBox = h('div', { class: 'chart-slot' }, loading('Loading events'));
	const summary = h('p', { id: 'events-summary', role: 'status' });
	const ul = h('ul', { class: 'results', 'aria-label': 'Events' });
	const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Show more');
	append(root, h('h1', {}, 'Events'), form,
		h('section', { 'aria-labelledby': 'h-timeline' }, h('h2', { id: 'h-timeline', 'data-focus-on-update': '' }, 'Timeline'), summary, chartBox),
		h('section', { 'aria-labelledby': 'h-list' }, h('h2', { id: 'h-list' }, 'Events'), ul, more));

	const filters = { from: p.from, to: p.to, entity: p.entity };
	let items = [];
	let shown = 0;
	const showMore = () => {
		const first = shown;
		for (const e of items.slice(shown, shown + 50))
			append(ul, eventItem(e));
		shown = Math.min(items.length, shown + 50);
		more.hidden = shown >= items.length;
		if (first > 0)
			ul.children[first]?.querySelector('a')?.focus();
	};
	more.addEventListener('click', showMore);
	const hrefFor = (key) => `#/events?${new URLSearchParams({ from: key, to: key, ...(p.entity ? { entity: p.entity } : {}), ...(p.ekind ? { ekind: p.ekind } : {}) })}`;
	// The chart is drawn from the events loaded so far: after the first page,
	// every 10 pages while more come, and at the end.
	const drawChart = (all, done) => {
		const { unit, buckets } = bucketize(all.map(eventTime), { min: periodStart(p.from), max: periodEnd(p.to) });
		const undated = all.every((e) => !e.date);
		clear(chartBox, barChart({
			unit, buckets, unitName: 'event', href: hrefFor,
			label: `Events per ${unit}${undated ? ' (by last publication: events have no date of their own yet)' : ''}${done ? '' : ', loading…'}. Choose a bar to narrow the period.`,
		}));
	};
	let pages = 0;
	let result;
	try {
		result = await listAll('events', filters, {
			signal, maxPages: MAX_PAGES,
			onPage: (all, last) => {
				items = all;
				pages += 1;
				if (shown === 0)
					showMore();
				else
					more.hidden = shown >= items.length;
				if (!last) {
					summary.textContent = `${plural(all.length, 'event')} loaded…`;
					if (pages === 1 || pages % 10 === 0)
						drawChart(all, false);
				}
			},
		});
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		clear(chartBox, errorBox(e));
		return;
	}
	items = result.items;
	if (shown === 0 && items.length)
		showMore();
	more.hidden = shown >= items.length;
	const times = items.map(eventTime);
	const span = items.length ? `${fmtDate(new Date(Math.min(...times)).toISOString())} – ${fmtDate(new Date(Math.max(...times)).toISOString())}` : '';
	summary.textContent = items.length
		? `${plural(items.length, 'event')}${result.complete ? '' : ' (the most recent; narrow the period to see all)'}${entity ? ` involving ${entity.name}` : ''}, ${span}.`
		: 'No event in this period.';
	drawChart(items, true);
	if (!items.length)
		clear(ul, h('li', { class: 'muted' }, 'No event.'));
}

// A quotation of the article that gives a field, linked to it.
function evidence(ev) {
	if (!ev)
		return null;
	return h('span', { class: 'muted evidence' }, ' — “', h('q', {}, ev.text), '”, ', h('a', { href: `#/article/${ev.article_id}` }, `article #${ev.article_id}`));
}

export async function eventPage({ root, id, signal }) {
	const e = await api(`events/${id}`, { signal });
	document.title = `${e.title || `Event #${e.id}`} · newsd`;
	const byKind = {};
	for (const x of e.participants)
		(byKind[x.kind] ||= []).push(x);
	const people = (k) => (byKind[k] || []).map((x) => h('li', {}, h('a', { href: `#/entity/${x.id}`, class: `chip kind-${x.kind}` }, x.name), h('span', { class: 'muted' }, ` weight ${x.weight}${x.role ? ` · ${x.role}` : ''}`)));
	const none = () => h('span', { class: 'muted' }, 'not inferred yet');
	const places = e.location ? [e.location] : (byKind.location || []);
	const artBox = h('div', {}, loading('Loading articles'));
	const story = h('div', {}, loading('Loading'));
	const langs = h('span', { id: 'event-langs' }, '…');
	const sources = h('span', { id: 'event-sources' }, '…');
	const storyBox = e.story ? h('section', { 'aria-labelledby': 'h-st' }, h('h2', { id: 'h-st' }, `Story: ${e.story.title || `#${e.story.id}`} (${plural(e.story.event_count, 'event')})`), h('div', { id: 'event-story' }, loading('Loading'))) : null;
	append(root, 
		h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/events' }, 'Events'), ' › Event'),
		h('h1', {}, e.title || `Event #${e.id}`),
		h('div', { class: 'two-col' },
			h('div', { class: 'col-main' },
				h('section', { 'aria-labelledby': 'h-story' }, h('h2', { id: 'h-story' }, 'Timeline of its reports'), story),
				storyBox,
				h('section', { 'aria-labelledby': 'h-arts' }, h('h2', { id: 'h-arts' }, `Articles (${e.article_count})`), artBox)),
			h('aside', { class: 'col-side' },
				h('section', { 'aria-labelledby': 'h-facts' }, h('h2', { id: 'h-facts' }, 'About'),
					facts([
						['Kind', e.kind ? [e.kind, evidence(e.kind_evidence)] : none()],
						['Date', e.date ? [timeEl(e.date.value, e.date.precision || 'day'), e.date.evidence ? evidence(e.date.evidence) : h('span', { class: 'muted' }, ' (from publication dates)')] : none()],
						['Location', places.length ? places.map((x, i) => [i ? ', ' : '', h('a', { href: `#/entity/${x.id}` }, x.name)]) : none(), e.location ? evidence(e.location.evidence) : null],
						['Reported', windowText(e)],
						['Articles', String(e.article_count)],
						['Languages', langs],
						['Sources', sources],
					])),
				h('section', { 'aria-labelledby': 'h-part' }, h('h2', { id: 'h-part' }, `Participants (${e.participants.length})`),
					e.participants.length
						? ['person', 'organization', 'location', 'other'].filter((k) => byKind[k]).map((k) => [h('h3', { class: 'kind-h' }, kindBadge(k)), h('ul', { class: 'plain' }, people(k))])
						: h('p', { class: 'muted' }, 'None recognised.')))));

	if (e.story) {
		api(`stories/${e.story.id}`, { signal }).then((st) => {
			const box = root.querySelector('#event-story');
			if (box)
				clear(box, h('ol', { class: 'story-events' }, st.events.map((x) => h('li', {},
					h('span', { class: 'se-when' }, x.date ? timeEl(x.date.value, x.date.precision) : h('span', { class: 'muted' }, 'undated')), ' ',
					h('span', { class: 'se-what' }, x.id === e.id ? h('strong', {}, x.title || `Event #${x.id}`) : h('a', { href: `#/event/${x.id}` }, x.title || `Event #${x.id}`),
						h('span', { class: 'muted' }, ` · ${plural(x.article_count, 'article')}`))))));
		}).catch(() => {});
	}
	let arts;
	try {
		arts = await listAll(`events/${id}/articles`, {}, { signal, maxPages: 10 });
	} catch (err) {
		if (err.name === 'AbortError')
			throw err;
		clear(artBox, errorBox(err));
		clear(story, );
		return;
	}
	const list = arts.items;
	const count = (f) => {
		const m = new Map();
		for (const a of list) {
			const k = f(a);
			m.set(k, (m.get(k) || 0) + 1);
		}
		return [...m].sort((a, b) => b[1] - a[1]);
	};
	clear(langs, count((a) => a.lang).map(([l, n], i) => [i ? ', ' : '', `${langName(l)} ${n}`]));
	clear(sources, count((a) => a.source || a.agency || 'unknown').map(([s, n], i) => [i ? ', ' : '', `${s} ${n}`]));
	clear(artBox, h('ul', { class: 'results', 'aria-label': 'Articles of the event' }, list.map((a) => articleItem(a, { showEvent: false }))),
		arts.complete ? null : h('p', { class: 'muted' }, `First ${list.length} shown.`));
	const when = (a) => Date.parse(a.published_at || a.ingested_at);
	const sorted = [...list].sort((a, b) => when(a) - when(b));
	clear(story, h('ol', { class: 'timeline' }, sorted.map((a) => h('li', {},
		h('span', { class: 'tl-when' }, a.published_at ? timeEl(a.published_at, a.published_at_precision === 'day' && !a.published_at.endsWith('T00:00:00.000Z') && !a.published_at.endsWith('T00:00:00Z') ? 'time' : a.published_at_precision) : [timeEl(a.ingested_at, 'time'), h('span', { class: 'muted' }, ' (ingested)')]),
		h('span', { class: 'tl-what' }, h('a', { href: `#/article/${a.id}`, lang: a.lang || undefined }, a.title || `Article #${a.id}`),
			h('span', { class: 'muted' }, ` · ${a.source || a.agency || 'unknown source'} · ${langName(a.lang)}`))))));
}
