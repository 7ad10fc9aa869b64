// Entities: a prefix search, and the page of one entity (names, articles over
// time, co-occurring entities computed from its articles, its events).
import { api, listAll, pool, qs } from '../api.js';
import { go } from '../app.js';
import { h, clear, append, field, facts, timeEl, kindBadge, plural, pagedList, errorBox, loading, KIND_LABEL } from '../ui.js';
import { barChart, bucketize } from '../chart.js';
import { articleItem } from './search.js';
import { eventItem } from './events.js';

function entityItem(e) {
	return h('li', { class: 'hit' },
		h('a', { class: 'hit-title', href: `#/entity/${e.id}` }, e.name), ' ', kindBadge(e.kind),
		h('div', { class: 'meta' }, `${plural(e.article_count, 'article')} · ${plural(e.mention_count, 'mention')}`));
}

export async function entitiesPage({ root, params, signal }) {
	const p = Object.fromEntries(params);
	document.title = 'Entities · newsd';
	const form = h('form', { class: 'search-form', role: 'search', 'aria-label': 'Entities' },
		h('div', { class: 'search-row' },
			field('Name starts with', { type: 'search', name: 'q', value: p.q || '', hint: 'Any alias; case and accents do not matter', attrs: { maxlength: 200 } }),
			field('Kind', { type: 'select', name: 'kind', value: p.kind || '', options: [['', 'any'], ...Object.entries(KIND_LABEL)] }),
			h('button', { type: 'submit', class: 'primary' }, 'Find')));
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const fd = new FormData(form);
		go('/entities', { q: fd.get('q').trim(), kind: fd.get('kind') });
	});
	const list = pagedList({
		label: 'Entities', noun: 'entity', empty: 'No entity matches.', signal, render: entityItem,
		load: (cursor, sig) => api(`entities${qs({ q: p.q, kind: p.kind, cursor, limit: 30 })}`, { signal: sig }),
	});
	append(root, h('h1', {}, 'Entities'), form,
		h('section', { 'aria-labelledby': 'h-ents' }, h('h2', { id: 'h-ents', 'data-focus-on-update': '' }, p.q ? `Entities starting with “${p.q}”` : 'Most mentioned'), list));
	await list.ready;
}

const MAX_ARTICLE_PAGES = 20; // 2000 articles for the chart
const COOC_ARTICLES = 40;     // articles read whole for co-occurrence

export async function entityPage({ root, id, signal }) {
	const e = await api(`entities/${id}`, { signal });
	document.title = `${e.name} · newsd`;
	const chartBox = h('div', {}, loading('Loading its articles'));
	const coocBox = h('div', {}, loading('Reading its articles'));
	const artList = pagedList({
		label: `Articles mentioning ${e.name}`, noun: 'article', empty: 'No article.', signal, render: (a) => articleItem(a),
		load: (cursor, sig) => api(`entities/${id}/articles${qs({ cursor, limit: 10 })}`, { signal: sig }),
	});
	const evList = pagedList({
		label: `Events involving ${e.name}`, noun: 'event', empty: 'No event.', signal, render: eventItem,
		load: (cursor, sig) => api(`events${qs({ entity: id, cursor, limit: 10 })}`, { signal: sig }),
	});
	append(root, 
		h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/entities' }, 'Entities'), ' › Entity'),
		h('h1', {}, e.name, ' ', kindBadge(e.kind)),
		h('div', { class: 'two-col' },
			h('div', { class: 'col-main' },
				h('section', { 'aria-labelledby': 'h-time' }, h('h2', { id: 'h-time' }, 'Mentions over time'), chartBox),
				h('section', { 'aria-labelledby': 'h-ev' }, h('h2', { id: 'h-ev' }, 'Events'), evList),
				h('section', { 'aria-labelledby': 'h-art' }, h('h2', { id: 'h-art' }, 'Articles'), artList)),
			h('aside', { class: 'col-side' },
				h('section', { 'aria-labelledby': 'h-about' }, h('h2', { id: 'h-about' }, 'About'), facts([
					['Kind', KIND_LABEL[e.kind] || e.kind],
					['Articles', e.article_count.toLocaleString('en')],
					['Mentions', e.mention_count.toLocaleString('en')],
					['First seen', timeEl(e.first_seen, 'time')],
					['Last seen', timeEl(e.last_seen, 'time')],
					['External id', e.external_id],
				])),
				h('section', { 'aria-labelledby': 'h-names' }, h('h2', { id: 'h-names' }, `Names (${e.aliases.length})`),
					h('p', { class: 'muted small' }, 'Every name that leads to this entity, as written.'),
					h('ul', { class: 'aliases' }, e.aliases.map((a) => h('li', a.lang ? { lang: a.lang } : {}, a.name)))),
				h('section', { 'aria-labelledby': 'h-cooc' }, h('h2', { id: 'h-cooc' }, 'Often with'), coocBox))));

	let arts;
	try {
		arts = await listAll(`entities/${id}/articles`, {}, { signal, maxPages: MAX_ARTICLE_PAGES });
	} catch (err) {
		if (err.name === 'AbortError')
			throw err;
		clear(chartBox, errorBox(err));
		clear(coocBox, );
		return;
	}
	const dated = arts.items.filter((a) => a.published_at);
	const { unit, buckets } = bucketize(dated.map((a) => Date.parse(a.published_at)));
	const undated = arts.items.length - dated.length;
	clear(chartBox, 
		barChart({ unit, buckets, unitName: 'article', label: `Articles mentioning ${e.name} per ${unit}, by publication date` }),
		h('p', { class: 'muted small' },
			`${plural(dated.length, 'dated article')}${undated ? `; ${undated} without a publication date not charted` : ''}${arts.complete ? '' : ` (the first ${arts.items.length} articles only)`}.`));

	// Co-occurring entities: read the latest articles whole (their entities),
	// count in how many of them each other entity appears.
	const sample = arts.items.slice(0, COOC_ARTICLES);
	const full = await pool(sample, 6, (a) => api(`articles/${a.id}`, { signal }).catch((err) => {
		if (err.name === 'AbortError')
			throw err;
		return null;
	}));
	const co = new Map();
	for (const a of full.filter(Boolean))
		for (const x of a.entities) {
			if (x.id === e.id)
				continue;
			const c = co.get(x.id) || { ...x, articles: 0, mentions: 0 };
			c.articles += 1;
			c.mentions += x.count;
			co.set(x.id, c);
		}
	const top = [...co.values()].sort((a, b) => b.articles - a.articles || b.mentions - a.mentions || a.name.localeCompare(b.name)).slice(0, 15);
	const maxA = Math.max(1, ...top.map((c) => c.articles));
	clear(coocBox, top.length
		? h('ol', { class: 'cooc', 'aria-label': `Entities in the same articles as ${e.name}` }, top.map((c) => h('li', {},
			h('a', { href: `#/entity/${c.id}`, class: `chip kind-${c.kind}` }, c.name),
			h('span', { class: 'cooc-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round((c.articles / maxA) * 100)}%` })),
			h('span', { class: 'muted small' }, `${plural(c.articles, 'article')}`))))
		: h('p', { class: 'muted' }, 'No other entity in its articles.'),
	sample.length < arts.items.length ? h('p', { class: 'muted small' }, `From its ${sample.length} latest articles.`) : null);
	await Promise.all([artList.ready, evList.ready]);
}
