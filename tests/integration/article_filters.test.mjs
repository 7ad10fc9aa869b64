// GET /articles?source=&agency= (whole name, case-insensitive, paged like
// every filter) and the kind, location and lang filters of
// GET /stats/timeline (as GET /events applies them), against the inline
// articles and the fixtures ingested in one job.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { INLINE, loadFixtures } from './corpus.mjs';
import { api, listAll, startStack, stopStack, test, waitJob } from './harness.mjs';

let all = []; // every article, as listed
let events = []; // every event, as listed

// The same publisher spelt with another case: a second row of sources.
const SHOUTED = {
	...INLINE.enQuake,
	url: 'https://shouted.example.org/quake',
	source: INLINE.enQuake.source.toUpperCase(),
	text: `${INLINE.enQuake.text}\n\nThe agency said more aftershocks were likely in the coming days.`,
};

before(async () => {
	await startStack();
	const batch = [...Object.values(INLINE), ...loadFixtures().map((fx) => (fx.kind === 'html' ? { html: fx.text } : { text: fx.text })), SHOUTED];
	const r = await api('POST', '/jobs', { body: batch });
	assert.equal(r.status, 202, r.text);
	const job = await waitJob(r.json.id);
	assert.equal(job.counts.failed, 0, JSON.stringify(job.errors));
	all = await listAll('/articles');
	events = await listAll('/events');
});
after(async () => {
	await stopStack();
});

const ids = (items) => items.map((x) => x.id);
const lower = (s) => (s == null ? null : s.toLowerCase());
const enc = encodeURIComponent;

test('the corpus has several sources and agencies, one source in two cases', () => {
	const sources = new Set(all.map((a) => a.source).filter(Boolean));
	const agencies = new Set(all.map((a) => lower(a.agency)).filter(Boolean));
	assert.ok(sources.size >= 5, `sources: ${[...sources]}`);
	assert.ok(agencies.size >= 4, `agencies: ${[...agencies]}`);
	assert.ok(sources.has(INLINE.enQuake.source) && sources.has(SHOUTED.source), 'both spellings are stored');
});

test('source= lists exactly the articles of that publisher, any case, newest first, page by page', async () => {
	const names = [...new Set(all.map((a) => lower(a.source)).filter(Boolean))];
	for (const name of names) {
		const want = ids(all.filter((a) => lower(a.source) === name));
		for (const asked of [name, name.toUpperCase()]) {
			const got = await listAll(`/articles?source=${enc(asked)}`, { limit: 2 });
			assert.deepEqual(ids(got), want, `source=${asked}`);
		}
	}
	const both = await listAll(`/articles?source=${enc(INLINE.enQuake.source.toLowerCase())}`);
	assert.equal(both.length, 2, 'the two spellings of one publisher');
	assert.deepEqual(new Set(both.map((a) => a.source)), new Set([INLINE.enQuake.source, SHOUTED.source]));
});

test('agency= lists exactly the articles of that wire agency, any case', async () => {
	const names = [...new Set(all.map((a) => lower(a.agency)).filter(Boolean))];
	for (const name of names) {
		const want = ids(all.filter((a) => lower(a.agency) === name));
		assert.ok(want.length > 0);
		assert.deepEqual(ids(await listAll(`/articles?agency=${enc(name.toUpperCase())}`, { limit: 3 })), want, `agency=${name}`);
	}
	const afp = all.filter((a) => lower(a.agency) === 'afp');
	assert.ok(afp.length >= 5, `AFP articles: ${afp.length}`);
	// Paging follows next over the filter with no repeat and no gap.
	const r = await api('GET', '/articles?agency=afp&limit=2');
	assert.equal(r.status, 200);
	assert.deepEqual(ids(r.json.data), ids(afp.slice(0, 2)));
	assert.ok(r.json.next);
	const r2 = await api('GET', `/articles?agency=afp&limit=2&cursor=${enc(r.json.next)}`);
	assert.deepEqual(ids(r2.json.data), ids(afp.slice(2, 4)));
});

test('source and agency combine with each other and with the other filters', async () => {
	const withBoth = all.find((a) => a.source && a.agency);
	assert.ok(withBoth, 'an article has both a source and an agency');
	const want = ids(all.filter((a) => lower(a.source) === lower(withBoth.source) && lower(a.agency) === lower(withBoth.agency)));
	assert.deepEqual(ids(await listAll(`/articles?source=${enc(withBoth.source)}&agency=${enc(withBoth.agency)}`)), want);
	const lang = all.find((a) => lower(a.agency) === 'reuters').lang;
	assert.deepEqual(ids(await listAll(`/articles?agency=Reuters&lang=${lang}`)),
		ids(all.filter((a) => lower(a.agency) === 'reuters' && a.lang === lang)));
	const de = await listAll('/articles?agency=AFP&lang=de&from=2000&to=2100');
	assert.deepEqual(ids(de), ids(all.filter((a) => lower(a.agency) === 'afp' && a.lang === 'de' && a.published_at)));
});

