// The events and stories API (issue 5): GET /events filters, sorts and
// paging, one event with its evidence, 301 for merged events, curation
// (merge, split, re-clustering) with history and auth, stories and their
// timelines, GET /stats/timeline buckets. Articles are ingested through
// POST /jobs and placed by the real clustering (a job is done once its
// articles have their event).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { INLINE, loadFixtures } from './corpus.mjs';
import { api, listAll, sql, startStack, stopStack, test, waitFor, waitJob } from './harness.mjs';

const KEY = 'events-key';
const AUTH = { Authorization: `Bearer ${KEY}` };
const articles = {}; // id -> full article
let events = []; // every event, as listed

const ids = (items) => items.map((x) => x.id);
const sorted = (a) => [...a].sort((x, y) => x - y);
function setEq(actual, expected, msg) {
	assert.deepEqual(sorted(new Set(actual)), sorted(new Set(expected)), msg);
}
// A span of a string in code points, as the API counts.
const span = (s, start, end) => Array.from(s).slice(start, end).join('');

async function event(id) {
	const r = await api('GET', `/events/${id}`);
	assert.equal(r.status, 200, `GET /events/${id}: ${r.text}`);
	return r.json;
}

async function waitPlaced(articleIds) {
	await waitFor(async () => {
		for (const id of articleIds) {
			const a = (await api('GET', `/articles/${id}`)).json;
			if (!a.event_id)
				return false;
		}
		return true;
	}, { timeout: 60000, what: 'articles to be placed in events' });
}

async function refresh() {
	events = await listAll('/events');
}

before(async () => {
	await startStack({ NEWSD_API_KEYS: KEY });
	const batch = [...Object.values(INLINE), ...loadFixtures().map((fx) => ({ text: fx.text }))];
	const r = await api('POST', '/jobs', { body: batch, headers: AUTH });
	assert.equal(r.status, 202, r.text);
	const job = await waitJob(r.json.id);
	assert.equal(job.counts.failed, 0, JSON.stringify(job.errors));
	await waitPlaced(job.articles.map((x) => x.id));
	for (const { id } of job.articles)
		articles[id] = (await api('GET', `/articles/${id}`)).json;
	await refresh();
});
after(async () => {
	await stopStack();
});

test('GET /events lists every event of an article once, in each sort, paging without repeats', async () => {
	const fromArticles = new Set(Object.values(articles).map((a) => a.event_id));
	setEq(ids(events), fromArticles, 'the events are exactly those of the articles');
	// Times are shown to the millisecond but ordered to the microsecond:
	// within one shown millisecond the id order is the database's.
	const time = (e) => Date.parse(e.last_published);
	for (let i = 1; i < events.length; i++) {
		const a = events[i - 1], b = events[i];
		assert.ok(time(a) >= time(b), `recent order at ${i}: ${a.last_published} before ${b.last_published}`);
	}
	const bySize = await listAll('/events?sort=size', { limit: 3 });
	setEq(ids(bySize), ids(events), 'sort=size lists the same events');
	for (let i = 1; i < bySize.length; i++) {
		const a = bySize[i - 1], b = bySize[i];
		assert.ok(a.article_count > b.article_count || (a.article_count === b.article_count && a.id > b.id), `size order at ${i}`);
	}
	const byDate = await listAll('/events?sort=date', { limit: 2 });
	setEq(ids(byDate), ids(events), 'sort=date lists the same events');
	const day = (e) => (e.date ? Date.parse(e.date.value) : -Infinity);
	for (let i = 1; i < byDate.length; i++) {
		const a = byDate[i - 1], b = byDate[i];
		assert.ok(day(a) > day(b) || (day(a) === day(b) && a.id > b.id), `date order at ${i}: ${JSON.stringify([a.date, b.date])}`);
	}
	setEq(ids(await listAll('/events', { limit: 1 })), ids(events), 'limit=1 pages through all');
	// Counts agree with the articles.
	for (const e of events) {
		const arts = Object.values(articles).filter((a) => a.event_id === e.id);
		assert.equal(e.article_count, arts.length, `event ${e.id}: article_count`);
		assert.equal(e.lang_count, new Set(arts.map((a) => a.lang).filter(Boolean)).size, `event ${e.id}: lang_count`);
	}
	// A cursor of one sort is refused by another.
	const page = await api('GET', '/events?sort=size&limit=1');
	const other = await api('GET', `/events?sort=date&limit=1&cursor=${page.json.next}`);
	assert.equal(other.status, 400);
});

