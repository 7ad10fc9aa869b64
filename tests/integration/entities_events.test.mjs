// GET /entities (prefix, case- and accent-insensitive search, kind), one
// entity and its articles (tests/integration/entities.test.mjs covers issue 4's
// linking, sorts, languages and merges); events: clustering of two reports of one happening,
// GET /events filters, one event and its articles.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { INLINE, loadFixtures } from './corpus.mjs';
import { api, assertTime, fold, listAll, startStack, stopStack, test } from './harness.mjs';

const created = {};
const fixtureIds = [];

before(async () => {
	await startStack();
	for (const [k, input] of Object.entries(INLINE)) {
		const r = await api('POST', '/articles', { body: input });
		assert.equal(r.status, 201, `${k}: ${r.text}`);
		created[k] = r.json;
	}
	for (const fx of loadFixtures()) {
		const r = await api('POST', '/articles', { body: { text: fx.text } });
		assert.ok(r.status === 201 || r.status === 200, `${fx.name}: ${r.status} ${r.text}`);
		fixtureIds.push(r.json.id);
	}
});
after(async () => {
	await stopStack();
});

const ids = (items) => new Set(items.map((x) => x.id));
function setEq(actual, expected, msg) {
	assert.deepEqual([...actual].sort((x, y) => x - y), [...expected].sort((x, y) => x - y), msg);
}
function entityIn(article, needle) {
	return article.entities.find((e) => fold(e.name).includes(needle));
}

test('GET /entities?q= is a prefix search: "pout" finds Poutine, in any case', async () => {
	const found = await listAll('/entities?q=pout');
	// Named by the default knowledge base (Vladimir Putin) when it lists him.
	const poutine = found.find((e) => /poutine|putin/.test(fold(e.name)));
	assert.ok(poutine, `an entity named ...Poutine in ${found.map((e) => e.name)}`);
	assert.equal(poutine.kind, 'person');
	for (const q of ['Pout', 'POUT', 'poutine'])
		assert.ok(ids(await listAll(`/entities?q=${q}`)).has(poutine.id), `q=${q}`);
	// A prefix of a word, not a substring: every hit of q=outine has an alias
	// with a word starting so.
	const wordStarts = (a, q) => fold(a).split(' ').some((w) => w.startsWith(q));
	for (const e of await listAll('/entities?q=outine')) {
		const full = await api('GET', `/entities/${e.id}`);
		assert.ok(full.json.aliases.some((a) => wordStarts(a.name, 'outine')), `q=outine found ${e.name} (${JSON.stringify(full.json.aliases)})`);
	}
	// Every hit has an alias with a word that starts with the query.
	for (const e of found) {
		const full = await api('GET', `/entities/${e.id}`);
		assert.ok(full.json.aliases.some((a) => wordStarts(a.name, 'pout')), `entity ${e.name}: an alias has a word starting with 'pout' (${JSON.stringify(full.json.aliases)})`);
	}
});

test('GET /entities?q= is accent-insensitive: "elysee" finds "Élysée"', async () => {
	const found = await listAll('/entities?q=elysee');
	const elysee = found.find((e) => fold(e.name).includes('elysee'));
	assert.ok(elysee, `an entity named ...Élysée in ${found.map((e) => e.name)}`);
	assert.ok(/Élysée/.test(elysee.name), `the name keeps its accents: ${elysee.name}`);
	for (const q of ['%C3%A9lys%C3%A9e', '%C3%89LYS%C3%89E', 'Elys'])
		assert.ok(ids(await listAll(`/entities?q=${q}`)).has(elysee.id), `q=${decodeURIComponent(q)}`);
	const none = await api('GET', '/entities?q=qqzzxxwyv');
	assert.deepEqual(none.json, { data: [], next: null });
});

test('GET /entities?kind= returns only that kind', async () => {
	const all = await listAll('/entities');
	for (const kind of ['person', 'location', 'organization', 'other']) {
		const got = await listAll(`/entities?kind=${kind}`);
		assert.ok(got.every((e) => e.kind === kind), `kind=${kind}`);
		setEq(ids(got), all.filter((e) => e.kind === kind).map((e) => e.id), `kind=${kind} is complete`);
	}
	const people = await listAll('/entities?kind=person&q=olaf');
	assert.ok(people.some((e) => fold(e.name) === 'olaf scholz'), `kind and q combine: ${people.map((e) => e.name)}`);
	assert.ok(!(await listAll('/entities?kind=location&q=olaf')).some((e) => fold(e.name) === 'olaf scholz'));
	const locations = await listAll('/entities?kind=location');
	assert.ok(locations.some((e) => /paris|berlin|bruxelles|antofagasta|chili|chile|helsinki|moscou|washington|pekin|peking/.test(fold(e.name))),
		`a known place among ${locations.map((e) => e.name)}`);
});

