// Every error is application/problem+json naming the problem: malformed and
// invalid bodies, unknown parameters and fields, bad ids, dates, limits and
// cursors, unknown paths, wrong methods, and (on a second stack with
// NEWSD_MAX_BODY=4096, NEWSD_MAX_JOB_ITEMS=5) bodies and jobs that are too large.
//
// Tests with many cases run them all and then list every case that failed.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, checkAll, startStack, stopStack, test } from './harness.mjs';

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});

const TEXT = "Les pompiers de Marseille ont maîtrisé dans la nuit un incendie qui menaçait plusieurs maisons sur les hauteurs de la ville. Aucun blessé n'est à déplorer, selon la préfecture, qui a mobilisé plus de deux cents pompiers et des avions bombardiers d'eau.";

// The answer is a problem whose detail matches `detail`; title is the reason phrase.
function problem(r, status, detail, what = '') {
	const where = `${what} -> ${r.status} ${r.text.slice(0, 300)}`;
	assert.equal(r.status, status, where);
	assert.match(r.contentType, /^application\/problem\+json\b/, `${where}: Content-Type`);
	assert.equal(r.json.status, status, where);
	assert.equal(r.json.type, 'about:blank', where);
	assert.equal(r.json.title, r.statusText, `${where}: title is the reason phrase`);
	if (detail)
		assert.match(r.json.detail, detail, `${where}: detail '${r.json.detail}' names the problem (${detail})`);
}

// Every case runs; the test fails once, listing each failing case.
const each = (cases, fn) => checkAll(cases, fn, () => '');

test('malformed JSON body -> 400', async () => {
	await each(['{"text": "abc"', '{text: "abc"}', '', 'null', '"just a string"', '[1, 2]', '{"text": "a"} trailing'], async (raw) => {
		problem(await api('POST', '/articles', { raw }), 400, /json|object|empty|body/i, `POST /articles ${JSON.stringify(raw)}`);
	});
});

test('a body that is not valid UTF-8 -> 400', async () => {
	const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
	await each([
		['latin-1 byte', '/articles', bytes('{"text": "caf', [0xe9], ' au lait et croissants du matin"}'), 'application/json'],
		['overlong encoding', '/articles', bytes('{"text": "x', [0xc0, 0xaf], '"}'), 'application/json'],
		['surrogate half', '/articles', bytes('{"text": "x', [0xed, 0xa0, 0x80], '"}'), 'application/json'],
		['NDJSON job', '/jobs', bytes('{"text": "ok', [0xff], '"}\n'), 'application/x-ndjson'],
		['JSON job', '/jobs', bytes('[{"text": "ok', [0xfe], '"}]'), 'application/json'],
	], async ([what, p, raw, type]) => {
		problem(await api('POST', p, { raw, headers: { 'Content-Type': type } }), 400, /utf-?8/i, what);
	});
});

test('unknown body field and invalid field values -> 400 naming the field', async () => {
	await each([
		[{ text: TEXT, foo: 1 }, /foo/],
		[{ text: TEXT, Title: 'case matters' }, /Title/],
		[{}, /text|html/],
		[{ title: 'only a title' }, /text|html/],
		[{ text: TEXT, html: '<p>both</p>' }, /text|html/],
		[{ text: '' }, /text/],
		[{ text: 42 }, /text/],
		[{ text: TEXT, url: 'ftp://example.org/a' }, /url/],
		[{ text: TEXT, url: 'not a url' }, /url/],
		[{ text: TEXT, lang: 'french' }, /lang/],
		[{ text: TEXT, lang: 'f' }, /lang/],
		[{ text: TEXT, published_at: 'yesterday' }, /published_at/],
		[{ text: TEXT, published_at: '2018-13-01' }, /published_at/],
		[{ text: TEXT, published_at: '2018-02-30' }, /published_at/],
		[{ text: TEXT, published_at: 20180402 }, /published_at/],
		[{ text: TEXT, title: 7 }, /title/],
		[{ text: TEXT, source: ['a'] }, /source/],
	], async ([body, detail]) => {
		problem(await api('POST', '/articles', { body }), 400, detail, `POST /articles ${JSON.stringify(body).slice(0, 80)}`);
	});
	// Nothing of the above was stored.
	assert.deepEqual((await api('GET', '/articles')).json, { data: [], next: null });
});