test('GET /events filters: kind, lang, min_articles, location, entity (all required), q, from/to', async () => {
	const full = new Map();
	for (const e of events)
		full.set(e.id, await event(e.id));
	const kinds = [...new Set(events.map((e) => e.kind).filter(Boolean))];
	assert.ok(kinds.length >= 2, `several kinds (${kinds})`);
	for (const kind of kinds)
		setEq(ids(await listAll(`/events?kind=${kind}`)), ids(events.filter((e) => e.kind === kind)), `kind=${kind}`);
	for (const lang of ['fr', 'de', 'en']) {
		const want = events.filter((e) => full.get(e.id).languages.some((l) => l.lang === lang));
		assert.ok(want.length > 0, `an event in ${lang}`);
		setEq(ids(await listAll(`/events?lang=${lang}`)), ids(want), `lang=${lang}`);
	}
	setEq(ids(await listAll('/events?min_articles=2')), ids(events.filter((e) => e.article_count >= 2)), 'min_articles=2');
	assert.ok(events.some((e) => e.article_count >= 2) && events.some((e) => e.article_count < 2), 'both sizes exist');
	const located = events.find((e) => e.location);
	assert.ok(located, 'an event with a location');
	setEq(ids(await listAll(`/events?location=${located.location.id}`)),
		ids(events.filter((e) => e.location?.id === located.location.id)), 'location=');
	// Entities: every one required; comma-separated or repeated alike.
	const big = events.find((e) => full.get(e.id).participants.length >= 2);
	const [p1, p2] = full.get(big.id).participants;
	const has = (e, p) => full.get(e.id).participants.some((x) => x.id === p.id);
	const both = ids(events.filter((e) => has(e, p1) && has(e, p2)));
	setEq(ids(await listAll(`/events?entity=${p1.id}`)), ids(events.filter((e) => has(e, p1))), 'one entity');
	setEq(ids(await listAll(`/events?entity=${p1.id},${p2.id}`)), both, 'two entities, comma-separated');
	setEq(ids(await listAll(`/events?entity=${p1.id}&entity=${p2.id}`)), both, 'two entities, repeated');
	assert.ok(both.includes(big.id));
	const lone = events.find((e) => !has(e, p1));
	const other = full.get(lone.id).participants.find((x) => !has(big, x));
	if (other)
		assert.deepEqual(ids(await listAll(`/events?entity=${p1.id},${other.id}`)).filter((id) => id === big.id), [], 'an entity the event lacks excludes it');
	// q: events having an article matching it.
	const hits = await listAll('/articles?q=Scholz');
	assert.ok(hits.length >= 2);
	setEq(ids(await listAll('/events?q=Scholz')), hits.map((a) => a.event_id), 'q=Scholz: the events of the matching articles');
	assert.deepEqual((await api('GET', '/events?q=qqzzxxwyv')).json, { data: [], next: null });
	// from/to on the event's day, inclusive.
	const dated = events.filter((e) => e.date);
	assert.ok(dated.length >= 3, 'dated events');
	const d = dated[0].date.value;
	setEq(ids(await listAll(`/events?from=${d}&to=${d}`)), ids(dated.filter((e) => e.date.value === d)), `from=to=${d}`);
	const month = d.slice(0, 7);
	setEq(ids(await listAll(`/events?from=${month}&to=${month}`)), ids(dated.filter((e) => e.date.value.startsWith(month))), `month ${month}`);
	setEq(ids(await listAll(`/events?from=${d}`)), ids(dated.filter((e) => e.date.value >= d)), `from=${d}`);
	setEq(ids(await listAll(`/events?to=${d}`)), ids(dated.filter((e) => e.date.value <= d)), `to=${d}`);
	// Filters combine.
	setEq(ids(await listAll(`/events?entity=${p1.id}&min_articles=2`)), ids(events.filter((e) => has(e, p1) && e.article_count >= 2)), 'entity and min_articles');
});

