// POST /articles (text, html, fixtures, dedup), GET /articles/{id}, and
// GET /articles with every filter and cursor paging.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { INLINE, INLINE_LANG, STRICT_FIXTURES, checkExpect, decodeEntities, hiddenFragments, htmlText, loadFixtures, mainParagraph, norm, validateExpect, words } from './corpus.mjs';
import { api, assertTime, checkAll, fold, listAll, startStack, stopStack, test, validateSchema } from './harness.mjs';

const created = {};       // inline key -> article (POST answer)
const fixtureArticles = {}; // fixture name -> article
const FIXTURES = loadFixtures();

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});

async function post(input, expectStatus = 201) {
	const r = await api('POST', '/articles', { body: input });
	assert.equal(r.status, expectStatus, `POST /articles answered ${r.status}: ${r.text.slice(0, 500)}`);
	return r;
}

function assertCloseToNow(iso, what) {
	const t = Date.parse(iso);
	assert.ok(Math.abs(Date.now() - t) < 10 * 60 * 1000, `${what} ${iso} is within 10 minutes of now`);
}

test('openapi.yaml accepts every article input the tests send', () => {
	for (const [k, input] of Object.entries(INLINE))
		assert.doesNotThrow(() => validateSchema('ArticleInput', input), k);
});

test('POST /articles stores a French article: 201, Location, every field per the contract', async () => {
	const input = INLINE.frMacron1;
	const r = await post(input, 201);
	const a = r.json;
	created.frMacron1 = a;
	assert.equal(r.headers.location, `/articles/${a.id}`);
	assert.equal(a.url, input.url);
	assert.equal(a.title, input.title);
	assert.equal(a.source, input.source);
	assert.equal(a.lang, 'fr');
	assert.ok(a.lang_confidence > 0.5, `lang_confidence ${a.lang_confidence}`);
	assertTime(a.published_at, '2023-03-14T00:00:00Z');
	assert.equal(a.published_at_origin, 'given');
	assert.equal(a.published_at_precision, 'day');
	assertCloseToNow(a.ingested_at, 'ingested_at');
	assert.equal(a.duplicate_of, null);
	assert.ok(Number.isInteger(a.event_id) && a.event_id > 0, `event_id ${a.event_id}`);
	// The body is the text (the title given apart is not repeated in it).
	assert.ok(norm(a.body).includes(norm('Le président Emmanuel Macron a reçu mardi le chancelier allemand')), a.body);
	assert.ok(norm(a.body).includes(norm('restent divisés')), 'the last paragraph is kept');
	const n = words(input.text);
	assert.ok(a.word_count >= n * 0.8 && a.word_count <= n * 1.2, `word_count ${a.word_count} for ~${n} words`);
	const names = a.entities.map((e) => fold(e.name));
	assert.ok(names.some((x) => x.includes('macron')), `entities name Macron: ${names}`);
	assert.ok(names.some((x) => x.includes('scholz')), `entities name Scholz: ${names}`);
	const macron = a.entities.find((e) => fold(e.name).includes('macron'));
	assert.equal(macron.kind, 'person');
	assert.ok(macron.count >= 3, `Macron is mentioned 3 times, count ${macron.count}`);
	assert.equal(new Set(a.entities.map((e) => e.id)).size, a.entities.length, 'no entity twice');
});

test('GET /articles/{id} answers the same article as the POST', async () => {
	const a = created.frMacron1;
	const r = await api('GET', `/articles/${a.id}`);
	assert.equal(r.status, 200);
	assert.deepEqual(r.json, a);
});

