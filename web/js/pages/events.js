// Events: a timeline chart over a chosen period with a list below, and the
// page of one event (participants, its articles across languages and
// sources, their timeline).
import { api, listAll, qs } from '../api.js';
import { h, clear, append, facts, fmtDate, timeEl, langName, kindBadge, plural, errorBox, loading, pagedList } from '../ui.js';
import { barChart } from '../chart.js';
import { articleItem } from './search.js';
import { entityFromUrl, eventKindField, filterForm, langField, periodFields, pickerField, routeParams } from '../filters.js';

const DAY = 86400000;

// The first and last instant (ms, UTC) of a period given as YYYY, YYYY-MM
// or YYYY-MM-DD (a date-time: that instant); NaN when absent.
export function periodStart(s) {
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
export function periodEnd(s) {
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

// The chart's interval for a period: days up to two months, ISO weeks up
// to half a year, months beyond (and when either end is open: at most
// 1000 buckets, 83 years, whatever the data).
export function intervalFor(from, to) {
	const days = (periodEnd(to) - periodStart(from)) / DAY;
	if (!Number.isFinite(days))
		return 'month';
	if (days <= 62)
		return 'day';
	if (days <= 190)
		return 'week';
	return 'month';
}

// The period a bucket covers, in the API's from/to syntax.
function bucketPeriod(start, interval) {
	if (interval === 'month')
		return [start.slice(0, 7), start.slice(0, 7)];
	if (interval === 'week')
		return [start, new Date(Date.parse(`${start}T00:00:00Z`) + 6 * DAY).toISOString().slice(0, 10)];
	return [start, start];
}

// A from/to of the URL for people: "March 2023", "2 Mar 2023 – 9 Mar 2023".
function periodText(from, to) {
	const one = (x) => (!x ? '…' : fmtDate(x.length === 4 ? `${x}-01-01` : x.length === 7 ? `${x}-01` : x, x.length === 4 ? 'year' : x.length === 7 ? 'month' : 'day'));
	return from === to ? one(from) : `${one(from)} – ${one(to)}`;
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

const KEYS = ['from', 'to', 'kind', 'lang', 'entity', 'location'];

// Events: ONE /stats/timeline request charts the period (every filter
// applies to it), and GET /events lists the same events by date, 50 at a
// time.
export async function eventsPage({ root, params, signal }) {
	const p = routeParams(params);
	document.title = 'Events · newsd';
	const filters = Object.fromEntries(KEYS.map((k) => [k, p[k]]));
	const interval = intervalFor(p.from, p.to);
	// The chart's counts start at once, alongside the names the URL's ids need.
	const counts = api(`stats/timeline${qs({ what: 'events', interval, ...filters })}`, { signal });
	counts.catch(() => { /* shown below */ });
	const [entity, location] = await Promise.all([entityFromUrl(p.entity, signal), entityFromUrl(p.location, signal)]);

	const form = filterForm({
		path: '/events', keys: KEYS,
		attrs: { class: 'filter-form', 'aria-label': 'Events period and filters' },
		children: [
			h('div', { class: 'grid' },
				periodFields(p, { toHint: 'Inclusive; the event’s own date' }),
				eventKindField(p.kind),
				langField(p.lang, { hint: 'Events reported in it: fr, en, de…' }),
				pickerField({ name: 'entity', label: 'Involving', value: entity }),
				pickerField({ name: 'location', label: 'Location', value: location, kind: 'location' })),
			h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show'), ' ', h('a', { href: '#/events' }, 'All events'))],
	});

	const chartBox = h('div', { class: 'chart-slot' }, loading('Loading the timeline'));
	const summary = h('p', { id: 'events-summary', role: 'status' });
	const list = pagedList({
		label: 'Events', noun: 'event', empty: 'No event matches.', signal,
		render: eventItem,
		load: (cursor, sig) => api(`events${qs({ ...filters, sort: 'date', cursor, limit: 50 })}`, { signal: sig }),
	});
	append(root, h('h1', {}, 'Events'), form,
		h('section', { 'aria-labelledby': 'h-timeline' }, h('h2', { id: 'h-timeline', 'data-focus-on-update': '' }, 'Timeline'), summary, chartBox),
		h('section', { 'aria-labelledby': 'h-list' }, h('h2', { id: 'h-list' }, 'Events'),
			h('p', { class: 'muted small' }, 'By their date, latest first', p.from || p.to ? '.' : '; events without a date of their own last.'),
			list));

	const what = [
		entity ? ` involving ${entity.name}` : '',
		p.kind ? ` of kind ${p.kind}` : '',
		location ? ` located in ${location.name}` : '',
		p.lang ? ` reported in ${langName(p.lang)}` : '',
	].join('');
	const hrefFor = (start) => {
		const [from, to] = bucketPeriod(start, interval);
		return `#/events${qs({ ...filters, from, to })}`;
	};
	try {
		const tl = await counts;
		const buckets = tl.data.map((b) => ({ key: b.start, count: b.count }));
		const total = buckets.reduce((n, b) => n + b.count, 0);
		const used = buckets.filter((b) => b.count);
		const prec = interval === 'month' ? 'month' : 'day';
		const first = used.length ? fmtDate(used[0].key, prec) : '';
		const last = used.length ? fmtDate(used.at(-1).key, prec) : '';
		const span = first ? ` dated ${first === last ? first : `${first} – ${last}`}` : '';
		summary.textContent = total
			? `${plural(total, 'event')}${what}${p.from || p.to ? `, ${periodText(p.from, p.to)}` : span}.`
			: `No dated event${what} in this period.`;
		clear(chartBox, barChart({
			unit: interval, buckets, unitName: 'event', href: hrefFor,
			label: `Events per ${interval} by their own date${p.from || p.to ? '' : ' (events without one are not charted)'}. Choose a bar to narrow the period.`,
		}));
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		summary.textContent = '';
		clear(chartBox, errorBox(e));
	}
	await list.ready;
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