test('GET /events rejects unknown and malformed parameters with problem+json', async () => {
	for (const q of ['foo=1', 'kind=party', 'sort=name', 'entity=abc', 'entity=1,,2', 'location=0', 'min_articles=-1', 'lang=french', 'q=', 'from=2023-02-30', 'limit=0']) {
		const r = await api('GET', `/events?${q}`);
		assert.equal(r.status, 400, q);
		assert.equal(r.contentType, 'application/problem+json', q);
		assert.ok(r.json.detail.length > 0);
	}
	const r = await api('GET', '/events?entity=1,2,3,4,5,6,7,8,9,10,11');
	assert.equal(r.status, 400);
	assert.match(r.json.detail, /at most 10/);
});

test('GET /events/{id}: evidence spans are the article text; counts, languages, story', async () => {
	let withKind = 0, withDate = 0, withPlace = 0;
	for (const s of events) {
		const e = await event(s.id);
		assert.equal(e.id, s.id);
		for (const k of ['title', 'kind', 'article_count', 'source_count', 'lang_count', 'first_published', 'last_published', 'curated'])
			assert.deepEqual(e[k], s[k], `event ${s.id}: ${k} as listed`);
		assert.equal(e.story?.id ?? null, s.story_id, `event ${s.id}: story_id`);
		assert.equal(e.languages.reduce((n, l) => n + l.count, 0), e.article_count, 'languages add up');
		assert.equal(e.languages.length, e.lang_count + (e.languages.some((l) => l.lang === null) ? 1 : 0));
		for (let i = 1; i < e.participants.length; i++)
			assert.ok(e.participants[i - 1].weight >= e.participants[i].weight, 'participants by weight');
		for (const p of e.participants)
			assert.ok(p.articles >= 1 && p.articles <= e.article_count && p.weight >= p.articles, `participant ${p.name}`);
		if (e.kind_evidence) {
			withKind++;
			const a = articles[e.kind_evidence.article_id];
			assert.equal(a.event_id, e.id, 'kind evidence comes from the event');
			const src = e.kind_evidence.in_title ? a.title : a.body;
			assert.equal(span(src, e.kind_evidence.start, e.kind_evidence.end), e.kind_evidence.text);
			assert.ok(e.kind_evidence.text.length > 0);
		}
		if (e.date) {
			assert.equal(e.date.value, s.date.value);
			if (e.date.evidence) {
				withDate++;
				const a = articles[e.date.evidence.article_id];
				assert.equal(a.event_id, e.id);
				assert.equal(span(a.body, e.date.evidence.start, e.date.evidence.end), e.date.evidence.text);
				assert.equal(e.date.origin, 'text');
			}
		}
		if (e.location) {
			assert.deepEqual({ id: e.location.id, name: e.location.name }, s.location);
			assert.ok(e.participants.some((p) => p.id === e.location.id), 'the location is a participant');
			if (e.location.evidence) {
				withPlace++;
				const a = articles[e.location.evidence.article_id];
				assert.equal(span(a.body, e.location.evidence.start, e.location.evidence.end), e.location.evidence.text);
			}
		}
		for (const [lang, t] of Object.entries(e.titles)) {
			assert.equal(articles[t.article_id].lang, lang);
			assert.equal(articles[t.article_id].title, t.title);
		}
		assert.deepEqual(e.history, []);
	}
	assert.ok(withKind > 0 && withDate > 0 && withPlace > 0, `evidence seen: kind ${withKind}, date ${withDate}, place ${withPlace}`);
	const r = await api('GET', '/events/987654321');
	assert.equal(r.status, 404);
	assert.equal((await api('GET', '/events/abc')).status, 400);
	assert.equal((await api('GET', '/events/987654321/articles')).status, 404);
});

