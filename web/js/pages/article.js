// One article: its clean text with entity mentions (at the API's offsets)
// and date expressions highlighted (mentions link to their entity), its
// metadata, duplicates and event.
import { api, pool } from '../api.js';
import { h, clear, append, facts, langName, timeEl, fmtDate, ORIGIN_TEXT, KIND_LABEL, kindBadge, plural } from '../ui.js';
import { eventSummary } from './search.js';

// Code point offsets (the API's) to UTF-16 indexes (JavaScript's).
function cpIndex(body) {
	const idx = [];
	let u = 0;
	for (const ch of body) {
		idx.push(u);
		u += ch.length;
	}
	idx.push(u);
	return (cp) => idx[Math.min(Math.max(cp, 0), idx.length - 1)];
}

// Spans to highlight: [{start, end, type: 'date'|'entity', item, mention}],
// UTF-16 indexes, sorted, never overlapping. Entity mentions come with their
// offsets (code points, as the API counts) and are placed exactly there;
// date expressions too, wherever no mention is. A mention overlapping an
// earlier (or longer) one is left out (counted in `dropped`).
export function highlights(body, dates, entities) {
	const at = cpIndex(body);
	const spans = [];
	const free = (s, e) => spans.every((x) => e <= x.start || s >= x.end);
	const mentions = [];
	for (const ent of entities || [])
		for (const m of ent.mentions || [])
			mentions.push({ ent, m, s: at(m.start), e: at(m.end) });
	mentions.sort((a, b) => a.s - b.s || (b.e - b.s) - (a.e - a.s));
	let dropped = 0;
	for (const { ent, m, s, e } of mentions) {
		if (e > s && free(s, e))
			spans.push({ start: s, end: e, type: 'entity', item: ent, mention: m });
		else
			dropped++;
	}
	for (const d of dates || []) {
		const s = at(d.start);
		const e = at(d.end);
		if (e > s && free(s, e))
			spans.push({ start: s, end: e, type: 'date', item: d });
	}
	spans.sort((a, b) => a.start - b.start);
	spans.dropped = dropped;
	return spans;
}

function fold(s) {
	return String(s).normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().trim();
}

function spanNode(sp, text) {
	if (sp.type === 'date') {
		const d = sp.item;
		const what = d.value ? `Date: ${fmtDate(d.value, d.precision || 'day')}${d.relative ? ' (relative to the publication date)' : ''}` : 'Date expression (not resolved)';
		return h('mark', { class: 'hl-date', title: what }, d.value ? h('time', { datetime: d.value }, text) : text);
	}
	const e = sp.item;
	const kind = (KIND_LABEL[e.kind] || e.kind).toLowerCase();
	// The accessible name starts with the visible text (WCAG 2.5.3), then
	// says what it is: "Selenskyj (person: Volodymyr Zelenskyy)".
	const label = fold(text) === fold(e.name) ? `${text} (${kind})` : `${text} (${kind}: ${e.name})`;
	return h('a', {
		class: `hl-entity kind-${e.kind}`, href: `#/entity/${e.id}`, 'aria-label': label,
		title: `${KIND_LABEL[e.kind] || e.kind}: ${e.name} (${plural(e.count, 'mention')} in this article)`,
		dataset: { entity: e.id, start: sp.mention.start, end: sp.mention.end },
	}, text);
}

// The body as paragraphs (blank lines), single line breaks kept.
export function renderBody(body, spans) {
	const out = h('div', { class: 'body' });
	const paraRe = /\n\s*\n/g;
	const paras = [];
	let last = 0;
	for (const m of body.matchAll(paraRe)) {
		paras.push([last, m.index]);
		last = m.index + m[0].length;
	}
	paras.push([last, body.length]);
	let si = 0;
	for (const [ps, pe] of paras) {
		if (pe <= ps)
			continue;
		const p = h('p');
		let pos = ps;
		while (si < spans.length && spans[si].end <= ps)
			si++;
		for (let j = si; j < spans.length && spans[j].start < pe; j++) {
			const sp = spans[j];
			const s = Math.max(sp.start, ps);
			const e = Math.min(sp.end, pe);
			if (s > pos)
				p.append(body.slice(pos, s));
			p.append(spanNode(sp, body.slice(s, e)));
			pos = e;
		}
		if (pos < pe)
			p.append(body.slice(pos, pe));
		out.append(p);
	}
	return out;
}