test('POST /articles identifies each language when none is given, and keeps dates with their precision', async () => {
	for (const key of ['frMacron2', 'enQuake', 'deScholz', 'esHeat', 'frPoutine', 'enNoDate']) {
		const r = await post(INLINE[key], 201);
		created[key] = r.json;
		assert.equal(r.json.lang, INLINE_LANG[key], `${key}: lang`);
		assert.equal(r.json.title, INLINE[key].title, `${key}: title`);
		assert.equal(r.headers.location, `/articles/${r.json.id}`);
	}
	const ids = Object.values(created).map((a) => a.id);
	assert.equal(new Set(ids).size, ids.length, 'each article has its own id');

	assertTime(created.frMacron2.published_at, '2023-03-14T20:30:00Z', 'offset converted to UTC');
	assert.equal(created.frMacron2.published_at_precision, 'day');
	assertTime(created.deScholz.published_at, '2022-11-01T00:00:00Z');
	assert.equal(created.deScholz.published_at_precision, 'month');
	assert.equal(created.deScholz.published_at_origin, 'given');
	assertTime(created.esHeat.published_at, '2021-01-01T00:00:00Z');
	assert.equal(created.esHeat.published_at_precision, 'year');
	assertTime(created.frPoutine.published_at, '2018-07-24T07:30:00Z');
	assert.equal(created.esHeat.url, null, 'no url given');
});

test('an article without any date keeps published_at null (never the ingestion time)', async () => {
	const a = created.enNoDate;
	assert.ok(a, 'enNoDate was stored');
	assert.equal(a.published_at, null);
	assert.equal(a.published_at_origin, null);
	assert.equal(a.published_at_precision, null);
	assert.equal(a.url, null);
	assert.equal(a.source, null);
});

test('optional fields given as null are absent; a given lang is kept (in lower case)', async () => {
	const text = "Le musée des Beaux-Arts de Rouen prolonge son exposition consacrée aux peintres impressionnistes normands. Plus de quarante mille visiteurs sont déjà venus admirer les toiles prêtées par des collectionneurs privés, selon la direction du musée.";
	const r = await post({ text, url: null, title: null, source: null, published_at: null, lang: null }, 201);
	assert.equal(r.json.url, null);
	assert.equal(r.json.source, null);
	assert.equal(r.json.published_at, null);
	assert.equal(r.json.lang, 'fr');
	created.frNulls = r.json;
	const given = await post({ text: `${text} Deuxième version.`, lang: 'FR' }, 201);
	assert.equal(given.json.lang, 'fr');
	created.frGiven = given.json;
});

test('re-POST of the same url answers 200 with the existing article, unchanged', async () => {
	const a = created.frMacron1;
	const again = await post(INLINE.frMacron1, 200);
	assert.equal(again.json.id, a.id);
	const changed = await post({ ...INLINE.frMacron1, text: `${INLINE.frMacron1.text}\n\nUn paragraphe ajouté plus tard.` }, 200);
	assert.equal(changed.json.id, a.id);
	assert.equal(changed.json.body, a.body, 'the stored body is kept');
	const list = await listAll('/articles');
	assert.equal(list.filter((x) => x.url === INLINE.frMacron1.url).length, 1, 'one article per url');
});

test('the same content without url (or with another title) answers 200 with the same id', async () => {
	const a = created.enQuake;
	const r = await post({ text: INLINE.enQuake.text }, 200);
	assert.equal(r.json.id, a.id);
	const r2 = await post({ text: INLINE.enQuake.text, title: 'Another headline for the same wire copy' }, 200);
	assert.equal(r2.json.id, a.id);
});