test('GET /stories and /stories/{id}: latest first, core participants, events by date', async () => {
	const stories = await listAll('/stories', { limit: 2 });
	assert.ok(stories.length >= 1);
	const withStory = events.filter((e) => e.story_id);
	setEq(ids(stories), withStory.map((e) => e.story_id), 'the stories of the events');
	const last = (s) => (s.last_date ? Date.parse(s.last_date) : -Infinity);
	for (let i = 1; i < stories.length; i++)
		assert.ok(last(stories[i - 1]) > last(stories[i]) || (last(stories[i - 1]) === last(stories[i]) && stories[i - 1].id > stories[i].id), 'by last_date');
	for (const s of stories) {
		const r = await api('GET', `/stories/${s.id}`);
		assert.equal(r.status, 200);
		const st = r.json;
		setEq(ids(st.events), ids(withStory.filter((e) => e.story_id === s.id)), `story ${s.id}: its events`);
		assert.equal(st.event_count, st.events.length);
		const days = st.events.map((e) => (e.date ? e.date.value : '9999'));
		assert.deepEqual(days, [...days].sort(), `story ${s.id}: events by date`);
		const dated = st.events.filter((e) => e.date).map((e) => e.date.value).sort();
		assert.equal(st.first_date, dated[0] ?? null);
		assert.equal(st.last_date, dated.at(-1) ?? null);
		for (const p of st.participants) {
			let n = 0;
			for (const e of st.events)
				n += (await event(e.id)).participants.some((x) => x.id === p.id) ? 1 : 0;
			assert.equal(p.events, n, `story ${s.id}: ${p.name} in ${n} events`);
			assert.ok(n >= 2 && n * 2 >= st.events.length);
		}
	}
	const multi = stories.find((s) => s.event_count >= 2);
	if (multi) {
		const st = (await api('GET', `/stories/${multi.id}`)).json;
		const p = st.participants[0];
		assert.ok(ids(await listAll(`/stories?entity=${p.id}`)).includes(multi.id), 'entity filter');
	}
	const word = stories[0].title.split(/\s+/).find((w) => w.length > 5);
	assert.ok(ids(await listAll(`/stories?q=${encodeURIComponent(word)}`)).includes(stories[0].id), `q=${word}`);
	assert.deepEqual((await api('GET', '/stories?q=qqzzxxwyv')).json, { data: [], next: null });
	assert.equal((await api('GET', '/stories/987654321')).status, 404);
	assert.equal((await api('GET', '/stories?sort=date')).status, 400);
});