test('unknown or partial names match nothing; empty, too long or invalid values are 400', async () => {
	for (const q of ['source=No%20Such%20Paper', 'agency=TASS', `source=${enc(INLINE.enQuake.source.split(' ')[0])}`, 'agency=af', 'source=AFP']) {
		const r = await api('GET', `/articles?${q}`);
		assert.equal(r.status, 200, q);
		assert.deepEqual(r.json, { data: [], next: null }, q);
	}
	for (const [q, re] of [['source=', /source.*empty/], ['agency=', /agency.*empty/], [`source=${'x'.repeat(201)}`, /source.*200/],
		[`agency=${enc('é'.repeat(201))}`, /agency.*200/], ['agency=%FF', /agency.*UTF-8/], ['source=a&source=b', /more than once/]]) {
		const r = await api('GET', `/articles?${q}`);
		assert.equal(r.status, 400, q);
		assert.match(r.json.detail, re, q);
	}
	// 200 characters of two bytes each are accepted.
	assert.equal((await api('GET', `/articles?agency=${enc('é'.repeat(200))}`)).status, 200);
});

// The counts of a timeline, as {start: count} without the empty buckets.
async function timeline(q) {
	const r = await api('GET', `/stats/timeline?${q}`);
	assert.equal(r.status, 200, `${q}: ${r.text}`);
	return Object.fromEntries(r.json.data.filter((b) => b.count).map((b) => [b.start, b.count]));
}
function byMonth(days) {
	const m = {};
	for (const d of days)
		m[`${d.slice(0, 7)}-01`] = (m[`${d.slice(0, 7)}-01`] || 0) + 1;
	return m;
}

test('GET /stats/timeline?what=events: kind, location and lang count what GET /events lists', async () => {
	const dated = (list) => byMonth(list.filter((e) => e.date).map((e) => e.date.value));
	const kinds = [...new Set(events.map((e) => e.kind).filter(Boolean))];
	assert.ok(kinds.length >= 3, `kinds: ${kinds}`);
	for (const kind of kinds)
		assert.deepEqual(await timeline(`what=events&interval=month&kind=${kind}`), dated(await listAll(`/events?kind=${kind}`)), kind);
	const locations = [...new Set(events.map((e) => e.location?.id).filter(Boolean))];
	assert.ok(locations.length >= 2, 'events with a location');
	for (const id of locations.slice(0, 4))
		assert.deepEqual(await timeline(`what=events&interval=month&location=${id}`), dated(await listAll(`/events?location=${id}`)), `location ${id}`);
	for (const lang of ['fr', 'de', 'EN'])
		assert.deepEqual(await timeline(`what=events&interval=month&lang=${lang}`), dated(await listAll(`/events?lang=${lang}`)), lang);
	const k = kinds[0];
	assert.deepEqual(await timeline(`what=events&interval=month&kind=${k}&lang=fr&from=2015&to=2030`),
		dated(await listAll(`/events?kind=${k}&lang=fr&from=2015&to=2030`)), 'combined');
	// A kind no event has: every bucket of the period, all empty.
	const none = await api('GET', '/stats/timeline?what=events&interval=month&kind=sports&location=999999999&from=2024-01&to=2024-03');
	assert.deepEqual(none.json.data, [{ start: '2024-01-01', count: 0 }, { start: '2024-02-01', count: 0 }, { start: '2024-03-01', count: 0 }]);
});

test('GET /stats/timeline?what=articles: lang is the article\'s, kind and location its event\'s', async () => {
	const published = (list) => byMonth(list.filter((a) => a.published_at).map((a) => a.published_at.slice(0, 10)));
	assert.deepEqual(await timeline('interval=month&lang=fr'), published(all.filter((a) => a.lang === 'fr')));
	const ev = new Map(events.map((e) => [e.id, e]));
	const kind = events.find((e) => e.kind && e.kind !== 'other')?.kind;
	assert.ok(kind);
	assert.deepEqual(await timeline(`interval=month&kind=${kind}`), published(all.filter((a) => ev.get(a.event_id)?.kind === kind)));
	const loc = events.find((e) => e.location).location.id;
	assert.deepEqual(await timeline(`interval=month&location=${loc}`), published(all.filter((a) => ev.get(a.event_id)?.location?.id === loc)));
});

test('GET /stats/timeline rejects a bad kind, location or lang', async () => {
	for (const [q, re] of [['what=events&kind=party', /kind/], ['kind=', /kind/], ['what=events&location=0', /location/],
		['what=events&location=x', /location/], ['lang=english', /lang/], ['what=events&lang=f', /lang/], ['what=events&lang=f1', /lang/]]) {
		const r = await api('GET', `/stats/timeline?${q}`);
		assert.equal(r.status, 400, q);
		assert.match(r.json.detail, re, q);
	}
});
