// Entities: the list (name prefix, kind, language, order; the URL holds the
// query), and the page of one entity: names per language, aliases by
// language, knowledge-base facts, articles over time (GET stats/timeline),
// co-occurring entities, its events and articles.
import { api, listAll, qs, request } from '../api.js';
import { go } from '../app.js';
import { h, clear, append, field, facts, timeEl, fmtDate, kindBadge, langName, plural, pagedList, errorBox, loading, KIND_LABEL } from '../ui.js';
import { barChart, bucketize } from '../chart.js';
import { articleItem, LANGS } from './search.js';

const SORTS = [['mentions', 'most mentioned'], ['recent', 'most recently seen'], ['name', 'name (A–Z)']];

const regionNames = (() => {
	try {
		return new Intl.DisplayNames(['en'], { type: 'region' });
	} catch {
		return null;
	}
})();

export function countryName(cc) {
	if (!cc)
		return null;
	let name = null;
	try {
		name = regionNames?.of(cc.toUpperCase());
	} catch { /* not a region code Intl knows */ }
	return name && name !== cc ? `${name} (${cc})` : cc;
}

// 48.8566, 2.3522 -> "48.8566° N, 2.3522° E"
export function fmtCoordinates(c) {
	if (!c || !Number.isFinite(c.lat) || !Number.isFinite(c.lon))
		return null;
	const f = (v, pos, neg) => `${Math.abs(v).toFixed(4)}° ${v >= 0 ? pos : neg}`;
	return `${f(c.lat, 'N', 'S')}, ${f(c.lon, 'E', 'W')}`;
}

function entityItem(e, lang) {
	const meta = [plural(e.article_count, 'article'), plural(e.mention_count, 'mention')];
	if (e.country)
		meta.push(countryName(e.country));
	if (e.last_seen)
		meta.push(`last seen ${fmtDate(e.last_seen)}`);
	return h('li', { class: 'hit', dataset: { entity: e.id } },
		h('a', { class: 'hit-title', href: `#/entity/${e.id}`, lang: lang || undefined }, e.name), ' ', kindBadge(e.kind),
		e.description ? h('div', { class: 'desc' }, e.description) : null,
		h('div', { class: 'meta' }, meta.join(' · ')));
}

export async function entitiesPage({ root, params, signal }) {
	const p = Object.fromEntries(params);
	document.title = 'Entities · newsd';
	const sort = SORTS.some(([v]) => v === p.sort) ? p.sort : '';
	const form = h('form', { class: 'search-form', role: 'search', 'aria-label': 'Entities' },
		h('div', { class: 'search-row' },
			field('Name starts with', { type: 'search', name: 'q', value: p.q || '', hint: 'Any alias; case and accents do not matter', attrs: { maxlength: 200 } }),
			field('Kind', { type: 'select', name: 'kind', value: p.kind || '', options: [['', 'any'], ...Object.entries(KIND_LABEL)] }),
			field('Named in', { type: 'select', name: 'lang', value: p.lang || '', options: [['', 'any language'], ...LANGS.map((l) => [l, langName(l)])] }),
			field('Order', { type: 'select', name: 'sort', value: sort, options: [['', 'default'], ...SORTS] }),
			h('button', { type: 'submit', class: 'primary' }, 'Find')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const fd = new FormData(form);
		go('/entities', { q: fd.get('q').trim(), kind: fd.get('kind'), lang: fd.get('lang'), sort: fd.get('sort') });
	});
	const list = pagedList({
		label: 'Entities', noun: 'entity', empty: 'No entity matches.', signal, render: (e) => entityItem(e, p.lang),
		load: (cursor, sig) => api(`entities${qs({ q: p.q, kind: p.kind, lang: p.lang, sort, cursor, limit: 30 })}`, { signal: sig }),
	});
	const what = [p.kind ? `${(KIND_LABEL[p.kind] || p.kind).toLowerCase()}s` : 'entities'];
	if (p.q)
		what.push(`starting with “${p.q}”`);
	if (p.lang)
		what.push(`named in ${langName(p.lang)}`);
	const title = p.q || p.kind || p.lang ? `${what.join(' ')[0].toUpperCase()}${what.join(' ').slice(1)}` : 'Most mentioned';
	append(root, h('h1', {}, 'Entities'), form,
		h('section', { 'aria-labelledby': 'h-ents' }, h('h2', { id: 'h-ents', 'data-focus-on-update': '' }, title), list));
	await list.ready;
}

// ------------------------------------------------------------ one entity