test('GET /stats/timeline: every bucket, empty ones filled, counts as the lists say', async () => {
	let r = await api('GET', '/stats/timeline?from=2023-03-10&to=2023-03-16');
	assert.equal(r.status, 200);
	assert.equal(r.json.what, 'articles');
	assert.equal(r.json.interval, 'day');
	assert.deepEqual(r.json.data.map((b) => b.start), ['2023-03-10', '2023-03-11', '2023-03-12', '2023-03-13', '2023-03-14', '2023-03-15', '2023-03-16']);
	for (const b of r.json.data) {
		const n = (await listAll(`/articles?from=${b.start}&to=${b.start}`)).length;
		assert.equal(b.count, n, `articles on ${b.start}`);
	}
	assert.ok(r.json.data.some((b) => b.count === 0) && r.json.data.some((b) => b.count >= 2), 'empty and full days');
	// Weeks start on Monday; months on the 1st.
	r = await api('GET', '/stats/timeline?interval=week&from=2023-03-01&to=2023-03-31');
	for (const b of r.json.data)
		assert.equal(new Date(`${b.start}T00:00:00Z`).getUTCDay(), 1, `${b.start} is a Monday`);
	assert.equal(r.json.data[0].start, '2023-02-27');
	assert.equal(r.json.data.reduce((n, b) => n + b.count, 0), (await listAll('/articles?from=2023-03&to=2023-03')).length);
	// Events by month, without bounds: from the first dated event to the last.
	r = await api('GET', '/stats/timeline?what=events&interval=month');
	const dated = events.filter((e) => e.date).map((e) => e.date.value).sort();
	assert.equal(r.json.data[0].start, `${dated[0].slice(0, 7)}-01`);
	assert.equal(r.json.data.at(-1).start, `${dated.at(-1).slice(0, 7)}-01`);
	assert.equal(r.json.data.reduce((n, b) => n + b.count, 0), dated.length);
	for (let i = 1; i < r.json.data.length; i++) {
		const [y0, m0] = r.json.data[i - 1].start.split('-').map(Number);
		const [y1, m1] = r.json.data[i].start.split('-').map(Number);
		assert.equal(y1 * 12 + m1, y0 * 12 + m0 + 1, 'consecutive months');
	}
	const m = dated[0].slice(0, 7);
	assert.equal(r.json.data[0].count, (await listAll(`/events?from=${m}&to=${m}`)).length);
	// Filters: an entity, an event, a query.
	const e = events.find((x) => x.article_count >= 2);
	r = await api('GET', `/stats/timeline?event=${e.id}&interval=month`);
	assert.equal(r.json.data.reduce((n, b) => n + b.count, 0), Object.values(articles).filter((a) => a.event_id === e.id && a.published_at).length);
	r = await api('GET', '/stats/timeline?q=Scholz&interval=month');
	assert.equal(r.json.data.reduce((n, b) => n + b.count, 0), (await listAll('/articles?q=Scholz')).filter((a) => a.published_at).length);
	r = await api('GET', '/stats/timeline?q=qqzzxxwyv');
	assert.deepEqual(r.json.data, []);
	// Bounds.
	for (const q of ['from=2000-01-01&to=2023-01-01', 'interval=hour', 'what=stories', 'from=2023-03-02&to=2023-03-01', 'foo=1']) {
		r = await api('GET', `/stats/timeline?${q}`);
		assert.equal(r.status, 400, q);
	}
	r = await api('GET', '/stats/timeline?from=2000-01-01&to=2023-01-01&interval=month');
	assert.equal(r.status, 200);
	assert.equal(r.json.data.length, 23 * 12 + 1);
});

test('curation needs the key: 401 without, 403 with a wrong one; nothing changes', async () => {
	const [a, b] = events;
	const before = await sql('SELECT generation FROM cluster_state');
	for (const [p, body] of [[`/events/${a.id}/merge`, { into: b.id }], [`/events/${a.id}/split`, { articles: [1] }], ['/events/recluster', { from: '2023', to: '2023' }]]) {
		let r = await api('POST', p, { body });
		assert.equal(r.status, 401, p);
		assert.match(r.headers['www-authenticate'], /^Bearer/);
		r = await api('POST', p, { body, headers: { Authorization: 'Bearer nope' } });
		assert.equal(r.status, 403, p);
	}
	assert.equal(await sql('SELECT generation FROM cluster_state'), before);
	assert.equal((await event(a.id)).article_count, a.article_count);
});

