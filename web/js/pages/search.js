// Search: full-text query and filters; the URL holds them all
// (#/search?q=...&lang=...), results page by page with "More".
import { api, qs } from '../api.js';
import { h, append, field, pagedList, langName, timeEl, plural, errorBox } from '../ui.js';
import { LANGS, entityFromUrl, filterForm, langField, periodFields, pickerField, routeParams } from '../filters.js';

export { LANGS };

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

const KEYS = ['q', 'lang', 'source', 'agency', 'entity', 'event', 'from', 'to', 'duplicates'];

export async function searchPage({ root, params, signal }) {
	const p = routeParams(params);
	document.title = p.q ? `${p.q} · Search · newsd` : 'Search · newsd';
	const entity = await entityFromUrl(p.entity, signal);
	const advanced = KEYS.slice(1).some((k) => p[k]);
	const form = filterForm({
		path: '/search', keys: KEYS,
		attrs: { class: 'search-form', role: 'search', 'aria-label': 'Articles' },
		children: [
			h('div', { class: 'search-row' },
				field('Search articles', { type: 'search', name: 'q', value: p.q || '', attrs: { placeholder: 'words, in any language', maxlength: 1000 } }),
				h('button', { type: 'submit', class: 'primary' }, 'Search')),
			h('details', { class: 'filters', open: advanced || undefined },
				h('summary', {}, 'Filters'),
				h('div', { class: 'grid' },
					langField(p.lang),
					field('Event id', { type: 'number', name: 'event', value: p.event || '', attrs: { min: 1, step: 1, inputmode: 'numeric' } }),
					field('Source', { name: 'source', value: p.source || '', hint: 'Publisher, whole name, any case', attrs: { maxlength: 200 } }),
					field('Agency', { name: 'agency', value: p.agency || '', hint: 'AFP, Reuters, dpa… (whole name)', attrs: { maxlength: 200 } }),
					pickerField({ name: 'entity', label: 'Mentions entity', value: entity }),
					periodFields(p, { from: 'Published from', to: 'Published to' }),
					field('Hide near duplicates', { type: 'checkbox', name: 'duplicates', value: p.duplicates === 'false', attrs: { value: 'false' } })),
				h('p', {}, h('a', { href: '#/search' }, 'Clear all filters')))],
	});

	const heading = h('h2', { id: 'results-h', 'data-focus-on-update': '' }, p.q ? `Results for “${p.q}”` : advanced ? 'Matching articles, latest first' : 'Latest articles');
	const server = Object.fromEntries(KEYS.map((k) => [k, p[k]]));
	const list = pagedList({
		label: 'Articles', noun: 'article',
		empty: 'No article matches.',
		signal,
		render: (a) => articleItem(a),
		load: (cursor, sig) => api(`articles${qs({ ...server, cursor, limit: 20 })}`, { signal: sig }),
	});
	append(root, h('h1', {}, 'Search'), form, h('section', { 'aria-labelledby': 'results-h' }, heading, list));
	try {
		await list.ready;
	} catch (e) {
		append(root, errorBox(e));
	}
}