test('POST /articles with html: title and date from the metadata, clean body without markup', async () => {
	const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs | Example Post</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<meta property="article:published_time" content="2020-05-06T10:00:00Z">
<meta property="og:site_name" content="Example Post">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Wednesday morning after eight months of repairs to its steel deck and cables, the city council said in a statement.</p>
<p>Engineers replaced more than two hundred cables and resurfaced the whole deck. Commuters who had been using ferries and a long detour through the industrial district welcomed the news.</p>
<p>The council said the final cost of the works was slightly below the budget approved last year, and that a new footpath for cyclists will open in the summer.</p>
</article>
<footer><p>Share this article</p><p>© 2020 Example Post. All rights reserved.</p></footer>
</body></html>`;
	const r = await post({ html, url: 'https://post.example.com/2020/05/06/harbour-bridge' }, 201);
	const a = r.json;
	created.enHtml = a;
	assert.equal(a.lang, 'en');
	assert.match(a.title, /^Harbour bridge reopens after repairs/);
	assert.ok(a.body.includes('eight months of repairs'), a.body);
	assert.ok(a.body.includes('new footpath for cyclists'), a.body);
	assert.ok(!/[<>]/.test(a.body), `no markup in the body: ${a.body.slice(0, 300)}`);
	assert.ok(!a.body.includes('©'), 'footer dropped');
	assert.ok(!a.body.includes('Home World Sport'), 'navigation dropped');
	assertTime(a.published_at, '2020-05-06T10:00:00Z', 'published_at from <meta property="article:published_time">');
	assert.equal(a.published_at_origin, 'metadata');
});

test('every fixture expect file is well formed (known keys, pending keys expected)', { skip: FIXTURES.length === 0 && 'no fixtures' }, () => {
	for (const fx of FIXTURES)
		validateExpect(fx);
});

// The expectations of NAME.expect.json (see corpus.mjs and
// tests/fixtures/articles/README.md). Keys listed in its "pending" array describe
// work not done yet: they are checked and reported with t.diagnostic(), and
// fail the test only with NEWSD_STRICT_FIXTURES=1. A pending key that passes is
// reported too, so that it can be taken off the list.
test('fixtures (text and html): language, title, clean body, entities', { skip: FIXTURES.length === 0 && 'no tests/fixtures/articles/*.txt|html' }, async (t) => {
	const notes = [];
	const report = () => {
		const open = notes.filter((n) => !n.endsWith('"pending"')).length;
		t.diagnostic(`${FIXTURES.length} fixtures; ${STRICT_FIXTURES ? 'strict (NEWSD_STRICT_FIXTURES=1): pending keys fail like the others' : `${open} pending expectation(s) not met (NEWSD_STRICT_FIXTURES=1 makes them fail)`}`);
		for (const n of notes)
			t.diagnostic(n);
	};
	await checkAll(FIXTURES, async (fx) => {
		const input = fx.kind === 'html' ? { html: fx.text } : { text: fx.text };
		const r = await api('POST', '/articles', { body: input });
		assert.equal(r.status, 201, `POST answered ${r.status}: ${r.text.slice(0, 300)}`);
		const a = r.json;
		fixtureArticles[fx.name] = a;
		const source = fx.kind === 'html' ? htmlText(fx.text) : fx.text;
		if (fx.expect.lang === undefined)
			assert.equal(a.lang, fx.lang, 'lang');
		assert.ok(a.title && a.title.trim().length >= 10, `a title (${a.title})`);
		assert.ok(norm(source).includes(norm(a.title)) || norm(decodeEntities(fx.text)).includes(norm(a.title)), `title '${a.title}' comes from the document`);
		for (const line of a.body.split('\n')) {
			assert.ok(!/Partager/.test(line), `boilerplate line kept: '${line}'`);
			assert.ok(!/©/.test(line), `copyright line kept: '${line}'`);
		}
		const main = mainParagraph(fx);
		assert.ok(norm(a.body).includes(norm(main).slice(0, 60)), `the main paragraph is kept ('${main.slice(0, 60)}...')`);
		if (fx.kind === 'html') {
			assert.ok(!/<\/?[a-z][^>]*>/i.test(a.body), 'no markup in the body');
			assert.ok(!/&(#\d+|#x[0-9a-f]+|[a-z]+);/i.test(a.body), 'entities decoded');
			for (const hidden of hiddenFragments(fx.text))
				assert.ok(!a.body.includes(hidden), `text from a script, style or comment kept: '${hidden}'`);
		}
		assert.ok(a.word_count >= 50, `word_count ${a.word_count}`);
		assert.ok(a.entities.length >= 1, 'entities found');
		// Every key of the expect file; pending ones fail only when strict.
		const failed = [];
		for (const c of checkExpect(fx, a)) {
			if (c.error && (!c.pending || STRICT_FIXTURES))
				failed.push(`${c.key}: ${c.error}`);
			else if (c.error)
				notes.push(`${fx.name}: pending '${c.key}' not met: ${c.error}`);
			else if (c.pending)
				notes.push(`${fx.name}: pending '${c.key}' is met now: take it off "pending"`);
		}
		assert.ok(failed.length === 0, failed.join(' | '));
	}, (fx) => fx.name).finally(report);
});

test('posting a fixture again finds it by its clean body: 200, same id', { skip: FIXTURES.length === 0 && 'no fixtures' }, async () => {
	const fx = FIXTURES.find((f) => fixtureArticles[f.name]);
	assert.ok(fx, 'a fixture was stored');
	const again = await api('POST', '/articles', { body: fx.kind === 'html' ? { html: fx.text } : { text: fx.text } });
	assert.equal(again.status, 200);
	assert.equal(again.json.id, fixtureArticles[fx.name].id);
});

async function allArticles() {
	return listAll('/articles');
}

async function idsOf(urlPath) {
	return new Set((await listAll(urlPath)).map((a) => a.id));
}

function setEq(actual, expected, msg) {
	assert.deepEqual([...actual].sort((x, y) => x - y), [...expected].sort((x, y) => x - y), msg);
}

test('GET /articles lists every article once; items omit body, entities, duplicates and dates', async () => {
	const all = await allArticles();
	const want = [...Object.values(created), ...Object.values(fixtureArticles)].map((a) => a.id);
	setEq(all.map((a) => a.id), want, 'the list holds exactly the stored articles');
	const byId = new Map(all.map((a) => [a.id, a]));
	for (const a of Object.values(created)) {
		const { body, entities, duplicates, dates, ...summary } = a;
		assert.deepEqual(byId.get(a.id), summary, `list item ${a.id} = the article without body, entities, duplicates and dates`);
		assert.ok(body !== undefined && entities !== undefined);
	}
});

test('cursor paging with small limits visits every article exactly once', async () => {
	const all = await idsOf('/articles');
	for (const limit of [1, 2, 3]) {
		const pages = await listAll('/articles', { limit });
		setEq(pages.map((a) => a.id), all, `limit=${limit}`);
	}
	const first = await api('GET', '/articles?limit=2');
	assert.equal(first.json.data.length, 2);
	assert.equal(typeof first.json.next, 'string');
	const dflt = await api('GET', '/articles');
	assert.equal(dflt.json.data.length, Math.min(20, all.size), 'default limit 20');
	const max = await api('GET', '/articles?limit=100');
	assert.equal(max.status, 200);
	assert.equal(max.json.next, all.size > 100 ? max.json.next : null);
});

test('GET /articles?q= is stemmed: "rencontres" finds an article that only says "rencontre"', async () => {
	const target = created.frMacron1;
	assert.ok(!/rencontres/i.test(INLINE.frMacron1.text) && /rencontre/i.test(INLINE.frMacron1.text));
	const withLang = await idsOf('/articles?q=rencontres&lang=fr');
	assert.ok(withLang.has(target.id), 'found with lang=fr');
	const noLang = await idsOf('/articles?q=rencontres');
	assert.ok(noLang.has(target.id), 'found without lang');
	assert.ok(!noLang.has(created.enQuake.id), 'the English article does not match');
	const en = await idsOf('/articles?q=earthquakes');
	assert.ok(en.has(created.enQuake.id), 'English stemming: earthquakes -> earthquake');
	setEq(await idsOf('/articles?q=Antofagasta'), [created.enQuake.id], 'a rare word finds only its article');
	const none = await api('GET', '/articles?q=xylophonique');
	assert.deepEqual(none.json, { data: [], next: null });
	setEq(await idsOf('/articles?q=Scholz&lang=de'), [created.deScholz.id], 'q and lang combine');
});

test('GET /articles?lang= returns exactly the articles in that language', async () => {
	const all = await allArticles();
	for (const lang of ['fr', 'en', 'de', 'es']) {
		const want = all.filter((a) => a.lang === lang).map((a) => a.id);
		assert.ok(want.length >= 1, `some ${lang} article`);
		setEq(await idsOf(`/articles?lang=${lang}`), want, `lang=${lang}`);
	}
	// No article (inline or fixture) is in Japanese.
	assert.deepEqual((await api('GET', '/articles?lang=ja')).json, { data: [], next: null });
});

test('GET /articles?from=&to= filters on published_at (inclusive, whole periods)', async () => {
	const all = await allArticles();
	const inRange = (a, lo, hi) => a.published_at !== null && Date.parse(a.published_at) >= Date.parse(lo) && Date.parse(a.published_at) < Date.parse(hi);
	let got = await idsOf('/articles?from=2022-01-01&to=2023-12-31');
	setEq(got, all.filter((a) => inRange(a, '2022-01-01T00:00:00Z', '2024-01-01T00:00:00Z')).map((a) => a.id), 'from=2022-01-01&to=2023-12-31');
	for (const k of ['frMacron1', 'frMacron2', 'enQuake', 'deScholz'])
		assert.ok(got.has(created[k].id), `${k} in 2022-2023`);
	for (const k of ['esHeat', 'frPoutine', 'enNoDate'])
		assert.ok(!got.has(created[k].id), `${k} not in 2022-2023`);
	got = await idsOf('/articles?from=2023-03-14T12:00:00Z');
	assert.ok(got.has(created.frMacron2.id) && !got.has(created.frMacron1.id), 'a date-time bound');
	got = await idsOf('/articles?to=2018');
	assert.ok(got.has(created.frPoutine.id) && !got.has(created.esHeat.id), 'to=2018 covers the whole year 2018');
	got = await idsOf('/articles?from=2023-03&to=2023-03');
	for (const k of ['frMacron1', 'frMacron2', 'enQuake'])
		assert.ok(got.has(created[k].id), `${k} in from=2023-03&to=2023-03`);
	got = await idsOf('/articles?from=2023-03-14T22:00:00%2B02:00&to=2023-03-14T23:00:00%2B01:00');
	setEq(got, [created.frMacron2.id], 'offsets in bounds (20:00Z..22:00Z holds 20:30Z only)');
});

test('GET /articles?entity= returns exactly the articles that mention the entity', async () => {
	const scholz = created.frMacron1.entities.find((e) => fold(e.name).includes('scholz'));
	assert.ok(scholz, 'Scholz found in frMacron1');
	const all = await allArticles();
	const want = [];
	for (const a of all) {
		const full = await api('GET', `/articles/${a.id}`);
		if (full.json.entities.some((e) => e.id === scholz.id))
			want.push(a.id);
	}
	const got = await idsOf(`/articles?entity=${scholz.id}`);
	setEq(got, want, `entity=${scholz.id}`);
	for (const k of ['frMacron1', 'frMacron2', 'deScholz'])
		assert.ok(got.has(created[k].id), `${k} mentions Scholz`);
	assert.deepEqual((await api('GET', '/articles?entity=999999999')).json, { data: [], next: null });
});

test('GET /articles?event= returns exactly the articles of the event', async () => {
	const ev = created.frMacron1.event_id;
	const all = await allArticles();
	setEq(await idsOf(`/articles?event=${ev}`), all.filter((a) => a.event_id === ev).map((a) => a.id), `event=${ev}`);
	setEq(await idsOf(`/articles?event=${ev}&lang=fr&from=2023-03-14`), all.filter((a) => a.event_id === ev && a.lang === 'fr').map((a) => a.id), 'filters combine with AND');
});

test('a cursor only works on the list that produced it', async () => {
	const p = await api('GET', '/articles?limit=1');
	assert.equal(typeof p.json.next, 'string');
	const cur = encodeURIComponent(p.json.next);
	const same = await api('GET', `/articles?limit=5&cursor=${cur}`);
	assert.equal(same.status, 200, 'same list, other limit');
	assert.ok(!same.json.data.some((a) => a.id === p.json.data[0].id), 'the next page does not repeat the first');
	const other = await api('GET', `/entities?cursor=${cur}`);
	assert.equal(other.status, 400, 'an /articles cursor on /entities');
	assert.match(other.json.detail, /cursor/);
	const filtered = await api('GET', `/articles?lang=fr&cursor=${cur}`);
	assert.equal(filtered.status, 400, 'a cursor of the unfiltered list on a filtered list');
	assert.match(filtered.json.detail, /cursor/);
});