test('POST /events/{id}/merge: articles and participants move, history on both, 301 after, errors', async () => {
	await refresh();
	const [src, dst] = events.filter((e) => !e.curated).sort((x, y) => x.article_count - y.article_count);
	const s = await event(src.id), d = await event(dst.id);
	const srcArticles = ids(await listAll(`/events/${src.id}/articles`));
	const dstArticles = ids(await listAll(`/events/${dst.id}/articles`));
	const gen = Number(await sql('SELECT generation FROM cluster_state'));
	const r = await api('POST', `/events/${src.id}/merge`, { body: { into: dst.id }, headers: AUTH });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.id, dst.id);
	assert.equal(r.json.article_count, src.article_count + dst.article_count);
	assert.equal(r.json.curated, true);
	assert.equal(Number(await sql('SELECT generation FROM cluster_state')), gen + 1, 'the generation moved');
	setEq(ids(await listAll(`/events/${dst.id}/articles`)), [...srcArticles, ...dstArticles], 'the articles moved');
	for (const id of srcArticles)
		assert.equal((await api('GET', `/articles/${id}`)).json.event_id, dst.id);
	// Participants: weights and article counts summed.
	for (const p of s.participants) {
		const q = d.participants.find((x) => x.id === p.id);
		const m = r.json.participants.find((x) => x.id === p.id);
		if (!m)
			continue; // beyond the first 100
		assert.equal(m.weight, p.weight + (q ? q.weight : 0), `${p.name}: weight`);
		assert.equal(m.articles, p.articles + (q ? q.articles : 0), `${p.name}: articles`);
	}
	const h = r.json.history.at(-1);
	assert.equal(h.action, 'merge');
	assert.equal(h.other_event_id, src.id);
	setEq(h.article_ids, srcArticles);
	// The source redirects, with its history.
	const moved = await api('GET', `/events/${src.id}`);
	assert.equal(moved.status, 301);
	assert.equal(moved.headers.location, `/events/${dst.id}`);
	assert.deepEqual(moved.json, { id: src.id, merged_into: dst.id });
	const movedList = await api('GET', `/events/${src.id}/articles?limit=5`);
	assert.equal(movedList.status, 301);
	assert.equal(movedList.headers.location, `/events/${dst.id}/articles?limit=5`);
	assert.equal(Number(await sql(`SELECT count(*) FROM event_history WHERE event_id = ${src.id} AND action = 'merged_into' AND other_event_id = ${dst.id}`)), 1);
	await refresh();
	assert.ok(!ids(events).includes(src.id), 'a merged event is not listed');
	// Errors.
	const third = events.find((e) => e.id !== dst.id);
	const cases = [
		[`/events/${dst.id}/merge`, { into: dst.id }, 409, /itself/],
		[`/events/${third.id}/merge`, { into: src.id }, 409, /merged into/],
		[`/events/${src.id}/merge`, { into: third.id }, 409, /already merged/],
		[`/events/${third.id}/merge`, { into: 987654321 }, 404, /987654321/],
		['/events/987654321/merge', { into: third.id }, 404, /987654321/],
		[`/events/${third.id}/merge`, { into: 'x' }, 400, /into/],
		[`/events/${third.id}/merge`, { into: dst.id, also: 1 }, 400, /also/],
		[`/events/${third.id}/merge`, {}, 400, /into/],
	];
	for (const [p, body, status, detail] of cases) {
		const e = await api('POST', p, { body, headers: AUTH });
		assert.equal(e.status, status, `${p} ${JSON.stringify(body)}: ${e.text}`);
		assert.equal(e.contentType, 'application/problem+json');
		assert.match(e.json.detail, detail);
	}
	assert.equal(Number(await sql('SELECT generation FROM cluster_state')), gen + 1, 'failures change nothing');
});

test('POST /events/{id}/split: a new curated event with the articles, history on both, errors', async () => {
	await refresh();
	const src = events.find((e) => e.article_count >= 2);
	assert.ok(src, 'an event of two articles or more');
	const all = ids(await listAll(`/events/${src.id}/articles`));
	const moving = [Math.min(...all)];
	const r = await api('POST', `/events/${src.id}/split`, { body: { articles: moving }, headers: AUTH });
	assert.equal(r.status, 201, r.text);
	const created = r.json;
	assert.equal(r.headers.location, `/events/${created.id}`);
	assert.notEqual(created.id, src.id);
	assert.equal(created.article_count, 1);
	assert.equal(created.curated, true);
	assert.deepEqual(created.history.map((h) => [h.action, h.other_event_id, h.article_ids]), [['split_from', src.id, moving]]);
	assert.equal(created.story?.id ?? null, src.story_id, 'the same story');
	setEq(ids(await listAll(`/events/${created.id}/articles`)), moving);
	const left = await event(src.id);
	assert.equal(left.article_count, all.length - 1);
	assert.equal(left.curated, true);
	assert.deepEqual(left.history.at(-1), { ...left.history.at(-1), action: 'split', other_event_id: created.id, article_ids: moving });
	setEq(ids(await listAll(`/events/${src.id}/articles`)), all.filter((id) => id !== moving[0]));
	assert.equal((await api('GET', `/articles/${moving[0]}`)).json.event_id, created.id);
	// The participants are the moved article's.
	const a = (await api('GET', `/articles/${moving[0]}`)).json;
	setEq(ids(created.participants), ids(a.entities), 'participants of the new event');
	// Errors.
	const foreign = Object.values(articles).find((x) => x.event_id !== src.id && x.event_id !== created.id);
	const rest = all.filter((id) => id !== moving[0]);
	const cases = [
		[`/events/${src.id}/split`, { articles: [foreign.id] }, 409, new RegExp(`article ${foreign.id}`)],
		[`/events/${created.id}/split`, { articles: moving }, 409, /at least one/],
		[`/events/${src.id}/split`, { articles: rest }, 409, /at least one/],
		['/events/987654321/split', { articles: [1] }, 404, /987654321/],
		[`/events/${src.id}/split`, { articles: [] }, 400, /articles/],
		[`/events/${src.id}/split`, { articles: [rest[0], rest[0]] }, 400, /twice/],
		[`/events/${src.id}/split`, { articles: ['1'] }, 400, /articles/],
		[`/events/${src.id}/split`, { ids: [1] }, 400, /ids/],
	];
	for (const [p, body, status, detail] of cases) {
		const e = await api('POST', p, { body, headers: AUTH });
		assert.equal(e.status, status, `${p} ${JSON.stringify(body)}: ${e.text}`);
		assert.match(e.json.detail, detail);
	}
});

