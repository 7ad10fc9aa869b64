// The dashboard's filter forms (web/js/filters.js) against the ingested
// fixtures: the Events page charts its period from ONE /stats/timeline
// request and lists the same events; its kind, language and location
// filters change the list and the URL; the Search page's source and agency
// filters are the API's. Screenshots at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { listAll, test } from '../integration/harness.mjs';
import { assertClean, newPage, rendered, shot, startE2E, stopE2E } from './stack.mjs';

let base;

before(async () => {
	({ base } = await startE2E());
});
after(stopE2E);

async function settle(page) {
	await rendered(page);
	await page.waitForLoadState('networkidle');
	await page.waitForFunction(() => !document.querySelector('main[aria-busy="true"]') && !document.querySelector('.loading'));
}

async function texts(locator) {
	return (await locator.allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
}

// Records the /stats/timeline requests a page makes.
function timelineRequests(page) {
	const seen = [];
	page.on('request', (r) => {
		if (new URL(r.url()).pathname.endsWith('/stats/timeline'))
			seen.push(new URL(r.url()).searchParams);
	});
	return seen;
}

const eventTitles = (page) => texts(page.locator('section[aria-labelledby="h-list"] .hit-title'));
const sorted = (a) => [...a].sort();

// The events an API list gives, as the page lists them (titles).
async function apiTitles(query) {
	return (await listAll(`/events?${query}`)).map((e) => e.title || `Event #${e.id}`);
}

test('events: one timeline request per view, kind and language filters change the list and the URL', async () => {
	const page = await newPage();
	const tl = timelineRequests(page);
	await page.goto(`${base}#/events`);
	await settle(page);
	assert.equal(tl.length, 1, 'one /stats/timeline request');
	assert.equal(tl[0].get('what'), 'events');
	assert.equal(tl[0].get('interval'), 'month', 'an open period is charted by month');
	// The chart counts what the timeline answers: every dated event.
	const all = await listAll('/events');
	const dated = all.filter((e) => e.date);
	const summary = await page.locator('#events-summary').textContent();
	assert.match(summary, new RegExp(`^${dated.length} events`));
	const bars = await page.locator('.chart a.bar-link').evaluateAll((as) => as.map((a) => Number(a.getAttribute('aria-label').match(/: (\d+) events?$/)[1])));
	assert.equal(bars.reduce((a, b) => a + b, 0), dated.length, 'the bars add up to the dated events');
	assert.equal(await page.locator('section[aria-labelledby="h-list"] .hit').count(), Math.min(50, all.length));

	// Kind: the most common one among the events.
	const byKind = {};
	for (const e of all)
		byKind[e.kind] = (byKind[e.kind] || 0) + 1;
	const kind = Object.entries(byKind).filter(([k]) => k !== 'null' && k !== 'other').sort((a, b) => b[1] - a[1])[0][0];
	await page.getByLabel('Kind').selectOption(kind);
	await page.getByRole('button', { name: 'Show' }).click();
	await page.waitForURL(new RegExp(`#/events\\?kind=${kind}$`));
	await settle(page);
	assert.equal(tl.length, 2, 'one more timeline request for the new view');
	assert.equal(tl[1].get('kind'), kind);
	assert.deepEqual(sorted(await eventTitles(page)), sorted(await apiTitles(`kind=${kind}`)), `the ${kind} events`);
	assert.equal(await page.getByLabel('Kind').inputValue(), kind, 'the form shows the URL\'s kind');
	assert.match(await page.locator('#events-summary').textContent(), new RegExp(`of kind ${kind}`));

	// Language on top of it: typed upper case, lower case in the URL.
	await page.getByLabel('Language').fill('FR');
	await page.getByRole('button', { name: 'Show' }).click();
	await page.waitForURL(new RegExp(`#/events\\?kind=${kind}&lang=fr$`));
	await settle(page);
	assert.equal(tl.length, 3);
	assert.equal(tl[2].get('lang'), 'fr');
	const fr = await apiTitles(`kind=${kind}&lang=fr`);
	assert.ok(fr.length > 0 && fr.length < byKind[kind], `some, not all, ${kind} events are reported in French (${fr.length})`);
	assert.deepEqual(sorted(await eventTitles(page)), sorted(fr));
	await shot(page, 'events-kind-lang');

	// A period of a month is charted by day; a bar narrows to its day, filters kept.
	await page.goto(`${base}#/events?from=2023-03&to=2023-03`);
	await settle(page);
	assert.equal(tl.length, 4);
	assert.equal(tl[3].get('interval'), 'day');
	assert.equal(await page.locator('.chart a.bar-link').first().getAttribute('href'), '#/events?from=2023-03-14&to=2023-03-14');
	// Half a year is charted by ISO week; a bar covers its Monday to Sunday.
	await page.goto(`${base}#/events?from=2023-01&to=2023-05`);
	await settle(page);
	assert.equal(tl.at(-1).get('interval'), 'week');
	assert.match(await page.locator('.chart a.bar-link').first().getAttribute('href'), /from=(\d{4}-\d{2}-\d{2})&to=\d{4}-\d{2}-\d{2}$/);
	assert.equal(tl.length, 5, 'exactly one timeline request per view');
	assertClean(page);
	await page.close();
});

test('events: the location filter picks a place by keyboard; the list and the chart follow it', async () => {
	const located = (await listAll('/events')).filter((e) => e.location);
	assert.ok(located.length > 0, 'an event has a location');
	const place = located[0].location;
	const page = await newPage();
	const tl = timelineRequests(page);
	await page.goto(`${base}#/events`);
	await settle(page);
	const combo = page.getByRole('combobox', { name: 'Location' });
	await combo.fill(place.name);
	await page.locator(`#${await combo.getAttribute('aria-controls')} [role=option]`).first().waitFor();
	const options = await texts(page.locator(`#${await combo.getAttribute('aria-controls')} [role=option]`));
	assert.ok(options.every((o) => /Place/.test(o)), `only places are suggested: ${options}`);
	const i = options.findIndex((o) => o.startsWith(place.name));
	assert.ok(i >= 0, `${place.name} is suggested: ${options}`);
	for (let k = 0; k <= i; k++)
		await combo.press('ArrowDown');
	await combo.press('Enter');
	await page.getByRole('button', { name: 'Show' }).click();
	await page.waitForURL(new RegExp(`#/events\\?location=${place.id}$`));
	await settle(page);
	assert.equal(tl.at(-1).get('location'), String(place.id));
	assert.deepEqual(sorted(await eventTitles(page)), sorted(await apiTitles(`location=${place.id}`)));
	assert.match(await page.locator('#events-summary').textContent(), new RegExp(`located in ${place.name}`));
	assert.equal(await combo.inputValue(), place.name, 'the picker shows the URL\'s place');
	assertClean(page);
	await page.close();
});

test('search: the source and agency filters are the API\'s, in the URL', async () => {
	const page = await newPage();
	const requests = [];
	page.on('request', (r) => {
		if (new URL(r.url()).pathname.endsWith('/articles'))
			requests.push(new URL(r.url()).searchParams);
	});
	await page.goto(`${base}#/search`);
	await settle(page);
	await page.locator('details.filters summary').click();
	await page.getByLabel('Agency').fill('afp');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.waitForURL(/#\/search\?agency=afp$/);
	await settle(page);
	const afp = await listAll('/articles?agency=afp');
	assert.ok(afp.length >= 5, `AFP articles (${afp.length})`);
	assert.ok(requests.some((q) => q.get('agency') === 'afp' && q.get('limit') === '20'), 'asked the API for 20 AFP articles');
	assert.deepEqual(await texts(page.locator('.results .hit-title')), afp.slice(0, 20).map((a) => a.title || `Article #${a.id} (no title)`));
	assert.ok((await texts(page.locator('.results .m-agency'))).every((x) => x.toLowerCase() === 'afp'));
	assert.equal(await page.getByLabel('Agency').inputValue(), 'afp', 'the form shows the URL\'s agency');
	assert.equal(await page.locator('details.filters').getAttribute('open'), '', 'the filters stay open while one is set');
	await shot(page, 'search-agency');

	// A source, any case, with the agency cleared.
	const withSource = (await listAll('/articles')).find((a) => a.source && a.agency);
	await page.getByLabel('Agency').fill('');
	await page.getByLabel('Source').fill(withSource.source.toUpperCase());
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.waitForURL(/#\/search\?source=/);
	await settle(page);
	const bySource = await listAll(`/articles?source=${encodeURIComponent(withSource.source)}`);
	assert.deepEqual(await texts(page.locator('.results .hit-title')), bySource.map((a) => a.title || `Article #${a.id} (no title)`));
	assert.ok((await texts(page.locator('.results .m-source'))).every((x) => x === withSource.source));
	// Both: the agency narrows the source's articles.
	await page.getByLabel('Agency').fill(withSource.agency.toLowerCase());
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.waitForURL(/#\/search\?source=.*&agency=/);
	await settle(page);
	const both = bySource.filter((a) => a.agency.toLowerCase() === withSource.agency.toLowerCase());
	assert.deepEqual(await texts(page.locator('.results .hit-title')), both.map((a) => a.title));
	// An unknown source: nothing, said so.
	await page.goto(`${base}#/search?source=No%20Such%20Paper`);
	await settle(page);
	assert.equal(await page.locator('.results .hit').count(), 0);
	assert.match(await page.locator('.paged [role=status]').textContent(), /No article matches/);
	assertClean(page);
	await page.close();
});

test('phone width: the filtered events and search pages fit and keep every control labelled', async () => {
	const kind = (await listAll('/events')).find((e) => e.kind && e.kind !== 'other').kind;
	for (const [name, hash] of [['events-filters', `#/events?kind=${kind}&lang=en`], ['search-filters', '#/search?agency=reuters&lang=en']]) {
		const page = await newPage({ viewport: { width: 390, height: 844 } });
		await page.goto(`${base}${hash}`);
		await settle(page);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 0, `${name}: ${overflow}px wider than a phone screen`);
		const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
			.filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
			.map((el) => el.name || el.id));
		assert.deepEqual(unlabelled, [], `${name}: controls without a label`);
		await shot(page, `phone-${name}`);
		assertClean(page);
		await page.close();
	}
	// Desktop too, for the record.
	const page = await newPage();
	await page.goto(`${base}#/events?kind=${kind}`);
	await settle(page);
	await shot(page, 'events-filters');
	assertClean(page);
	await page.close();
});