// What the list says when not every mention is highlighted.
function mentionNote(e, n) {
	if (n >= e.count)
		return '';
	if (!e.mentions?.length)
		return ' (no position given)';
	return ` (${n} highlighted)`;
}

// The forms the text uses when they differ from the entity's name.
function formsNote(e) {
	const forms = [...new Set((e.mentions || []).map((m) => m.text))].filter((t) => fold(t) !== fold(e.name));
	return forms.length ? h('div', { class: 'forms muted small' }, 'as ', forms.map((t, i) => [i ? ', ' : '', h('q', {}, t)])) : null;
}

async function titleLinks(ids, signal) {
	const shown = ids.slice(0, 20);
	const arts = await pool(shown, 6, (id) => api(`articles/${id}`, { signal }).catch(() => null));
	return h('ul', { class: 'plain' }, shown.map((id, i) => h('li', {},
		h('a', { href: `#/article/${id}`, lang: arts[i]?.lang || undefined }, arts[i]?.title || `Article #${id}`),
		arts[i] ? h('span', { class: 'muted' }, ` · ${arts[i].source || 'no source'} · ${langName(arts[i].lang)}`) : null)),
	ids.length > shown.length ? h('li', { class: 'muted' }, `and ${ids.length - shown.length} more`) : null);
}