test('POST /events/recluster: non-curated articles of the period are placed again; curated events stay', async () => {
	await refresh();
	const dated = events.filter((e) => e.date && !e.curated);
	assert.ok(dated.length >= 1);
	const day = dated[0].date.value;
	const inPeriod = dated.filter((e) => e.date.value === day);
	const curated = events.filter((e) => e.curated);
	assert.ok(curated.length >= 1);
	const moved = [];
	for (const e of inPeriod)
		moved.push(...ids(await listAll(`/events/${e.id}/articles`)));
	// Every article of a non-curated event dated in the period, or whose
	// own happening day is in it (the two lookups of recluster).
	const expected = Number(await sql(`SELECT count(*) FROM articles a JOIN events v ON v.id = a.event_id WHERE NOT v.curated AND v.merged_into IS NULL AND (v.event_date = '${day}' OR a.happened_on = '${day}')`));
	const gen = Number(await sql('SELECT generation FROM cluster_state'));
	const r = await api('POST', '/events/recluster', { body: { from: day, to: day }, headers: AUTH });
	assert.equal(r.status, 202, r.text);
	assert.equal(r.json.from, day);
	assert.equal(r.json.to, day);
	assert.ok(r.json.articles_reset >= moved.length, `${r.json.articles_reset} reset, ${moved.length} in the period's events`);
	assert.equal(r.json.articles_reset, expected);
	assert.equal(Number(await sql('SELECT generation FROM cluster_state')), gen + 1);
	await waitPlaced(moved);
	for (const id of moved) {
		const a = (await api('GET', `/articles/${id}`)).json;
		assert.ok(a.event_id, `article ${id} placed again`);
	}
	for (const e of curated) {
		const now = await event(e.id);
		assert.equal(now.article_count, e.article_count, `curated event ${e.id} kept its articles`);
	}
	// Deleted events answer 404; the ones kept have a 'recluster' entry.
	for (const e of inPeriod) {
		const g = await api('GET', `/events/${e.id}`);
		if (g.status === 404)
			continue;
		assert.equal(g.status, 200);
		if (g.json.history.length)
			assert.equal(g.json.history.at(-1).action, 'recluster');
	}
	for (const body of [{ from: '2023-13', to: '2023' }, { from: '2023-03-02', to: '2023-03-01' }, { from: '2023' }, { from: '2023', to: '2023', x: 1 }, { from: '2023-03-01T10:00:00Z', to: '2023' }]) {
		const e = await api('POST', '/events/recluster', { body, headers: AUTH });
		assert.equal(e.status, 400, JSON.stringify(body));
	}
	const y = await api('POST', '/events/recluster', { body: { from: '1990', to: '1990' }, headers: AUTH });
	assert.equal(y.status, 202);
	assert.deepEqual(y.json, { from: '1990-01-01', to: '1990-12-31', articles_reset: 0, events_deleted: 0, events_kept: 0 });
});
