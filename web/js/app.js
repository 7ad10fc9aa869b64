// The newsd dashboard: hash routes (#/search?q=..., #/article/12, ...), so
// the state is in the URL and the page works behind any path prefix.
import { api } from './api.js';
import { h, clear, errorBox, plural } from './ui.js';
import { searchPage } from './pages/search.js';
import { articlePage } from './pages/article.js';
import { eventsPage, eventPage } from './pages/events.js';
import { entitiesPage, entityPage } from './pages/entities.js';
import { ingestPage, jobPage } from './pages/ingest.js';

const ROUTES = [
	[/^\/?$/, 'search', searchPage],
	[/^\/search$/, 'search', searchPage],
	[/^\/article\/([1-9][0-9]*)$/, 'search', articlePage],
	[/^\/events$/, 'events', eventsPage],
	[/^\/event\/([1-9][0-9]*)$/, 'events', eventPage],
	[/^\/entities$/, 'entities', entitiesPage],
	[/^\/entity\/([1-9][0-9]*)$/, 'entities', entityPage],
	[/^\/ingest$/, 'ingest', ingestPage],
	[/^\/job\/([1-9][0-9]*)$/, 'ingest', jobPage],
];

// The current route: {path, params (URLSearchParams)}.
export function current() {
	const raw = location.hash.replace(/^#/, '');
	const [path, query = ''] = raw.split(/\?(.*)/s);
	return { path: path || '/', params: new URLSearchParams(query) };
}

// Go to #/path?params (params: object; empty values dropped).
export function go(path, params = {}, { replace = false } = {}) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== null && v !== '' && v !== false)
			u.set(k, String(v));
	const s = u.toString();
	const hash = `#${path}${s ? `?${s}` : ''}`;
	if (hash === location.hash) {
		route();
		return;
	}
	if (replace)
		history.replaceState(null, '', hash);
	else
		location.hash = hash;
	if (replace)
		route();
}

const main = () => document.getElementById('main');
let controller = null;
let lastPath = null;
let firstRoute = true;

async function route() {
	const { path, params } = current();
	const hit = ROUTES.map(([re, name, fn]) => [path.match(re), name, fn]).find(([m]) => m);
	controller?.abort();
	controller = new AbortController();
	const signal = controller.signal;
	for (const a of document.querySelectorAll('[data-nav]')) {
		if (hit && a.dataset.nav === hit[1])
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	}
	const root = main();
	const samePage = path === lastPath;
	lastPath = path;
	if (!hit) {
		document.title = 'Not found · newsd';
		clear(root, h('h1', { tabindex: '-1' }, 'No such page'), h('p', {}, h('a', { href: '#/search' }, 'Go to the search')));
		root.querySelector('h1').focus();
		root.removeAttribute('aria-busy');
		root.dataset.rendered = location.hash;
		return;
	}
	const [m, , page] = hit;
	root.setAttribute('aria-busy', 'true');
	root.removeAttribute('data-rendered');
	try {
		// A page renders into a fresh container, then replaces the old one
		// (no flash of an empty page while the first request runs).
		const box = h('div', { class: 'page' });
		const ready = page({ root: box, params, id: m[1] ? Number(m[1]) : null, signal, samePage });
		await Promise.race([ready, new Promise((r) => setTimeout(r, 60))]);
		if (signal.aborted)
			return;
		clear(root, box);
		await ready;
		if (signal.aborted)
			return;
		// Charts draw from a ResizeObserver callback, which runs after layout:
		// two frames later every chart of the page has drawn.
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		if (signal.aborted)
			return;
		// For tests and tools: which route is fully on screen.
		root.dataset.rendered = location.hash;
		// Sensible focus: a new page focuses its heading; the same page with a
		// new query (a search) focuses what it marks as its result.
		const target = (samePage && box.querySelector('[data-focus-on-update]')) || box.querySelector('h1');
		target?.setAttribute('tabindex', '-1');
		// The first page of a visit keeps the browser's own focus.
		if (!firstRoute && (document.activeElement === document.body || !root.contains(document.activeElement) || !samePage))
			target?.focus({ preventScroll: samePage });
	} catch (e) {
		if (e.name !== 'AbortError') {
			clear(root, h('h1', { tabindex: '-1' }, e.status === 404 ? 'Not found' : 'Something went wrong'), errorBox(e));
			root.dataset.rendered = location.hash;
		}
	} finally {
		firstRoute = false;
		if (!signal.aborted)
			root.removeAttribute('aria-busy');
	}
}

// ------------------------------------------------------------ status strip

let statusTimer = null;
export async function refreshStatus() {
	clearTimeout(statusTimer);
	const strip = document.querySelector('#status .wrap');
	const items = [];
	// Database (readyz answers 503 with a problem when it is down).
	try {
		const r = await api('readyz');
		items.push(h('span', { class: 'stat ok', id: 'stat-db' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), `Database ${r.database}`));
	} catch (e) {
		items.push(h('span', { class: 'stat bad', id: 'stat-db' }, h('span', { class: 'dot', 'aria-hidden': 'true' }),
			`Database unavailable${e.detail ? `: ${e.detail}` : ''}`));
	}
	// Jobs: the queue gauges of /metrics (items of all jobs, all workers).
	try {
		const text = await api('metrics', { text: true });
		const g = (s) => {
			const m = text.match(new RegExp(`^newsd_job_items\\{status="${s}"\\}\\s+([0-9.e+]+)`, 'm'));
			return m ? Number(m[1]) : null;
		};
		const queued = g('queued');
		const running = g('running');
		if (queued !== null && running !== null)
			items.push(h('span', { class: 'stat', id: 'stat-jobs' }, `Job items: ${queued.toLocaleString('en')} queued, ${running.toLocaleString('en')} running`));
	} catch { /* no metrics: leave jobs out */ }
	// Articles stored: the API has no count; one page of 100 tells exactly up
	// to 100, beyond that only "more than".
	try {
		const r = await api('articles?limit=100');
		const n = r.data.length;
		items.push(h('span', { class: 'stat', id: 'stat-articles' }, r.next ? `More than ${n} articles stored` : `${plural(n, 'article')} stored`));
	} catch { /* shown by the database state */ }
	if (strip)
		clear(strip, items);
	if (!document.hidden)
		statusTimer = setTimeout(refreshStatus, 15000);
}

document.addEventListener('visibilitychange', () => {
	if (!document.hidden)
		refreshStatus();
});

// The skip link must not change the hash (the hash is the route).
document.addEventListener('click', (ev) => {
	const a = ev.target.closest?.('[data-skip]');
	if (a) {
		ev.preventDefault();
		main().focus();
	}
});

window.addEventListener('hashchange', route);
route();
refreshStatus();
