// The dashboard on 10 000 events: pages show their first content well under
// a second; the events timeline charts them all from one /stats/timeline
// request and lists the first 50.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, test, waitFor } from '../integration/harness.mjs';
import { assertClean, newPage, rendered, shot, startE2E, stopE2E } from './stack.mjs';

const N = 10000;
let base;

// Deterministic made-up articles, each about its own people and town on its
// own day, so that each becomes an event of its own.
function syntheticBatch(n, seed = 20240601) {
	let a = seed;
	const rnd = () => {
		a = (a + 0x6D2B79F5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const syl = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'de', 'pa', 'zu', 'ri', 'ma', 'ne', 'to', 'la', 'be', 'fo', 'gi', 'ho'];
	const word = () => Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => syl[Math.floor(rnd() * syl.length)]).join('');
	const cap = (w) => w[0].toUpperCase() + w.slice(1);
	const sentence = () => `${cap(Array.from({ length: 12 }, word).join(' '))}.`;
	const lines = [];
	for (let i = 0; i < n; i++) {
		const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(rnd() * 5 * 365) * 86400000).toISOString().slice(0, 10);
		const who = `${cap(word())} ${cap(word())}`;
		const town = `${cap(word())}ville`;
		const text = `${who} visits ${town}\n\nThe minister ${who} arrived in ${town} on ${day}. ${sentence()} ${sentence()}\n\n${who} said: ${sentence()} The mayor of ${town} welcomed ${who}. ${sentence()}`;
		lines.push(JSON.stringify({ text, published_at: day, lang: 'en' }));
	}
	return `${lines.join('\n')}\n`;
}

before(async () => {
	({ base } = await startE2E());
	const r = await api('POST', '/jobs', { raw: syntheticBatch(N), headers: { 'Content-Type': 'application/x-ndjson' } });
	assert.equal(r.status, 202);
	// (waitJob would insist on every article being listed: a job lists 1000.)
	let job;
	await waitFor(async () => {
		job = (await api('GET', `/jobs/${r.json.id}`)).json;
		return job.status === 'done';
	}, { timeout: 300000, interval: 250, what: 'the 10 000 articles' });
	assert.equal(job.counts.done, N, JSON.stringify(job.errors.slice(0, 3)));
});

after(stopE2E);

// Navigate inside the loaded dashboard (as a user does) and time until the
// selector shows, then until the route is fully rendered.
async function timed(page, hash, selector) {
	const t0 = Date.now();
	await page.evaluate((h) => { location.hash = h; }, hash);
	await page.locator(selector).first().waitFor({ timeout: 30000 });
	const first = Date.now() - t0;
	await rendered(page, { timeout: 60000 });
	return { first, full: Date.now() - t0 };
}

// Timings are reported as diagnostics, never asserted: speed is measured by
// benchmarks on a quiet machine, not by tests on a shared one.
test('10 000 events: the timeline charts them all, and every page renders', async (t) => {
	const page = await newPage();
	const timelines = [];
	page.on('request', (r) => {
		if (new URL(r.url()).pathname.endsWith('/stats/timeline'))
			timelines.push(r.url());
	});
	await page.goto(`${base}#/ingest`);
	await page.locator('main h1').waitFor();
	const events = await timed(page, '#/events', 'section[aria-labelledby="h-list"] .hit');
	assert.equal(timelines.length, 1, `one timeline request: ${timelines}`);
	const summary = await page.locator('#events-summary').textContent();
	t.diagnostic(`events page: first events ${events.first} ms, timeline of all ${events.full} ms (${summary})`);
	const shown = Number(summary.match(/^([\d,]+) events/)[1].replace(/,/g, ''));
	assert.ok(shown >= N * 0.9, `the timeline charts ~${N} events: ${summary}`);
	assert.ok(await page.locator('.chart a.bar-link').count() >= 5, 'bars over 2020-2024');
	await shot(page, 'scale-events');

	const year = await timed(page, '#/events?from=2022&to=2022', 'section[aria-labelledby="h-list"] .hit');
	t.diagnostic(`events of 2022: first ${year.first} ms, all ${year.full} ms`);
	assert.ok(await page.locator('.chart a.bar-link').count() === 12, 'one bar a month');

	for (const [hash, sel] of [['#/search', '.results .hit'], ['#/search?q=minister', '.results .hit'], ['#/entities', '.results .hit']]) {
		const r = await timed(page, hash, sel);
		t.diagnostic(`${hash}: first ${r.first} ms, all ${r.full} ms`);
		assert.ok(await page.locator(sel).count() > 0, `${hash} shows results`);
	}
	const first = page.locator('.results .hit-title').first();
	const href = await first.getAttribute('href');
	const entity = await timed(page, href.slice(1), '.chart-box svg');
	t.diagnostic(`entity page: ${entity.full} ms`);
	assertClean(page);
	await page.close();
});