// Its events (GET entities/{id}/events), written here so that the events
// page can change its own list freely.
function eventItem(e) {
	const when = e.date?.value ? timeEl(e.date.value, e.date.precision || 'day') : null;
	const a = fmtDate(e.first_published);
	const b = fmtDate(e.last_published);
	return h('li', { class: 'hit' },
		h('a', { class: 'hit-title', href: `#/event/${e.id}` }, e.title || `Event #${e.id}`),
		h('div', { class: 'meta' },
			e.kind ? [h('span', { class: 'badge' }, e.kind), ' '] : null,
			when ? [h('span', {}, 'on ', when), ' · '] : null,
			e.location?.name ? [h('span', {}, `in ${e.location.name}`), ' · '] : null,
			h('span', {}, `reported ${a === b ? a : `${a} – ${b}`}`), ' · ',
			h('span', {}, plural(e.article_count, 'article'))));
}

// Names per language: a small table, the entity's own language tags in order.
function namesTable(names) {
	const rows = Object.entries(names || {}).sort(([a], [b]) => langName(a).localeCompare(langName(b)));
	if (!rows.length)
		return h('p', { class: 'muted' }, 'No name per language (not in the knowledge base).');
	return h('table', { class: 'names', id: 'entity-names' },
		h('caption', { class: 'sr-only' }, 'Name per language'),
		h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Language'), h('th', { scope: 'col' }, 'Name'))),
		h('tbody', {}, rows.map(([lang, name]) => h('tr', { dataset: { lang } },
			h('th', { scope: 'row' }, langName(lang), ' ', h('span', { class: 'muted small' }, lang)),
			h('td', { lang }, name)))));
}

// Aliases grouped by language (unknown language last).
function aliasGroups(aliases) {
	if (!aliases?.length)
		return h('p', { class: 'muted' }, 'No alias.');
	const by = new Map();
	for (const a of aliases) {
		const k = a.lang || '';
		if (!by.has(k))
			by.set(k, []);
		if (!by.get(k).includes(a.name))
			by.get(k).push(a.name);
	}
	const keys = [...by.keys()].sort((a, b) => (!a) - (!b) || langName(a).localeCompare(langName(b)));
	return h('dl', { class: 'alias-groups', id: 'entity-aliases' }, keys.map((k) => [
		h('dt', {}, k ? langName(k) : 'Language unknown'),
		h('dd', { dataset: { lang: k } }, h('ul', { class: 'aliases' }, by.get(k).map((n) => h('li', k ? { lang: k } : {}, n))))]));
}