test('unknown query parameters -> 400 naming the parameter', async () => {
	await each([
		['/articles?foo=1', 'foo'], ['/articles?q=x&sort=date', 'sort'], ['/articles/1?expand=all', 'expand'],
		['/entities?name=x', 'name'], ['/entities/1/articles?lang=fr', 'lang'], ['/events?genre=meeting', 'genre'],
		['/events/1?foo=', 'foo'], ['/jobs/1?verbose=1', 'verbose'], ['/healthz?x=1', 'x'], ['/openapi.yaml?v=2', 'v'],
	], async ([p, name]) => {
		problem(await api('GET', p), 400, new RegExp(`\\b${name}\\b`), `GET ${p}`);
	});
	problem(await api('POST', '/articles?dry_run=1', { body: { text: TEXT } }), 400, /dry_run/, 'POST /articles?dry_run=1');
});

test('a query parameter that is not valid UTF-8 -> 400 naming it', async () => {
	for (const p of ['/articles?q=%FF', '/entities?q=caf%C3', '/events?q=%C0%AF', '/stories?q=%ED%A0%80']) {
		const name = p.split('?')[1].split('=')[0];
		problem(await api('GET', p), 400, new RegExp(`'${name}'.*UTF-8`), `GET ${p}`);
	}
	problem(await api('GET', '/articles?%FF=1'), 400, /name is not valid UTF-8/, 'GET /articles?%FF=1');
});

test('bad path ids -> 400', async () => {
	const cases = [];
	for (const base of ['/articles/', '/entities/', '/events/', '/jobs/'])
		for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999', '9223372036854775808', '%20', '1e3', '0x10'])
			cases.push(`${base}${id}`);
	cases.push('/entities/abc/articles', '/events/0/articles');
	await each(cases, async (p) => {
		problem(await api('GET', p), 400, /\bid\b|integer/i, `GET ${p}`);
	});
	problem(await api('DELETE', '/jobs/-1'), 400, /\bid\b|integer/i, 'DELETE /jobs/-1');
});

test('unknown ids -> 404 naming the id', async () => {
	const cases = [];
	for (const base of ['/articles/', '/entities/', '/events/', '/jobs/'])
		cases.push(`${base}123456789`, `${base}9223372036854775807`);
	cases.push('/entities/123456789/articles', '/events/123456789/articles');
	await each(cases, async (p) => {
		problem(await api('GET', p), 404, /\bid\b|\d{9}/, `GET ${p}`);
	});
});

test('bad dates in from= / to= -> 400 naming the parameter', async () => {
	const cases = [];
	for (const v of ['yesterday', '2020-13-01', '2020-02-30', '2021-02-29', '20200101', '2020-1-5', '2020-01-01T25:00Z', '2020-01-01T10:60Z',
		'2020-01-01T10', '2020-01-01T10:00+2', '2020-01-01Z', '']) {
		for (const p of ['/articles', '/events'])
			cases.push([p, 'from', v], [p, 'to', v]);
	}
	await each(cases, async ([p, name, v]) => {
		problem(await api('GET', `${p}?${name}=${encodeURIComponent(v)}`), 400, new RegExp(`\\b${name}\\b`), `GET ${p}?${name}=${v}`);
	});
});

test('every accepted date form is accepted', async () => {
	await each(['2020', '2020-02', '2020-02-29', '2020-02-29T10:00Z', '2020-02-29T10:00:30.5+05:30', '2020-02-29T10:00:30',
		'2020-02-29T10:00:30.123Z', '2020-02-29T10:00-03:00', '2020-02-29 10:00', '2020-02-29t10:00z'], async (v) => {
		const r = await api('GET', `/articles?from=${encodeURIComponent(v)}&to=${encodeURIComponent(v)}`);
		assert.equal(r.status, 200, `from=to=${v}: ${r.text}`);
	});
});

test('bad limit, cursor, filters -> 400 naming the parameter', async () => {
	const cases = [];
	for (const v of ['0', '101', 'x', '-5', '1.5', '', '20abc'])
		for (const p of ['/articles', '/entities', '/events', '/entities/1/articles', '/events/1/articles'])
			cases.push([`${p}?limit=${v}`, /limit/]);
	for (const v of ['garbage', 'AAAA', '!!!', ''])
		for (const p of ['/articles', '/entities', '/events'])
			cases.push([`${p}?cursor=${encodeURIComponent(v)}`, /cursor/]);
	cases.push(['/articles?entity=abc', /entity/], ['/articles?event=0', /event/], ['/events?entity=-3', /entity/],
		['/entities?kind=planet', /kind/], ['/events?kind=picnic', /kind/], ['/events?sort=oldest', /sort/], ['/articles?lang=french', /lang/], ['/articles?limit=10&limit=20', /limit/],
		['/articles?q=', /\bq\b/], ['/entities?q=', /\bq\b/]);
	await each(cases, async ([p, detail]) => {
		problem(await api('GET', p), 400, detail, `GET ${p}`);
	});
});

