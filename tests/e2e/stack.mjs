// The end-to-end tests' stack: the integration harness (a throwaway PostgreSQL
// + the real newsd) serving the dashboard from web/, with the article fixtures
// (several languages), the integration tests' inline articles and our own
// (tests/e2e/fixtures.mjs) ingested, and
// a headless Debian Chromium driven by playwright-core.
//
//   startE2E()  -> {base, articles}  stack up, corpus ingested (a job), browser launched
//   stopE2E()   close the browser, stop the stack
//   newPage(t)  a page that records console errors and failed requests;
//               assertClean(page) fails on any
//   shot(page, name)  tests/output/screenshots/NAME.png (full page)
//
// Run alone (`node tests/e2e/stack.mjs`) it starts the same stack and keeps it
// up for developing the dashboard, printing its URL.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import { INLINE, loadFixtures } from '../integration/corpus.mjs';
import { E2E_ARTICLES } from './fixtures.mjs';
import { REPO, api, currentStack, startStack, stopStack, waitJob } from '../integration/harness.mjs';

export const WEB_DIR = path.join(REPO, 'web');
export const SHOTS = path.join(REPO, 'tests', 'output', 'screenshots');
export const CHROMIUM = process.env.NEWSD_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
	'--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

// Every fixture (text as text, html as html) and every inline article, in one batch.
export function corpusItems() {
	const items = [];
	for (const fx of loadFixtures())
		items.push(fx.kind === 'html' ? { html: fx.text } : { text: fx.text });
	for (const input of Object.values(INLINE))
		items.push(input);
	for (const input of Object.values(E2E_ARTICLES))
		items.push(input);
	return items;
}

let browser = null;
let userDir = null;
export let base = null;

// A near duplicate of INLINE.enQuake (one word changed, another site),
// stored after the corpus so that it is the copy.
export const QUAKE_COPY = {
	...INLINE.enQuake,
	url: 'https://copies.example.net/chile-quake',
	source: 'Copy Daily',
	text: INLINE.enQuake.text.replace('shaking buildings', 'rattling buildings'),
};

export async function ingestCorpus() {
	const items = corpusItems();
	const r = await api('POST', '/jobs', { body: items });
	assert.equal(r.status, 202, r.text);
	const job = await waitJob(r.json.id);
	assert.equal(job.counts.failed, 0, `corpus items failed: ${JSON.stringify(job.errors)}`);
	const copy = await api('POST', '/articles', { body: QUAKE_COPY });
	assert.equal(copy.status, 201, copy.text);
	assert.ok(copy.json.duplicate_of, 'the copy is stored as a near duplicate');
	return job;
}

export async function startE2E({ browser: withBrowser = true, env = {} } = {}) {
	const { port } = await startStack({ NEWSD_WEB_DIR: WEB_DIR, ...env });
	base = `http://127.0.0.1:${port}/`;
	const job = await ingestCorpus();
	if (withBrowser) {
		const { chromium } = await import('playwright-core');
		userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsd-e2e-chromium-'));
		// launchPersistentContext is the only way to hand Chromium our own
		// user-data-dir; the context is the browser for our purposes.
		browser = await chromium.launchPersistentContext(userDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: { width: 1280, height: 900 },
		});
	}
	return { base, job };
}

export async function stopE2E() {
	try {
		if (browser)
			await browser.close();
	} finally {
		browser = null;
		if (userDir)
			fs.rmSync(userDir, { recursive: true, force: true });
		userDir = null;
		await stopStack();
	}
}

// A page that records console errors, page errors and failed requests (any
// request to another origin counts as a failure: the dashboard is offline).
export async function newPage({ viewport, allowPrefixes = null } = {}) {
	const page = await browser.newPage();
	if (viewport)
		await page.setViewportSize(viewport);
	const problems = [];
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			problems.push(`console.${m.type()}: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
	page.on('request', (r) => {
		const ok = allowPrefixes || [base];
		if (!ok.some((p) => r.url().startsWith(p)) && !r.url().startsWith('data:'))
			problems.push(`request outside newsd: ${r.url()}`);
	});
	page.on('response', (r) => {
		if (r.status() >= 400)
			problems.push(`HTTP ${r.status()} for ${r.url()}`);
	});
	// Requests not answered yet, for a diagnosis when a page hangs.
	const inflight = new Map();
	page.on('request', (r) => inflight.set(r, Date.now()));
	page.on('requestfinished', (r) => inflight.delete(r));
	page.on('requestfailed', (r) => inflight.delete(r));
	page.inflight = () => [...inflight].map(([r, t]) => `${r.method()} ${r.url()} (${Date.now() - t} ms)`);
	page.problems = problems;
	return page;
}

// Wait until the route in the URL is fully rendered (the dashboard sets
// main[data-rendered] to the hash it finished and drops aria-busy).
export async function rendered(page, { timeout = 30000 } = {}) {
	try {
		await page.waitForFunction(() => {
			const m = document.querySelector('main');
			return m && m.dataset.rendered === location.hash && !m.hasAttribute('aria-busy');
		}, null, { timeout });
	} catch (e) {
		const state = await page.evaluate(() => ({
			hash: location.hash, rendered: document.querySelector('main')?.dataset.rendered ?? null,
			busy: document.querySelector('main')?.getAttribute('aria-busy') ?? null,
		})).catch(() => null);
		e.message += `\npage: ${JSON.stringify(state)}\nrequests in flight: ${page.inflight().join(', ') || 'none'}` +
			`\nproblems: ${page.problems.join(' | ') || 'none'}`;
		throw e;
	}
}

export function assertClean(page, allow = []) {
	const left = page.problems.filter((p) => !allow.some((re) => re.test(p)));
	assert.deepEqual(left, [], `the page logged problems:\n${left.join('\n')}`);
}

export async function shot(page, name) {
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const { base: url, job } = await startE2E({ browser: false });
	console.log(`newsd with the dashboard at ${url} (${job.counts.done} articles); Ctrl-C stops it`);
	const stop = async () => {
		await stopE2E();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	setInterval(() => {}, 1 << 30);
	void currentStack;
}