test("an article's entities agree with the entities they point to", async () => {
	for (const k of Object.keys(created)) {
		const a = (await api('GET', `/articles/${created[k].id}`)).json;
		for (const m of a.entities) {
			const e = (await api('GET', `/entities/${m.id}`)).json;
			assert.equal(m.name, e.name, `${k}: entity ${m.id} name`);
			assert.equal(m.kind, e.kind, `${k}: entity ${m.id} (${e.name}) kind`);
		}
	}
});

test('GET /entities pages through every entity once', async () => {
	const all = await listAll('/entities');
	assert.ok(all.length >= 5, `several entities (${all.length})`);
	setEq(ids(await listAll('/entities', { limit: 3, maxPages: 100000 })), ids(all), 'limit=3');
});

test('GET /entities/{id}: the list item plus aliases; counts and dates consistent', async () => {
	const scholz = entityIn(created.frMacron1, 'scholz');
	assert.ok(scholz, 'Scholz in frMacron1');
	const r = await api('GET', `/entities/${scholz.id}`);
	assert.equal(r.status, 200);
	const e = r.json;
	assert.equal(e.name, scholz.name);
	assert.equal(e.kind, 'person');
	assert.ok(e.aliases.length >= 1);
	assert.ok(e.aliases.every((a) => a.name && (a.lang === null || /^[a-z]{2,3}$/.test(a.lang))), `aliases as written, with a language: ${JSON.stringify(e.aliases)}`);
	assert.ok(e.aliases.some((a) => fold(a.name).includes('scholz')));
	const listed = (await listAll('/entities')).find((x) => x.id === e.id);
	const { aliases, names, coordinates, co_occurring, ...summary } = e;
	assert.deepEqual(listed, summary, 'the list item is the entity without aliases, names, coordinates and co_occurring');
	assert.ok(aliases && names && co_occurring && coordinates === null);
	assert.ok(e.mention_count >= e.article_count, 'mentions >= articles');
	assert.ok(Date.parse(e.first_seen) <= Date.parse(e.last_seen), 'first_seen <= last_seen');
});

test('GET /entities/{id}/articles: exactly the articles that mention it', async () => {
	const scholz = entityIn(created.frMacron1, 'scholz');
	const e = (await api('GET', `/entities/${scholz.id}`)).json;
	const got = await listAll(`/entities/${scholz.id}/articles`);
	const gotIds = ids(got);
	for (const k of ['frMacron1', 'frMacron2', 'deScholz'])
		assert.ok(gotIds.has(created[k].id), `${k} is listed`);
	assert.ok(!gotIds.has(created.enQuake.id), 'enQuake is not');
	assert.equal(got.length, e.article_count, 'article_count = the number listed');
	let mentions = 0;
	for (const a of got) {
		assert.equal(a.body, undefined, 'list items omit body');
		const full = (await api('GET', `/articles/${a.id}`)).json;
		const m = full.entities.find((x) => x.id === scholz.id);
		assert.ok(m, `article ${a.id} lists entity ${scholz.id}`);
		mentions += m.count;
	}
	assert.equal(mentions, e.mention_count, 'mention_count = the sum of the per-article counts');
	setEq(ids(await listAll(`/entities/${scholz.id}/articles`, { limit: 1 })), gotIds, 'paging with limit=1');
});

test('two reports of one happening share an event; unrelated articles do not', async () => {
	const ev = created.frMacron1.event_id;
	assert.ok(ev, 'frMacron1 has an event');
	const a2 = (await api('GET', `/articles/${created.frMacron2.id}`)).json;
	assert.equal(a2.event_id, ev, 'frMacron2 joined the event of frMacron1');
	for (const k of ['enQuake', 'deScholz', 'esHeat', 'frPoutine', 'enNoDate']) {
		const a = (await api('GET', `/articles/${created[k].id}`)).json;
		assert.ok(a.event_id !== ev, `${k} is not in the Macron-Scholz event`);
	}
	const q = (await api('GET', `/articles/${created.enQuake.id}`)).json;
	const d = (await api('GET', `/articles/${created.deScholz.id}`)).json;
	assert.ok(q.event_id && d.event_id && q.event_id !== d.event_id, 'the quake and the Beijing visit are two other events');
});