export async function articlePage({ root, id, signal }) {
	const a = await api(`articles/${id}`, { signal });
	document.title = `${a.title || `Article #${a.id}`} · newsd`;
	const spans = highlights(a.body, a.dates, a.entities);
	const placed = new Map();
	for (const sp of spans)
		if (sp.type === 'entity')
			placed.set(sp.item.id, (placed.get(sp.item.id) || 0) + 1);

	const published = a.published_at
		? [timeEl(a.published_at, a.published_at_precision), h('span', { class: 'muted' }, ` — ${ORIGIN_TEXT[a.published_at_origin] || a.published_at_origin}, to the ${a.published_at_precision}`)]
		: h('span', { class: 'muted' }, 'unknown (newsd never substitutes the ingestion time)');
	const lang = a.lang
		? [h('span', {}, `${langName(a.lang)} (${a.lang})`), a.lang_confidence !== null ? h('span', { class: 'muted' }, ` — confidence ${Math.round(a.lang_confidence * 100)}%`) : null]
		: h('span', { class: 'muted' }, 'not identified');
	const link = (u) => (u ? h('a', { href: u, rel: 'noopener noreferrer nofollow', class: 'ext' }, u) : null);

	const eventBox = h('div', { id: 'article-event' }, a.event_id ? h('a', { href: `#/event/${a.event_id}` }, `Event #${a.event_id}`) : h('span', { class: 'muted' }, 'none'));
	const meta = facts([
		['Source', a.source || h('span', { class: 'muted' }, 'unknown')],
		['Agency', a.agency || h('span', { class: 'muted' }, 'none credited')],
		['Author', a.author],
		['Published', published],
		['Language', lang],
		['Event', eventBox],
		['Words', a.word_count.toLocaleString('en')],
		['Ingested', timeEl(a.ingested_at, 'time')],
		['URL', link(a.url)],
		['Canonical URL', a.canonical_url !== a.url ? link(a.canonical_url) : null],
	]);

	const byKind = {};
	for (const e of a.entities)
		(byKind[e.kind] ||= []).push(e);
	const entityList = a.entities.length
		? h('ul', { class: 'entity-list' }, ['person', 'location', 'organization', 'other'].filter((k) => byKind[k]).map((k) =>
			h('li', {}, h('h3', { class: 'kind-h' }, kindBadge(k)), h('ul', { class: 'plain' }, byKind[k].map((e) =>
				h('li', { dataset: { entity: e.id } }, h('a', { href: `#/entity/${e.id}`, class: `chip kind-${e.kind}` }, e.name),
					h('span', { class: 'muted' }, ` ${plural(e.count, 'mention')}${mentionNote(e, placed.get(e.id) || 0)}`),
					formsNote(e)))))))
		: h('p', { class: 'muted' }, 'No entity recognised.');

	const dupNote = a.duplicate_of
		? h('div', { class: 'note', id: 'dup-of' }, 'This article is a near duplicate of ', h('a', { href: `#/article/${a.duplicate_of}` }, `article #${a.duplicate_of}`), ' (stored earlier; same story give or take a few words).')
		: null;
	const dupBox = h('div', { id: 'duplicates' }, a.duplicates.length ? 'Loading…' : h('p', { class: 'muted' }, 'None stored.'));

	const legend = h('p', { class: 'legend', 'aria-label': 'Highlight legend' },
		h('span', { class: 'hl-entity kind-person' }, 'person'), ' ',
		h('span', { class: 'hl-entity kind-location' }, 'place'), ' ',
		h('span', { class: 'hl-entity kind-organization' }, 'organisation'), ' ',
		h('span', { class: 'hl-entity kind-other' }, 'other'), ' ',
		h('mark', { class: 'hl-date' }, 'date'));

	append(root, 
		h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/search' }, 'Search'), ' › Article'),
		h('h1', { lang: a.lang || undefined }, a.title || `Article #${a.id}`),
		dupNote,
		h('div', { class: 'two-col' },
			h('article', { class: 'col-main', 'aria-label': 'Text', lang: a.lang || undefined }, legend, renderBody(a.body, spans)),
			h('aside', { class: 'col-side' },
				h('section', { 'aria-labelledby': 'h-meta' }, h('h2', { id: 'h-meta' }, 'About'), meta),
				h('section', { 'aria-labelledby': 'h-ent' }, h('h2', { id: 'h-ent' }, `Entities (${a.entities.length})`), entityList),
				h('section', { 'aria-labelledby': 'h-dates' }, h('h2', { id: 'h-dates' }, `Dates in the text (${a.dates.length})`),
					a.dates.length ? h('ul', { class: 'plain' }, a.dates.map((d) => h('li', {}, h('q', {}, d.text), ' → ',
						d.value ? timeEl(d.value, d.precision || 'day') : h('span', { class: 'muted' }, 'unresolved'),
						d.relative ? h('span', { class: 'muted' }, ' (relative)') : null))) : h('p', { class: 'muted' }, 'None found.')),
				h('section', { 'aria-labelledby': 'h-dups' }, h('h2', { id: 'h-dups' }, `Near duplicates (${a.duplicates.length})`), dupBox))));

	const jobs = [];
	if (a.duplicate_of)
		jobs.push(api(`articles/${a.duplicate_of}`, { signal }).then((o) => {
			const link = root.querySelector('#dup-of a');
			if (link && o.title)
				link.textContent = `article #${o.id}, “${o.title}”${o.source ? ` (${o.source})` : ''}`;
		}).catch(() => {}));
	if (a.event_id)
		jobs.push(eventSummary(a.event_id, signal).then((e) => {
			clear(eventBox, h('a', { href: `#/event/${e.id}` }, e.title || `Event #${e.id}`), h('span', { class: 'muted' }, ` — ${plural(e.article_count, 'article')}`));
		}).catch(() => {}));
	if (a.duplicates.length)
		jobs.push(titleLinks(a.duplicates, signal).then((ul) => clear(dupBox, ul)));
	await Promise.all(jobs);
}
