// POST /jobs (JSON array and NDJSON, with bad items), GET /jobs/{id},
// DELETE /jobs/{id} (cancel a big queued job; 409 on a finished one).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, startStack, stopStack, test, waitJob } from './harness.mjs';

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});

let seq = 0;
// A small article whose text carries a unique marker.
function item(tag, extra = {}) {
	seq += 1;
	const marker = `${tag}${seq}x`;
	return {
		marker,
		input: {
			title: `Dépêche ${marker}`,
			text: `Le conseil municipal de Lyon a adopté jeudi un nouveau plan pour les pistes cyclables, référence ${marker}. ` +
				`Les travaux commenceront au printemps et dureront deux ans, selon la mairie, qui promet des itinéraires plus sûrs ` +
				`pour les familles et les écoliers. Les commerçants du centre restent inquiets pour le stationnement.`,
			...extra,
		},
	};
}

async function submit(body, headers = {}) {
	const r = typeof body === 'string'
		? await api('POST', '/jobs', { raw: body, headers })
		: await api('POST', '/jobs', { body, headers });
	return r;
}

function assertCounts(job, want) {
	assert.deepEqual(job.counts, { queued: 0, running: 0, cancelled: 0, failed: 0, clustering: 0, ...want });
}

const finished = {};

test('POST /jobs with a JSON array: 202 + Location; good items stored, bad items fail alone with their index', async () => {
	const good0 = item('jsona');
	const good4 = item('jsonb');
	const batch = [
		good0.input,
		{ title: 'no text at all' },                  // 1: missing text
		{ text: 42 },                                 // 2: wrong type
		{ ...item('jsonc').input, color: 'red' },     // 3: unknown field
		good4.input,
	];
	const r = await submit(batch);
	assert.equal(r.status, 202, r.text);
	assert.equal(r.headers.location, `/jobs/${r.json.id}`);
	assert.equal(r.json.counts.total, 5);
	assert.ok(['queued', 'running', 'done'].includes(r.json.status), r.json.status);
	assert.ok(Date.parse(r.json.created_at) <= Date.parse(r.json.updated_at));

	const job = await waitJob(r.json.id);
	finished.json = job;
	assert.equal(job.status, 'done');
	assertCounts(job, { total: 5, done: 2, failed: 3 });
	assert.deepEqual(job.errors.map((e) => e.index), [1, 2, 3]);
	assert.match(job.errors[0].error, /text/, 'missing text is named');
	assert.match(job.errors[1].error, /text/, 'the mistyped field is named');
	assert.match(job.errors[2].error, /color/, 'the unknown field is named');
	assert.deepEqual(job.articles.map((a) => a.index), [0, 4]);
	for (const [a, g] of [[job.articles[0], good0], [job.articles[1], good4]]) {
		const art = await api('GET', `/articles/${a.id}`);
		assert.equal(art.status, 200);
		assert.equal(art.json.title, g.input.title);
		assert.ok(art.json.body.includes(g.marker), `article ${a.id} holds item ${a.index}'s text`);
	}
	assert.notEqual(job.articles[0].id, job.articles[1].id);
});

test('POST /jobs with NDJSON: a malformed line fails alone, indexed by line number - 1', async () => {
	const g0 = item('ndja');
	const g2 = item('ndjb');
	const lines = [
		JSON.stringify(g0.input),
		'{"text": "a line that stops in the middle',
		JSON.stringify(g2.input),
		JSON.stringify({ ...item('ndjc').input, lang: 'french' }),
	];
	const r = await submit(lines.join('\n') + '\n', { 'Content-Type': 'application/x-ndjson' });
	assert.equal(r.status, 202, r.text);
	assert.equal(r.headers.location, `/jobs/${r.json.id}`);
	assert.equal(r.json.counts.total, 4, 'a final newline does not add an item');
	const job = await waitJob(r.json.id);
	finished.ndjson = job;
	assert.equal(job.status, 'done');
	assertCounts(job, { total: 4, done: 2, failed: 2 });
	assert.deepEqual(job.errors.map((e) => e.index), [1, 3]);
	assert.match(job.errors[0].error, /json/i, 'the parse error says so');
	assert.match(job.errors[1].error, /lang/, 'the bad lang is named');
	assert.deepEqual(job.articles.map((a) => a.index), [0, 2]);
	for (const a of job.articles)
		assert.equal((await api('GET', `/articles/${a.id}`)).status, 200);
	const art = await api('GET', `/articles/${job.articles[1].id}`);
	assert.ok(art.json.body.includes(g2.marker));
});

