// The dashboard (web/) in Debian's Chromium, driven by playwright-core,
// against a real newsd + PostgreSQL with the article fixtures ingested.
// Assertions are on what the pages show; every page must load without a
// console error, a failed request or a request leaving newsd. Screenshots of
// each page go to tests/output/screenshots/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before } from 'node:test';

import { INLINE } from '../integration/corpus.mjs';
import { api, currentStack, freePort, listAll, test, waitJob } from '../integration/harness.mjs';
import { E2E_ARTICLES } from './fixtures.mjs';
import { QUAKE_COPY, WEB_DIR, assertClean, newPage, rendered, shot, startE2E, stopE2E } from './stack.mjs';

let base;
let corpusJob;
let proxy;
let proxyBase;

// A second origin for the path-prefix and cross-origin checks:
//   /newsd/...  proxied to newsd (the dashboard behind a path prefix)
//   /other/...  the dashboard's files with <meta name="newsd-api"> pointing at
//               newsd, so every API call is cross-origin (CORS)
function startProxy(port) {
	const server = http.createServer((req, res) => {
		const target = currentStack().port;
		if (req.url.startsWith('/newsd/')) {
			const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url.slice('/newsd'.length), headers: req.headers }, (r) => {
				res.writeHead(r.statusCode, r.headers);
				r.pipe(res);
			});
			up.on('error', () => res.destroy());
			req.pipe(up);
			return;
		}
		if (req.url.startsWith('/other/')) {
			let rel = req.url.slice('/other/'.length).split('?')[0] || 'index.html';
			rel = path.normalize(rel).replace(/^(\.\.[/\\])+/, '');
			const file = path.join(WEB_DIR, rel);
			if (!file.startsWith(WEB_DIR) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
				res.writeHead(404).end();
				return;
			}
			let body = fs.readFileSync(file);
			if (rel === 'index.html')
				body = body.toString().replace('<meta name="newsd-api" content="">', `<meta name="newsd-api" content="${base}">`);
			const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' }[path.extname(file)] || 'application/octet-stream';
			res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8` }).end(body);
			return;
		}
		res.writeHead(404).end();
	});
	return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

before(async () => {
	const port = await freePort();
	proxyBase = `http://127.0.0.1:${port}`;
	({ base, job: corpusJob } = await startE2E({ env: { NEWSD_CORS_ORIGIN: proxyBase } }));
	proxy = await startProxy(port);
});

after(async () => {
	proxy?.close();
	await stopE2E();
});

