// The newsd API client. Every path is RELATIVE ("articles?q=x", no leading
// slash) so the dashboard works behind any path prefix; <meta name="newsd-api"
// content="https://api.example/prefix/"> or window.NEWSD_API points it at
// another origin (the server then needs NEWSD_CORS_ORIGIN).

function apiBase() {
	const meta = document.querySelector('meta[name="newsd-api"]')?.getAttribute('content')?.trim();
	let b = (typeof window.NEWSD_API === 'string' && window.NEWSD_API.trim()) || meta || '';
	if (b && !b.endsWith('/'))
		b += '/';
	return new URL(b || '.', document.baseURI);
}

export const BASE = apiBase();

export function apiUrl(rel) {
	return new URL(rel.replace(/^\/+/, ''), BASE).href;
}

// A problem (RFC 9457) or a network failure, with a sentence for people.
export class ApiError extends Error {
	constructor(status, detail, title) {
		super(status ? `${title || 'Error'} (${status}): ${detail}` : detail);
		this.status = status;
		this.detail = detail;
	}
}

const KEY_STORE = 'newsd-api-key';
export function apiKey() {
	try {
		return sessionStorage.getItem(KEY_STORE) || '';
	} catch {
		return '';
	}
}
export function setApiKey(k) {
	try {
		if (k)
			sessionStorage.setItem(KEY_STORE, k);
		else
			sessionStorage.removeItem(KEY_STORE);
	} catch { /* storage disabled: the key is simply not kept */ }
}

// GET (default) or a write; answers {data, status, headers} (data: the parsed
// JSON, or the text), throws ApiError on an error status or no answer.
export async function request(rel, { method = 'GET', body, type = 'application/json', signal, text = false } = {}) {
	const headers = { Accept: text ? 'text/plain' : 'application/json' };
	const init = { method, headers, signal };
	if (body !== undefined) {
		headers['Content-Type'] = type;
		init.body = body;
	}
	if (method !== 'GET' && apiKey())
		headers.Authorization = `Bearer ${apiKey()}`;
	let r;
	try {
		r = await fetch(apiUrl(rel), init);
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		throw new ApiError(0, `newsd did not answer (${e.message})`);
	}
	const ct = r.headers.get('content-type') || '';
	if (!r.ok) {
		let detail = `${r.status} ${r.statusText}`;
		let title = r.statusText;
		if (ct.includes('json')) {
			try {
				const p = await r.json();
				detail = p.detail || detail;
				title = p.title || title;
			} catch { /* not JSON after all */ }
		}
		throw new ApiError(r.status, detail, title);
	}
	const data = !text && ct.includes('json') ? await r.json() : await r.text();
	return { data, status: r.status, headers: r.headers };
}

// request(), answering the data only.
export async function api(rel, opts) {
	return (await request(rel, opts)).data;
}

// A query string from an object, leaving out empty values.
export function qs(params) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== null && v !== '' && v !== false)
			u.set(k, String(v));
	const s = u.toString();
	return s ? `?${s}` : '';
}

// Follow `next` through a list: up to maxPages pages of `limit` items; calls
// onPage(items so far) after each page. Answers {items, complete}.
export async function listAll(path, params, { maxPages = 20, limit = 100, signal, onPage } = {}) {
	const items = [];
	let cursor = null;
	for (let page = 0; page < maxPages; page++) {
		const r = await api(`${path}${qs({ ...params, limit, cursor })}`, { signal });
		items.push(...r.data);
		if (onPage)
			onPage(items, r.next === null);
		if (r.next === null)
			return { items, complete: true };
		cursor = r.next;
	}
	return { items, complete: false };
}

// Run fn over items with at most n at a time.
export async function pool(items, n, fn) {
	const out = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
	return out;
}