// (GET / is the dashboard: see static_cors.test.mjs.)
test('unknown paths -> 404', async () => {
	await each(['/nope', '/articles/1/entities', '/entities/1/nope', '/api/articles', '/articles/', '/healthz/x', '/jobs/1/items'], async (p) => {
		problem(await api('GET', p), 404, null, `GET ${p}`);
	});
	problem(await api('POST', '/nope', { body: {} }), 404, null, 'POST /nope');
});

test('known path, wrong method -> 405 with Allow', async () => {
	await each([
		['DELETE', '/articles', ['GET', 'POST']],
		['PUT', '/articles/1', ['GET']],
		['POST', '/healthz', ['GET']],
		['GET', '/jobs', ['POST']],
		['PATCH', '/jobs/1', ['DELETE', 'GET']],
		['POST', '/entities', ['GET']],
		['DELETE', '/events/1/articles', ['GET']],
		['POST', '/openapi.yaml', ['GET']],
	], async ([m, p, allow]) => {
		const r = await api(m, p, ['POST', 'PUT', 'PATCH'].includes(m) ? { body: {} } : {});
		problem(r, 405, null, `${m} ${p}`);
		const got = r.headers.allow.split(',').map((s) => s.trim()).filter((s) => s !== 'HEAD').sort();
		assert.deepEqual(got, allow, `${m} ${p}: Allow`);
	});
});

// ---- a stack with small limits

const big = { text: `${TEXT} `.repeat(40) };

// The Content-Length alone decides: the answer comes before the body is
// asked for (Expect: 100-continue, as curl sends for large bodies).
test('with NEWSD_MAX_BODY=4096: a body with a larger Content-Length -> 413', async () => {
	await startStack({ NEWSD_MAX_BODY: '4096', NEWSD_MAX_JOB_ITEMS: '5' });
	assert.ok(Buffer.byteLength(JSON.stringify(big)) > 4096);
	await each([
		['POST /articles 10 KB', '/articles', { body: big }],
		['POST /articles 200 KB', '/articles', { raw: 'x'.repeat(200 << 10) }],
		['POST /jobs 10 KB', '/jobs', { body: [big] }],
	], async ([what, p, opts]) => {
		problem(await api('POST', p, { ...opts, expect: true }), 413, /4096|too large|limit|size|bytes/i, what);
	});
});

test('with NEWSD_MAX_BODY=4096: a larger chunked body -> 413', async () => {
	problem(await api('POST', '/articles', { body: big, chunked: true, paced: true }), 413, /4096|too large|limit|size|bytes/i, 'chunked');
	const nd = Array.from({ length: 3 }, () => JSON.stringify(big)).join('\n');
	problem(await api('POST', '/jobs', { raw: nd, chunked: true, paced: true, headers: { 'Content-Type': 'application/x-ndjson' } }), 413, null, 'chunked NDJSON');
});

test('with NEWSD_MAX_BODY=4096: bodies up to the limit pass', async () => {
	const ok = await api('POST', '/articles', { body: { text: TEXT } });
	assert.equal(ok.status, 201, ok.text);
	const pad = 4096 - Buffer.byteLength(JSON.stringify({ text: `${TEXT} ` }));
	const exactBody = { text: `${TEXT} ${'a'.repeat(pad)}` };
	assert.equal(Buffer.byteLength(JSON.stringify(exactBody)), 4096);
	const exact = await api('POST', '/articles', { body: exactBody });
	assert.equal(exact.status, 201, `a body of exactly 4096 bytes passes: ${exact.text.slice(0, 200)}`);
	assert.equal((await api('GET', '/healthz')).status, 200);
});

test('with NEWSD_MAX_JOB_ITEMS=5: a job of 6 items -> 400, of 5 -> 202', async () => {
	const items = Array.from({ length: 6 }, (_, i) => ({ text: `Brève ${i}: la météo reste clémente pour la saison.` }));
	problem(await api('POST', '/jobs', { body: items }), 400, /5|items|too many/i, 'POST /jobs 6 items');
	const nd = items.map((x) => JSON.stringify(x)).join('\n');
	problem(await api('POST', '/jobs', { raw: nd, headers: { 'Content-Type': 'application/x-ndjson' } }), 400, /5|items|too many/i, 'NDJSON 6 items');
	const ok = await api('POST', '/jobs', { body: items.slice(0, 5) });
	assert.equal(ok.status, 202, ok.text);
	assert.equal(ok.json.counts.total, 5);
});