// Poll a locator's text until it matches (playwright-core has no expect()).
async function waitText(locator, re, { timeout = 10000 } = {}) {
	const deadline = Date.now() + timeout;
	let last = '';
	for (;;) {
		try {
			last = (await locator.first().textContent({ timeout: 1000 })) ?? '';
			if (re.test(last))
				return last;
		} catch { /* not there yet */ }
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for ${re} in ${locator}; last text: ${JSON.stringify(last.slice(0, 300))}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

async function texts(locator) {
	return (await locator.allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
}

// The page's main heading once the route has rendered.
async function heading(page) {
	await rendered(page);
	return (await page.locator('main h1').first().textContent()).replace(/\s+/g, ' ').trim();
}

async function settle(page) {
	await rendered(page);
	await page.waitForLoadState('networkidle');
	await page.waitForFunction(() => !document.querySelector('main[aria-busy="true"]') && !document.querySelector('.loading'));
}

const MACRON1 = INLINE.frMacron1.title;
const MACRON2 = INLINE.frMacron2.title;
const PEKING = INLINE.deScholz.title;

test('the status strip shows the database, the job queue and the articles stored', async () => {
	const page = await newPage();
	await page.goto(`${base}#/search`);
	assert.match(await waitText(page.locator('#stat-db'), /Database ok/), /Database ok/);
	await waitText(page.locator('#stat-jobs'), /0 queued, 0 running/);
	await waitText(page.locator('#stat-articles'), new RegExp(`^${(await listAll('/articles')).length} articles stored$`));
	const region = page.getByRole('region', { name: 'Service status' });
	assert.equal(await region.count(), 1);
	await settle(page);
	await shot(page, 'search');
	assertClean(page);
	await page.close();
});

test('search → article → event → entity', async () => {
	const page = await newPage();
	await page.goto(`${base}#/search`);
	await settle(page);
	const q = page.getByLabel('Search articles');
	await q.fill('Scholz');
	await q.press('Enter');
	await page.waitForURL(/#\/search\?q=Scholz$/);
	await waitText(page.locator('#results-h'), /Results for “Scholz”/);
	await settle(page);
	const titles = await texts(page.locator('.results .hit-title'));
	assert.deepEqual([...titles].sort(), [MACRON1, MACRON2, PEKING].sort(), 'the three articles naming Scholz, in fr and de');
	// The result shows source, date, language and event.
	const hit = page.locator('.hit').filter({ has: page.getByRole('link', { name: MACRON1, exact: true }) });
	const meta = (await hit.textContent()).replace(/\s+/g, ' ');
	assert.match(meta, /Exemple Matin · 14 Mar 2023 · French/);
	await waitText(hit.locator('.m-event'), /Event: .*\(2 articles\)/);
	await shot(page, 'search-results');

	// Article: text with highlights, metadata, its event.
	await hit.locator('.hit-title').click();
	await page.waitForURL(/#\/article\/\d+$/);
	assert.equal(await heading(page), MACRON1);
	await settle(page);
	const marks = await texts(page.locator('.body a.hl-entity'));
	assert.ok(marks.includes('Olaf Scholz') && marks.includes('Emmanuel Macron'), `entity names highlighted: ${marks}`);
	const scholzMark = page.locator('.body a.hl-entity', { hasText: 'Olaf Scholz' }).first();
	assert.match(await scholzMark.getAttribute('href'), /^#\/entity\/\d+$/);
	const dates = await texts(page.locator('.body mark.hl-date'));
	assert.ok(dates.includes('mardi'), `the date expression "mardi" is highlighted: ${dates}`);
	const about = (await page.locator('.facts').first().textContent()).replace(/\s+/g, ' ');
	assert.match(about, /SourceExemple Matin/);
	assert.match(about, /Agencynone credited/);
	assert.match(about, /Published14 Mar 2023 — given at ingestion, to the day/);
	assert.match(about, /LanguageFrench \(fr\) — confidence 100%/);
	assert.match(about, new RegExp(`URL${INLINE.frMacron1.url.replace(/[.?]/g, '\\$&')}`));
	assert.equal(await page.locator('#duplicates').textContent(), 'None stored.');
	await waitText(page.locator('#article-event'), /reçoit Olaf Scholz.* — 2 articles/);
	await shot(page, 'article');

	// Event: its two French articles, participants, the timeline of reports.
	await page.locator('#article-event a').click();
	await page.waitForURL(/#\/event\/\d+$/);
	assert.equal(await heading(page), MACRON1);
	await settle(page);
	assert.deepEqual((await texts(page.locator('.results .hit-title'))).sort(), [MACRON1, MACRON2].sort());
	assert.equal(await page.locator('#event-langs').textContent(), 'French 2');
	assert.match(await page.locator('#event-sources').textContent(), /Exemple Matin 1/);
	const story = await texts(page.locator('.timeline li .tl-what a'));
	assert.deepEqual(story, [MACRON1, MACRON2], 'reports in publication order');
	const kindRow = (await page.locator('.facts').first().textContent()).replace(/\s+/g, ' ');
	assert.match(kindRow, /Kind[a-z]+ — “[^”]+”, article #\d+/, 'the kind with its evidence');
	assert.match(kindRow, /Date14 Mar 2023 — “mardi”, article #\d+/, 'the date with its evidence');
	assert.match(kindRow, /Location\S.*Reported/);
	await shot(page, 'event');

	// Entity: names, mentions over time, co-occurring entities, its events.
	await page.locator('.col-side a.chip', { hasText: 'Olaf Scholz' }).click();
	await page.waitForURL(/#\/entity\/\d+$/);
	assert.match(await heading(page), /^Olaf Scholz Person$/);
	await settle(page);
	assert.ok((await texts(page.locator('.aliases li'))).includes('Olaf Scholz'));
	const bars = await page.locator('.chart [aria-label$="article"], .chart [aria-label$="articles"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
	assert.deepEqual(bars, ['Nov 2022: 1 article', 'Mar 2023: 2 articles'], 'the articles naming Scholz per month');
	const cooc = await texts(page.locator('.cooc a.chip'));
	assert.ok(cooc.includes('Emmanuel Macron'), `co-occurring: ${cooc}`);
	const events = await texts(page.locator('section[aria-labelledby="h-ev"] .hit-title'));
	assert.deepEqual(events.sort(), [MACRON1, PEKING].sort());
	await shot(page, 'entity');
	assertClean(page);
	await page.close();
});

test('the URL holds the search: filters load from it and apply (language, source, duplicates)', async () => {
	const page = await newPage();
	await page.goto(`${base}#/search?q=Scholz&lang=de`);
	await settle(page);
	assert.equal(await page.getByLabel('Search articles').inputValue(), 'Scholz');
	assert.equal(await page.getByLabel('Language', { exact: true }).inputValue(), 'de');
	assert.equal(await page.locator('details.filters').getAttribute('open'), '');
	assert.deepEqual(await texts(page.locator('.results .hit-title')), [PEKING]);

	await page.goto(`${base}#/search?source=exemple%20matin`);
	await settle(page);
	assert.deepEqual(await texts(page.locator('.results .hit-title')), [MACRON1], 'source is matched in the browser, case-insensitively');

	// Near duplicates: flagged in the list, hidden on request.
	await page.goto(`${base}#/search?q=earthquake`);
	await settle(page);
	assert.deepEqual(await texts(page.locator('.results .hit-title')), [QUAKE_COPY.title, QUAKE_COPY.title]);
	const dupBadge = page.locator('.results .badge.dup');
	assert.equal(await dupBadge.count(), 1);
	assert.match(await dupBadge.textContent(), /^duplicate of #\d+$/);
	await page.locator('details.filters summary').click();
	await page.getByLabel('Hide near duplicates').check();
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.waitForURL(/#\/search\?q=earthquake&duplicates=false$/);
	await settle(page);
	assert.equal(await page.locator('.results .hit').count(), 1);
	assert.equal(await page.locator('.results .badge.dup').count(), 0);

	// Paging: 20 at a time, "More" brings the rest and keeps keyboard focus in the list.
	await page.goto(`${base}#/search`);
	await settle(page);
	assert.equal(await page.locator('.results .hit').count(), 20);
	await page.getByRole('button', { name: 'More' }).click();
	await waitText(page.locator('.paged [role=status]'), /articles shown/);
	await settle(page);
	const all = await listAll('/articles');
	assert.equal(await page.locator('.results .hit').count(), Math.min(40, all.length));
	assertClean(page);
	await page.close();
});

test('article: near duplicates link both ways', async () => {
	const page = await newPage();
	const [copy, original] = (await api('GET', '/articles?q=earthquake')).json.data;
	assert.equal(copy.duplicate_of, original.id);
	await page.goto(`${base}#/article/${original.id}`);
	await settle(page);
	assert.equal(await page.locator('#h-dups').textContent(), 'Near duplicates (1)');
	const link = page.locator('#duplicates a');
	assert.equal(await link.textContent(), QUAKE_COPY.title);
	assert.match(await page.locator('#duplicates li').first().textContent(), /Copy Daily · English$/);
	await link.click();
	await page.waitForURL(new RegExp(`#/article/${copy.id}$`));
	await settle(page);
	assert.match((await page.locator('#dup-of').textContent()).replace(/\s+/g, ' '), new RegExp(`near duplicate of article #${original.id}, “${QUAKE_COPY.title}” \\(Example Wire\\)`));
	await shot(page, 'article-duplicate');
	assertClean(page);
	await page.close();
});

test('events: timeline chart over a period, a bar narrows it, the list, an entity filter by keyboard', async () => {
	const page = await newPage();
	await page.goto(`${base}#/events`);
	await settle(page);
	const allEvents = await listAll('/events');
	// The summary counts the charted events: those with a date of their own.
	await waitText(page.locator('#events-summary'), new RegExp(`^${allEvents.filter((e) => e.date).length} events`));
	assert.equal(await page.locator('section[aria-labelledby="h-list"] .hit').count(), Math.min(50, allEvents.length));
	assert.ok(await page.locator('.chart a.bar-link').count() > 0, 'bars are links');
	await shot(page, 'events');

	await page.getByLabel('From', { exact: true }).fill('2023-03');
	await page.getByLabel('To', { exact: true }).fill('2023-03');
	await page.getByRole('button', { name: 'Show' }).click();
	await page.waitForURL(/#\/events\?from=2023-03&to=2023-03/);
	await settle(page);
	const inMarch = await texts(page.locator('section[aria-labelledby="h-list"] .hit-title'));
	const march = await listAll('/events?from=2023-03&to=2023-03');
	assert.deepEqual(inMarch.sort(), march.map((e) => e.title).sort(), 'the events of March 2023, as the API lists them');
	assert.ok(inMarch.includes(MACRON1) && inMarch.includes(INLINE.enQuake.title) && !inMarch.includes(PEKING));
	const bar = page.locator('.chart a.bar-link[aria-label="14 Mar 2023: 2 events"]');
	assert.equal(await bar.count(), 1, 'one bar per day in a month-long period');
	await bar.click();
	await page.waitForURL(/#\/events\?from=2023-03-14&to=2023-03-14$/);
	await settle(page);
	await waitText(page.locator('#events-summary'), /^2 events/);

	// The entity filter: type, arrow down, Enter (the combobox), then submit.
	await page.goto(`${base}#/events`);
	await settle(page);
	const combo = page.getByRole('combobox', { name: 'Involving' });
	await combo.fill('olaf');
	await page.locator('[role=listbox] [role=option]').first().waitFor();
	assert.equal(await combo.getAttribute('aria-expanded'), 'true');
	await combo.press('ArrowDown');
	assert.match(await combo.getAttribute('aria-activedescendant'), /-opt-0$/);
	await combo.press('Enter');
	assert.equal(await combo.inputValue(), 'Olaf Scholz');
	await page.getByRole('button', { name: 'Show' }).click();
	await page.waitForURL(/#\/events\?entity=\d+$/);
	await settle(page);
	assert.deepEqual((await texts(page.locator('section[aria-labelledby="h-list"] .hit-title'))).sort(), [MACRON1, PEKING].sort());
	await waitText(page.locator('#events-summary'), /^2 events involving Olaf Scholz/);
	await shot(page, 'events-entity');
	assertClean(page);
	await page.close();
});

// Our own articles (tests/e2e/fixtures.mjs), as stored: {key: article with body and entities}.
async function ownArticles() {
	const all = await listAll('/articles');
	const out = {};
	for (const [key, input] of Object.entries(E2E_ARTICLES)) {
		const hit = all.find((a) => a.url === input.url);
		assert.ok(hit, `${key} stored`);
		out[key] = (await api('GET', `/articles/${hit.id}`)).json;
	}
	return out;
}

const KIND_WORD = { person: 'person', location: 'place', organization: 'organisation', other: 'other' };

test('article: every entity mention highlighted at its offsets (fr, en, de; after characters outside the BMP), labelled and linked', async () => {
	const arts = await ownArticles();
	let afterAstral = 0;
	let formsNotName = 0;
	for (const [key, a] of Object.entries(arts)) {
		const page = await newPage();
		await page.goto(`${base}#/article/${a.id}`);
		assert.equal(await heading(page), E2E_ARTICLES[key].title.replace(/\s+/g, ' '));
		await settle(page);
		const marks = await page.locator('.body a.hl-entity').evaluateAll((els) => els.map((el) => ({
			text: el.textContent, href: el.getAttribute('href'), label: el.getAttribute('aria-label'), start: Number(el.dataset.start),
		})));
		const cps = Array.from(a.body);
		const expected = [];
		for (const e of a.entities)
			for (const m of e.mentions) {
				assert.equal(cps.slice(m.start, m.end).join(''), m.text, `${key}: the API's own offsets`);
				expected.push({ e, m });
				if (cps.slice(0, m.start).some((c) => c.codePointAt(0) > 0xffff))
					afterAstral++;
				if (m.text !== e.name)
					formsNotName++;
			}
		assert.ok(expected.length >= 5, `${key}: the API gives mentions (${expected.length})`);
		assert.equal(marks.length, expected.length, `${key}: one highlight per mention, nothing else: ${marks.map((x) => x.text)}`);
		for (const { e, m } of expected) {
			const mark = marks.find((x) => x.start === m.start);
			assert.ok(mark, `${key}: mention ${JSON.stringify(m)} of ${e.name} highlighted`);
			assert.equal(mark.text, m.text, `${key}: the highlighted text at ${m.start} is the mention's text`);
			assert.equal(mark.href, `#/entity/${e.id}`, `${key}: ${m.text} links to ${e.name}`);
			const kind = KIND_WORD[e.kind];
			assert.equal(mark.label, m.text === e.name ? `${m.text} (${kind})` : `${m.text} (${kind}: ${e.name})`, `${key}: accessible name of ${m.text}`);
		}
		// The page's text is the body: highlights replace nothing.
		const shown = await page.locator('.body').evaluate((el) => [...el.querySelectorAll('p')].map((p) => p.textContent).join('\n\n'));
		assert.equal(shown.replace(/\s+/g, ' ').trim(), a.body.replace(/\s+/g, ' ').trim());
		// Dates keep their highlight.
		const dates = await texts(page.locator('.body mark.hl-date'));
		assert.deepEqual(dates, a.dates.map((d) => d.text), `${key}: dates highlighted`);
		// Metadata.
		const about = (await page.locator('.facts').first().textContent()).replace(/\s+/g, ' ');
		assert.match(about, new RegExp(`Source${E2E_ARTICLES[key].source}`));
		assert.match(about, /Published11 Jun 2024 — given at ingestion, to the day/);
		assert.match(about, new RegExp(`Language${{ fr: 'French', en: 'English', de: 'German' }[a.lang]} \\(${a.lang}\\) — confidence \\d+%`));
		assert.match(key, new RegExp(`^${a.lang}`), 'the language identified');
		assert.ok(a.event_id, `${key} has an event`);
		const ev = (await api('GET', `/events/${a.event_id}`)).json;
		await waitText(page.locator('#article-event'), new RegExp(`^${ev.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} — ${ev.article_count} articles`));
		assert.equal(await page.locator('#article-event a').getAttribute('href'), `#/event/${a.event_id}`);
		await shot(page, `article-${key}`);
		assertClean(page);
		await page.close();
	}
	assert.ok(afterAstral >= 6, `mentions after a character outside the BMP are checked (${afterAstral})`);
	assert.ok(formsNotName >= 2, `mentions written otherwise than the entity's name are checked (${formsNotName})`);

	// German: "Selenskyj" is Volodymyr Zelenskyy; by keyboard to his page.
	const de = arts.deKyivConf;
	const page = await newPage();
	await page.goto(`${base}#/article/${de.id}`);
	await settle(page);
	const sel = page.locator('.body a.hl-entity', { hasText: /^Selenskyj$/ });
	assert.equal(await sel.count(), 1);
	assert.equal(await sel.getAttribute('aria-label'), 'Selenskyj (person: Volodymyr Zelenskyy)');
	assert.equal(await page.getByRole('link', { name: 'Wolodymyr Selenskyj (person: Volodymyr Zelenskyy)' }).count(), 1);
	await sel.focus();
	assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Selenskyj');
	await page.keyboard.press('Enter');
	const zel = de.entities.find((e) => e.name === 'Volodymyr Zelenskyy');
	assert.ok(zel, 'the German article links to Volodymyr Zelenskyy');
	await page.waitForURL(new RegExp(`#/entity/${zel.id}$`));
	assert.equal(await heading(page), 'Volodymyr Zelenskyy Person');
	await settle(page);
	assertClean(page);
	await page.close();
});

test('entity: names per language, aliases by language, facts, co-occurring entities, events and the chart from the ingested articles', async () => {
	const found = (await api('GET', '/entities?q=selenskyj')).json.data;
	assert.equal(found.length, 1);
	const e = (await api('GET', `/entities/${found[0].id}`)).json;
	assert.equal(e.name, 'Volodymyr Zelenskyy');
	const page = await newPage();
	await page.goto(`${base}#/entity/${e.id}`);
	assert.equal(await heading(page), 'Volodymyr Zelenskyy Person');
	await settle(page);
	assert.equal(await page.locator('#entity-desc').textContent(), 'President of Ukraine');

	// Names per language: one row each, the name in its language.
	const rows = await page.locator('#entity-names tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.lang, tr.querySelector('td').textContent, tr.querySelector('td').lang]));
	assert.deepEqual(rows.map(([l, n]) => [l, n]).sort(), Object.entries(e.names).sort());
	assert.ok(rows.every(([l, , tag]) => l === tag), 'each name carries its lang attribute');
	const row = (lang) => page.locator(`#entity-names tr[data-lang="${lang}"]`).evaluate((tr) => [...tr.cells].map((c) => c.textContent.replace(/\s+/g, ' ').trim()));
	assert.deepEqual(await row('de'), ['German de', 'Wolodymyr Selenskyj']);
	assert.deepEqual(await row('fr'), ['French fr', 'Volodymyr Zelensky']);
	assert.deepEqual(await row('en'), ['English en', 'Volodymyr Zelenskyy']);

	// Aliases grouped by language, as the API gives them.
	const groups = await page.locator('#entity-aliases dd').evaluateAll((dds) => dds.map((dd) => [dd.dataset.lang, [...dd.querySelectorAll('li')].map((li) => li.textContent).sort()]));
	const want = new Map();
	for (const a of e.aliases)
		want.set(a.lang || '', [...new Set([...(want.get(a.lang || '') || []), a.name])].sort());
	assert.deepEqual(new Map(groups), want);
	assert.ok(want.get('de').includes('Selenskyj'));

	// Facts.
	const about = (await page.locator('#entity-facts').textContent()).replace(/\s+/g, ' ');
	assert.match(about, /WikidataQ3874799 on Wikidata/);
	assert.match(about, /CountryUkraine \(UA\)/);
	assert.match(about, new RegExp(`Articles${e.article_count}Mentions${e.mention_count}First seen`));
	assert.equal(e.article_count, 3, 'the three articles of tests/e2e/fixtures.mjs');

	// Co-occurring entities: the API's, in its order, each a link to its page.
	const cooc = await page.locator('#entity-cooc li').evaluateAll((lis) => lis.map((li) => [li.querySelector('a').textContent, li.querySelector('a').getAttribute('href'), li.lastChild.textContent]));
	assert.deepEqual(cooc, e.co_occurring.map((c) => [c.name, `#/entity/${c.id}`, `${c.shared_articles} article${c.shared_articles === 1 ? '' : 's'}`]));
	const merz = cooc.find(([n]) => n === 'Friedrich Merz');
	assert.ok(merz, `Friedrich Merz co-occurs: ${cooc.map(([n]) => n)}`);
	assert.equal(merz[2], '3 articles');
	assert.ok(cooc.some(([n]) => n === 'Ursula von der Leyen'), 'Ursula von der Leyen co-occurs');

	// Its events, as the API lists them.
	const events = (await api('GET', `/entities/${e.id}/events`)).json.data;
	assert.ok(events.length >= 1);
	assert.deepEqual(await texts(page.locator('#entity-events .hit-title')), events.map((x) => x.title));

	// Articles over time: a week of days around 11 June 2024, its 3 articles that day.
	const bars = await page.locator('.chart a.bar-link').evaluateAll((els) => els.map((el) => [el.getAttribute('aria-label'), el.getAttribute('href')]));
	assert.deepEqual(bars, [['11 Jun 2024: 3 articles', `#/search?entity=${e.id}&from=2024-06-11&to=2024-06-11`]]);
	assert.equal(await page.locator('#entity-chart-note').textContent(), '3 dated articles.');
	await shot(page, 'entity-zelenskyy');

	// A co-occurring entity opens its page.
	await page.locator('#entity-cooc a', { hasText: 'Friedrich Merz' }).click();
	await page.waitForURL(new RegExp(`${merz[1]}$`));
	assert.equal(await heading(page), 'Friedrich Merz Person');
	await settle(page);
	assert.ok((await texts(page.locator('#entity-cooc a'))).includes('Volodymyr Zelenskyy'));
	assertClean(page);
	await page.close();

	// Phone width: nothing wider than the screen.
	for (const [name, hash] of [['entity-zelenskyy', `#/entity/${e.id}`], ['article-de', `#/article/${(await ownArticles()).deKyivConf.id}`]]) {
		const phone = await newPage({ viewport: { width: 390, height: 844 } });
		await phone.goto(`${base}${hash}`);
		await settle(phone);
		const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 0, `${name}: ${overflow}px wider than a phone screen`);
		await shot(phone, `phone-${name}`);
		assertClean(phone);
		await phone.close();
	}
});

test('entities: language and order filters, held in the URL', async () => {
	const page = await newPage();
	await page.goto(`${base}#/entities?q=selenskyj&lang=de`);
	await settle(page);
	assert.equal(await page.getByLabel('Named in', { exact: true }).inputValue(), 'de');
	assert.equal(await page.getByLabel('Name starts with').inputValue(), 'selenskyj');
	assert.deepEqual(await texts(page.locator('.results .hit-title')), ['Wolodymyr Selenskyj'], 'the German name');
	assert.equal(await page.locator('.results .hit-title').getAttribute('lang'), 'de');
	await page.getByLabel('Name starts with').fill('');
	await page.getByLabel('Kind').selectOption('person');
	await page.getByLabel('Order', { exact: true }).selectOption('name');
	await page.getByRole('button', { name: 'Find' }).click();
	await page.waitForURL(/#\/entities\?kind=person&lang=de&sort=name$/);
	await settle(page);
	const want = (await api('GET', '/entities?kind=person&lang=de&sort=name&limit=30')).json.data.map((x) => x.name);
	assert.ok(want.length > 5);
	assert.deepEqual(await texts(page.locator('.results .hit-title')), want);
	assert.match(await page.locator('#h-ents').textContent(), /^Persons named in German$/);
	await page.goto(`${base}#/entities?sort=recent`);
	await settle(page);
	assert.equal(await page.getByLabel('Order', { exact: true }).inputValue(), 'recent');
	const recent = (await api('GET', '/entities?sort=recent&limit=30')).json.data.map((x) => x.name);
	assert.deepEqual(await texts(page.locator('.results .hit-title')), recent);
	assertClean(page);
	await page.close();
});

test('entities: prefix search, kind filter', async () => {
	const page = await newPage();
	await page.goto(`${base}#/entities`);
	await settle(page);
	assert.ok(await page.locator('.results .hit').count() > 10);
	await page.getByLabel('Name starts with').fill('elysee');
	await page.getByLabel('Kind').selectOption('organization');
	await page.getByRole('button', { name: 'Find' }).click();
	await page.waitForURL(/#\/entities\?q=elysee&kind=organization$/);
	await settle(page);
	assert.deepEqual(await texts(page.locator('.results .hit-title')), ['Élysée Palace'], 'accent-insensitive prefix (the knowledge base\'s name)');
	await shot(page, 'entities');
	assertClean(page);
	await page.close();
});

test('ingest: an NDJSON batch file with one bad line is followed live to the end, its error shown', async () => {
	const page = await newPage();
	await page.goto(`${base}#/ingest`);
	await settle(page);
	await shot(page, 'ingest');
	const lines = [
		JSON.stringify({ text: 'Leuchtturm auf Helgoland wird restauriert\n\nDer alte Leuchtturm auf Helgoland wird ab Montag für zwei Millionen Euro restauriert. Die Gemeinde Helgoland rechnet mit einer Bauzeit von einem Jahr. Bürgermeisterin Anna Petersen sagte, der Turm sei ein Wahrzeichen der Insel und müsse erhalten bleiben. Touristen können den Turm während der Arbeiten nicht besteigen.', source: 'Inselbote', published_at: '2025-04-07' }),
		'{"text": "a line that is not JSON',
		JSON.stringify({ text: 'Un phare breton retrouve sa lumière\n\nLe phare de l\'île de Batz a été rallumé samedi après deux ans de travaux, a annoncé la mairie. Les bénévoles de l\'association Phare de Batz ont salué un chantier exemplaire, financé en partie par la région Bretagne. Le phare rouvrira au public dès le mois de juin.', source: 'Ouest Exemple', published_at: '2025-04-12' }),
	];
	await page.getByLabel('Batch file').setInputFiles({ name: 'batch.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(`${lines.join('\n')}\n`) });
	await page.getByRole('button', { name: 'Start job' }).click();
	await page.waitForURL(/#\/job\/\d+\?format=ndjson$/);
	const jobId = Number(page.url().match(/#\/job\/(\d+)/)[1]);
	assert.match(await heading(page), new RegExp(`^Job #${jobId}$`));
	await page.locator('#job-status[data-status="done"]').waitFor({ timeout: 30000 });
	assert.equal(await page.locator('#job-progress-text').textContent(), 'Finished: 2 stored, 1 failed (of 3).');
	assert.equal(await page.locator('#job-status').textContent(), 'Finished: 2 stored, 1 failed (of 3).', 'announced');
	assert.equal(await page.locator('#job-progress').evaluate((el) => `${el.value}/${el.max}`), '3/3');
	const rows = await page.locator('#job-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
	assert.equal(rows.length, 1);
	assert.equal(rows[0][0], '2', 'the bad line, numbered from 1');
	assert.ok(rows[0][1].length > 0, 'the server\'s error');
	assert.match(rows[0][2], /a line that is not JSON/, 'the input line shown');
	const stored = (await texts(page.locator('#job-articles li'))).map((t) => t.replace(/\d+$/, 'N'));
	assert.deepEqual(stored, ['Line 1 → article #N', 'Line 3 → article #N'], 'two stored, by line');
	// The server agrees with the page.
	const job = await waitJob(jobId);
	assert.deepEqual(job.errors.map((e) => e.index), [1]);
	assert.equal(rows[0][1], job.errors[0].error);
	// The strip counts the new articles once the job is done.
	await waitText(page.locator('#stat-articles'), new RegExp(`^${(await listAll('/articles')).length} articles stored$`));
	await shot(page, 'job');
	// A stored article opens.
	await page.locator('#job-articles a').first().click();
	await page.waitForURL(/#\/article\/\d+$/);
	assert.equal(await heading(page), 'Leuchtturm auf Helgoland wird restauriert');
	assertClean(page);
	await page.close();
});

test('ingest: one pasted article is stored; pasting it again finds it', async () => {
	const page = await newPage();
	await page.goto(`${base}#/ingest`);
	await settle(page);
	const text = 'Rotterdam opent drijvend park\n\nIn de haven van Rotterdam is zaterdag een drijvend park geopend. Het park bestaat uit twintig platforms met bomen en planten, gemaakt van gerecycled plastic uit de Maas. Wethouder Pieter de Boer noemde het park een voorbeeld voor andere havensteden in Europa.';
	await page.getByLabel('Article text or HTML page').fill(text);
	await page.getByLabel('Source').fill('Havenkrant');
	await page.getByLabel('Published').fill('2025-05-03');
	await page.getByRole('button', { name: 'Ingest article' }).click();
	const ok = await waitText(page.locator('.ok-box'), /^Stored as article #\d+: Rotterdam opent drijvend park — nl/);
	await shot(page, 'ingest-one');
	await page.getByRole('button', { name: 'Ingest article' }).click();
	await waitText(page.locator('.ok-box'), new RegExp(`^Already stored \\(same URL or same text\\) as article #${ok.match(/#(\d+)/)[1]}`));
	assertClean(page);
	await page.close();
});

test('every page loads without console errors, fits a phone screen, and is keyboard reachable', async () => {
	const [article] = (await api('GET', '/articles?q=Scholz&lang=de')).json.data;
	const eventId = article.event_id;
	const entity = (await api('GET', '/entities?q=olaf')).json.data[0];
	const routes = {
		search: '#/search?q=Scholz', article: `#/article/${article.id}`, events: '#/events', event: `#/event/${eventId}`,
		entities: '#/entities', entity: `#/entity/${entity.id}`, ingest: '#/ingest', job: `#/job/${corpusJob.id}`,
	};
	for (const [name, hash] of Object.entries(routes)) {
		const page = await newPage({ viewport: { width: 390, height: 844 } });
		await page.goto(`${base}${hash}`);
		assert.ok((await heading(page)).length > 0, name);
		await settle(page);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 0, `${name}: ${overflow}px wider than a phone screen`);
		await shot(page, `phone-${name}`);
		assertClean(page);
		await page.close();
	}
	// Keyboard: the first Tab reaches the skip link, which moves focus to the
	// content without changing the route; nav links carry aria-current.
	const page = await newPage();
	await page.goto(`${base}#/events`);
	await settle(page);
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
	assert.match(page.url(), /#\/events$/);
	assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Events');
	// Every form control has a label.
	for (const hash of ['#/search', '#/events', '#/entities', '#/ingest']) {
		await page.goto(`${base}${hash}`);
		await settle(page);
		const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
			.filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
			.map((el) => el.name || el.id));
		assert.deepEqual(unlabelled, [], `${hash}: controls without a label`);
	}
	// A route that does not exist says so.
	await page.goto(`${base}#/nope`);
	assert.equal(await heading(page), 'No such page');
	assertClean(page);
	await page.close();
});

test('behind a path prefix, and from another origin (CORS), with relative API URLs', async () => {
	// Behind a prefix: every request stays under /newsd/.
	const page = await newPage({ allowPrefixes: [`${proxyBase}/newsd/`] });
	await page.goto(`${proxyBase}/newsd/#/search?q=Scholz`);
	await settle(page);
	assert.equal(await page.locator('.results .hit').count(), 3);
	await waitText(page.locator('#stat-db'), /Database ok/);
	assertClean(page);
	await page.close();
	// Another origin: the files from /other/, the API from newsd via <meta name="newsd-api">.
	const other = await newPage({ allowPrefixes: [`${proxyBase}/other/`, base] });
	await other.goto(`${proxyBase}/other/#/search?q=Scholz`);
	await settle(other);
	assert.equal(await other.locator('.results .hit').count(), 3);
	await waitText(other.locator('#stat-articles'), new RegExp(`^${(await listAll('/articles')).length} articles stored$`));
	assertClean(other);
	await other.close();
});