test('NDJSON indexes are line numbers - 1, also after a blank line', async () => {
	const lines = [
		JSON.stringify(item('blanka').input),   // line 1 -> index 0
		'',                                     // line 2: blank, skipped
		JSON.stringify(item('blankb').input),   // line 3 -> index 2
		'{"text": ',                            // line 4 -> index 3, malformed
	];
	const r = await submit(lines.join('\n'), { 'Content-Type': 'application/x-ndjson' });
	assert.equal(r.status, 202, r.text);
	assert.equal(r.json.counts.total, 3, 'the blank line is not an item');
	const job = await waitJob(r.json.id);
	assert.deepEqual(job.articles.map((a) => a.index), [0, 2], 'articles indexed by line number - 1');
	assert.deepEqual(job.errors.map((e) => e.index), [3], 'errors indexed by line number - 1');
});

test('submitting the same items again stores nothing new: the same article ids', async () => {
	const items = [item('againa').input, item('againb').input, item('againc').input];
	const first = await waitJob((await submit(items)).json.id);
	assertCounts(first, { total: 3, done: 3 });
	const second = await waitJob((await submit(items)).json.id);
	assertCounts(second, { total: 3, done: 3 });
	assert.deepEqual(second.articles, first.articles);
});

test('POST /jobs rejects a malformed batch as a whole with 400', async () => {
	const cases = [
		['an empty array', '[]', 'application/json', /empty|no item|at least/i],
		['a JSON object', JSON.stringify(item('obj').input), 'application/json', /array/i],
		['malformed JSON', '[{"text": "x"', 'application/json', /json/i],
		['empty NDJSON', '', 'application/x-ndjson', /empty|no item|at least/i],
		['NDJSON of blank lines', '\n  \n\n', 'application/x-ndjson', /empty|no item|at least/i],
		['a text/plain body', 'hello', 'text/plain', /content-type|media type|text\/plain|json/i],
	];
	for (const [what, raw, type, detail] of cases) {
		const r = await api('POST', '/jobs', { raw, headers: { 'Content-Type': type } });
		assert.equal(r.status, 400, `${what}: ${r.text}`);
		assert.match(r.json.detail, detail, `${what}: detail '${r.json.detail}'`);
	}
});

test('DELETE /jobs/{id} on a big job cancels the items not yet run', async () => {
	const n = 3000;
	const batch = Array.from({ length: n }, (_, i) => ({
		text: `Bulletin ${i} du service météo: averses éparses sur le littoral, éclaircies l'après-midi, vent modéré (${i}).`,
	}));
	const r = await submit(batch);
	assert.equal(r.status, 202);
	const del = await api('DELETE', `/jobs/${r.json.id}`);
	assert.equal(del.status, 200, del.text);
	assert.equal(del.json.id, r.json.id);
	// Items already running finish; the job is 'cancelled' once none runs
	// and the stored articles have their events.
	assert.ok(['cancelled', 'running'].includes(del.json.status), `status after DELETE: ${del.json.status}`);
	assert.equal(del.json.status === 'running', del.json.counts.running + del.json.counts.clustering > 0,
		'running only while items run or articles wait for their event');
	assert.equal(del.json.counts.total, n);
	assert.ok(del.json.counts.cancelled > 0, `cancelled ${del.json.counts.cancelled}`);
	assert.equal(del.json.counts.queued, 0, 'nothing left queued');

	const job = await waitJob(r.json.id);
	assert.equal(job.status, 'cancelled');
	const c = job.counts;
	assert.equal(c.done + c.failed + c.cancelled, n);
	assert.ok(c.cancelled >= del.json.counts.cancelled - 0, 'cancelled items stay cancelled');
	assert.equal(c.cancelled, del.json.counts.cancelled, 'no cancelled item ran afterwards');
	assert.equal(job.articles.length, c.done);

	const again = await api('DELETE', `/jobs/${r.json.id}`);
	assert.equal(again.status, 409, 'cancelling a cancelled job');
});

test('DELETE /jobs/{id} on a finished job answers 409 and changes nothing', async () => {
	const job = finished.json;
	assert.ok(job, 'the JSON job finished earlier');
	const r = await api('DELETE', `/jobs/${job.id}`);
	assert.equal(r.status, 409);
	assert.match(r.json.detail, /done|finished|already|no queued/i);
	const now = await api('GET', `/jobs/${job.id}`);
	assert.equal(now.json.status, 'done');
	assert.deepEqual(now.json.counts, job.counts);
});

test('unknown and malformed job ids', async () => {
	for (const m of ['GET', 'DELETE']) {
		const r = await api(m, '/jobs/987654321');
		assert.equal(r.status, 404, `${m} unknown`);
		assert.match(r.json.detail, /\bid\b|987654321/, 'detail names the id');
		const bad = await api(m, '/jobs/abc');
		assert.equal(bad.status, 400, `${m} /jobs/abc`);
	}
});