test('GET /events/{id}: participants, counts and activity window', async () => {
	const ev = created.frMacron1.event_id;
	const r = await api('GET', `/events/${ev}`);
	assert.equal(r.status, 200);
	const e = r.json;
	assert.equal(e.id, ev);
	const arts = await listAll(`/events/${ev}/articles`);
	setEq(ids(arts), [created.frMacron1.id, created.frMacron2.id], 'its articles are the two reports');
	assert.equal(e.article_count, 2);
	assertTime(e.first_published, '2023-03-14T00:00:00Z');
	assertTime(e.last_published, '2023-03-14T20:30:00Z');
	assert.equal(e.date?.value, '2023-03-14', 'the happening: "a reçu mardi", published on Tuesday 14 March');
	const names = e.participants.map((x) => fold(x.name));
	assert.ok(names.some((n) => n.includes('macron')) && names.some((n) => n.includes('scholz')), `participants: ${names}`);
	assert.ok(e.participants.every((x) => x.weight >= 0));
	const listed = (await listAll('/events')).find((x) => x.id === ev);
	for (const k of ['title', 'kind', 'article_count', 'first_published', 'last_published'])
		assert.deepEqual(listed[k], e[k], `the list item's ${k}`);
	assert.deepEqual(listed.date, { value: e.date.value, precision: e.date.precision });
});

test('GET /events?entity= returns exactly the events involving the entity', async () => {
	const scholz = entityIn(created.frMacron1, 'scholz');
	const all = await listAll('/events');
	const want = [];
	for (const ev of all) {
		const full = (await api('GET', `/events/${ev.id}`)).json;
		if (full.participants.some((x) => x.id === scholz.id))
			want.push(ev.id);
	}
	const got = ids(await listAll(`/events?entity=${scholz.id}`));
	setEq(got, want, `entity=${scholz.id}`);
	assert.ok(got.has(created.frMacron1.event_id), 'the Paris dinner');
	assert.ok(!got.has(created.enQuake.event_id), 'not the quake');
});

test('GET /events?from=&to= filters on the event date', async () => {
	const all = await listAll('/events');
	const ev = created.frMacron1.event_id;
	const day = (e) => e.date?.value;
	let got = ids(await listAll('/events?from=2023-03-01&to=2023-03-31'));
	setEq(got, all.filter((e) => day(e) >= '2023-03-01' && day(e) <= '2023-03-31').map((e) => e.id), 'March 2023');
	assert.ok(got.has(ev));
	got = ids(await listAll('/events?from=2023-03-15'));
	assert.ok(!got.has(ev), 'dated 2023-03-14, before the 15th');
	got = ids(await listAll('/events?to=2023-03-13'));
	assert.ok(!got.has(ev), 'dated 2023-03-14, after the 13th');
	got = ids(await listAll('/events?from=2023-03-14&to=2023-03-14'));
	assert.ok(got.has(ev), 'bounds are inclusive');
	const scholz = entityIn(created.frMacron1, 'scholz');
	got = ids(await listAll(`/events?entity=${scholz.id}&from=2023`));
	assert.ok(got.has(ev) && !got.has(created.deScholz.event_id), 'entity and from combine');
});

test('GET /events pages through every event once; /events/{id}/articles pages too', async () => {
	const all = await listAll('/events');
	assert.ok(all.length >= 4, `several events (${all.length})`);
	setEq(ids(await listAll('/events', { limit: 1 })), ids(all), 'limit=1');
	for (const e of all) {
		const arts = await listAll(`/events/${e.id}/articles`, { limit: 1 });
		assert.equal(arts.length, e.article_count, `event ${e.id}: article_count`);
		assert.ok(arts.every((a) => a.event_id === e.id), `event ${e.id}: its articles point back to it`);
	}
});

test('unknown entity and event ids answer 404 naming the id', async () => {
	for (const p of ['/entities/987654321', '/entities/987654321/articles', '/events/987654321', '/events/987654321/articles']) {
		const r = await api('GET', p);
		assert.equal(r.status, 404, p);
		assert.match(r.json.detail, /\bid\b|987654321/, `${p}: detail names the id`);
	}
});