function coocList(e) {
	const top = e.co_occurring || [];
	if (!top.length)
		return h('p', { class: 'muted' }, 'No other entity in its articles.');
	const maxA = Math.max(1, ...top.map((c) => c.shared_articles));
	return h('ol', { class: 'cooc', id: 'entity-cooc', 'aria-label': `Entities in the same articles as ${e.name}` }, top.map((c) => h('li', { dataset: { entity: c.id } },
		h('a', { href: `#/entity/${c.id}`, class: `chip kind-${c.kind}`, 'aria-label': `${c.name} (${(KIND_LABEL[c.kind] || c.kind).toLowerCase()})` }, c.name),
		h('span', { class: 'cooc-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round((c.shared_articles / maxA) * 100)}%` })),
		h('span', { class: 'muted small' }, plural(c.shared_articles, 'article')))));
}

const DAY = 86400000;
const addDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

// The search of the articles of one bucket.
function bucketHref(id, key, unit) {
	if (unit === 'week')
		return `#/search${qs({ entity: id, from: key, to: addDays(key, 6) })}`;
	return `#/search${qs({ entity: id, from: key, to: key })}`;
}

// Articles mentioning it per day or month (GET stats/timeline: empty
// buckets included; articles without a publication date never count). The
// interval follows the span: months, or days when they span three months or less.
async function timeline(e, signal) {
	const get = async (interval, from, to) => (await api(`stats/timeline${qs({ what: 'articles', entity: e.id, interval, from, to })}`, { signal })).data;
	let unit = 'month';
	let data = await get('month');
	if (data.length && data.length <= 3) {
		unit = 'day';
		data = await get('day');
		// A few days only: show the week around them, not one lone bar.
		if (data.length && data.length < 7)
			data = await get('day', addDays(data[0].start, -3), addDays(data[data.length - 1].start, 3));
	}
	const buckets = data.map((b) => ({ key: unit === 'month' ? b.start.slice(0, 7) : b.start, count: b.count }));
	return { unit, buckets, total: data.reduce((n, b) => n + b.count, 0) };
}

// The former way, while a server has no stats/timeline: its articles, bucketed here.
async function timelineFromArticles(e, signal) {
	const arts = await listAll(`entities/${e.id}/articles`, {}, { signal, maxPages: 20 });
	const dated = arts.items.filter((a) => a.published_at);
	const { unit, buckets } = bucketize(dated.map((a) => Date.parse(a.published_at)));
	return { unit, buckets, total: dated.length, partial: !arts.complete };
}

export async function entityPage({ root, id, signal }) {
	const r = await request(`entities/${id}`, { signal });
	const e = r.data;
	document.title = `${e.name} · newsd`;
	// A merged id: fetch followed the 301; the URL names the target from now on.
	let mergedNote = null;
	if (e.id !== id) {
		history.replaceState(null, '', `#/entity/${e.id}`);
		mergedNote = h('div', { class: 'note', id: 'merged-note' }, `Entity #${id} was merged into this one.`);
	}
	const chartBox = h('div', { id: 'entity-chart' }, loading('Counting its articles'));
	const artList = pagedList({
		label: `Articles mentioning ${e.name}`, noun: 'article', empty: 'No article.', signal, render: (a) => articleItem(a),
		load: (cursor, sig) => api(`entities/${e.id}/articles${qs({ cursor, limit: 10 })}`, { signal: sig }),
	});
	const evList = pagedList({
		label: `Events involving ${e.name}`, noun: 'event', empty: 'No event.', signal, render: eventItem,
		load: (cursor, sig) => api(`entities/${e.id}/events${qs({ cursor, limit: 10 })}`, { signal: sig }),
	});
	evList.id = 'entity-events';
	const never = h('span', { class: 'muted' }, 'no article yet');
	const qid = e.qid
		? [h('span', { class: 'qid' }, e.qid), ' ', h('a', { href: `https://www.wikidata.org/wiki/${e.qid}`, rel: 'noopener noreferrer', class: 'ext small' }, 'on Wikidata')]
		: null;
	append(root,
		h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/entities' }, 'Entities'), ' › Entity'),
		h('h1', {}, e.name, ' ', kindBadge(e.kind)),
		e.description ? h('p', { class: 'lead', id: 'entity-desc' }, e.description) : null,
		mergedNote,
		h('div', { class: 'two-col side-first' },
			h('div', { class: 'col-main' },
				h('section', { 'aria-labelledby': 'h-time' }, h('h2', { id: 'h-time' }, 'Mentions over time'), chartBox),
				h('section', { 'aria-labelledby': 'h-names' }, h('h2', { id: 'h-names' }, 'Names'),
					h('div', { class: 'two-col even' },
						h('div', {}, h('h3', {}, 'Per language'), namesTable(e.names)),
						h('div', {}, h('h3', {}, `Aliases (${e.aliases.length})`),
							h('p', { class: 'muted small' }, 'Every name that leads to this entity, as written.'), aliasGroups(e.aliases)))),
				h('section', { 'aria-labelledby': 'h-ev' }, h('h2', { id: 'h-ev' }, 'Events'), evList),
				h('section', { 'aria-labelledby': 'h-art' }, h('h2', { id: 'h-art' }, 'Articles'), artList)),
			h('aside', { class: 'col-side' },
				h('section', { 'aria-labelledby': 'h-about' }, h('h2', { id: 'h-about' }, 'About'), h('div', { id: 'entity-facts' }, facts([
					['Kind', KIND_LABEL[e.kind] || e.kind],
					['Wikidata', qid || h('span', { class: 'muted' }, 'no QID')],
					['External id', e.external_id && e.external_id !== e.qid ? e.external_id : null],
					['Country', countryName(e.country)],
					['Coordinates', fmtCoordinates(e.coordinates)],
					['Articles', e.article_count.toLocaleString('en')],
					['Mentions', e.mention_count.toLocaleString('en')],
					['First seen', e.first_seen ? timeEl(e.first_seen, 'time') : never],
					['Last seen', e.last_seen ? timeEl(e.last_seen, 'time') : never.cloneNode(true)],
				]))),
				h('section', { 'aria-labelledby': 'h-cooc' }, h('h2', { id: 'h-cooc' }, 'Often with'),
					h('p', { class: 'muted small' }, 'Entities named in the same articles (among its latest 1000).'), coocList(e)))));

	const chart = (async () => {
		let t;
		try {
			t = await timeline(e, signal);
		} catch (err) {
			if (err.name === 'AbortError')
				throw err;
			if (err.status !== 404 && err.status !== 400) {
				clear(chartBox, errorBox(err));
				return;
			}
			t = await timelineFromArticles(e, signal);
		}
		const undated = e.article_count - t.total;
		clear(chartBox,
			barChart({
				unit: t.unit, buckets: t.buckets, unitName: 'article',
				label: `Articles mentioning ${e.name} per ${t.unit}, by publication date`,
				href: (key, unit) => bucketHref(e.id, key, unit),
			}),
			h('p', { class: 'muted small', id: 'entity-chart-note' },
				`${plural(t.total, 'dated article')}${undated > 0 ? `; ${plural(undated, 'article')} without a publication date not charted` : ''}${t.partial ? ' (its latest articles only)' : ''}.`));
	})().catch((err) => {
		if (err.name !== 'AbortError')
			clear(chartBox, errorBox(err));
	});
	await Promise.all([chart, artList.ready, evList.ready]);
}
