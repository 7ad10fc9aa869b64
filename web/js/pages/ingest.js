// Ingest: one article pasted (POST articles, synchronous), or a batch file
// (POST jobs, JSON array or NDJSON) followed live on the job's page.
import { request, api, apiKey, setApiKey } from '../api.js';
import { go, refreshStatus } from '../app.js';
import { h, clear, append, field, facts, timeEl, plural, errorBox, TIME_PATTERN } from '../ui.js';
import { LANGS } from './search.js';

// Jobs started from this browser (the API has no list of jobs).
const JOBS_KEY = 'newsd-jobs';
function myJobs() {
	try {
		return JSON.parse(localStorage.getItem(JOBS_KEY) || '[]');
	} catch {
		return [];
	}
}
function rememberJob(j) {
	try {
		const list = [j, ...myJobs().filter((x) => x.id !== j.id)].slice(0, 10);
		localStorage.setItem(JOBS_KEY, JSON.stringify(list));
	} catch { /* storage disabled */ }
}

// The lines of batches sent from this page, to show the failed ones.
const sentBatches = new Map();

// 'ndjson' or 'json' for a batch's text (and its file name, if any).
export function batchFormat(text, name = '') {
	if (/\.(ndjson|jsonl)$/i.test(name))
		return 'ndjson';
	if (/\.json$/i.test(name))
		return 'json';
	return text.trimStart().startsWith('[') ? 'json' : 'ndjson';
}

function keyField() {
	const f = field('API key', { type: 'password', name: 'apikey', value: apiKey(), hint: 'Only when the server requires one (NEWSD_API_KEYS); kept for this tab only.', attrs: { autocomplete: 'off' } });
	f.querySelector('input').addEventListener('change', (ev) => setApiKey(ev.target.value.trim()));
	return h('details', { class: 'filters', open: apiKey() ? true : undefined }, h('summary', {}, 'Write access'),
		h('form', { onsubmit: (ev) => ev.preventDefault(), 'aria-label': 'API key' }, f));
}

export async function ingestPage({ root }) {
	document.title = 'Ingest · newsd';
	const result = h('div', { class: 'result', role: 'status', 'aria-live': 'polite' });
	const one = h('form', { class: 'ingest-form', 'aria-labelledby': 'h-one' },
		h('fieldset', { class: 'radios' }, h('legend', {}, 'The text is'),
			h('label', {}, h('input', { type: 'radio', name: 'kind', value: 'auto', checked: true }), ' detected'),
			h('label', {}, h('input', { type: 'radio', name: 'kind', value: 'text' }), ' plain text'),
			h('label', {}, h('input', { type: 'radio', name: 'kind', value: 'html' }), ' HTML')),
		field('Article text or HTML page', { type: 'textarea', name: 'content', hint: 'Plain text (the first line may be the title) or a whole HTML page.', attrs: { rows: 10, required: true } }),
		h('div', { class: 'grid' },
			field('URL', { type: 'url', name: 'url', attrs: { placeholder: 'https://…', pattern: 'https?://.+' } }),
			field('Title', { name: 'title' }),
			field('Source', { name: 'source', hint: 'Publisher' }),
			field('Published', { name: 'published_at', hint: 'YYYY-MM-DD (or a date-time)', attrs: { pattern: TIME_PATTERN } }),
			field('Language', { name: 'lang', hint: 'Leave empty to detect', attrs: { list: 'ingest-langs', pattern: '[A-Za-z]{2,3}', size: 4 } }),
			h('datalist', { id: 'ingest-langs' }, LANGS.map((l) => h('option', { value: l })))),
		h('button', { type: 'submit', class: 'primary' }, 'Ingest article'), result);
	one.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		if (!one.reportValidity())
			return;
		const fd = new FormData(one);
		const content = fd.get('content');
		let kind = fd.get('kind');
		if (kind === 'auto')
			kind = /^\s*</.test(content) ? 'html' : 'text';
		const body = { [kind]: content };
		for (const k of ['url', 'title', 'source', 'published_at', 'lang']) {
			const v = fd.get(k).trim();
			if (v)
				body[k] = k === 'lang' ? v.toLowerCase() : v;
		}
		const btn = one.querySelector('button[type=submit]');
		btn.disabled = true;
		clear(result, 'Ingesting…');
		try {
			const r = await request('articles', { method: 'POST', body: JSON.stringify(body) });
			const a = r.data;
			clear(result, h('p', { class: 'ok-box' }, r.status === 201 ? 'Stored as ' : 'Already stored (same URL or same text) as ',
				h('a', { href: `#/article/${a.id}` }, `article #${a.id}: ${a.title || 'no title'}`),
				` — ${a.lang || 'language unknown'}, ${plural(a.entities.length, 'entity', 'entities')}.`));
			refreshStatus();
		} catch (e) {
			clear(result, errorBox(e));
		} finally {
			btn.disabled = false;
		}
	});

	const batchResult = h('div', { class: 'result', role: 'status', 'aria-live': 'polite' });
	const batch = h('form', { class: 'ingest-form', 'aria-labelledby': 'h-batch' },
		field('Batch file', { type: 'file', name: 'file', hint: 'A JSON array of articles, or NDJSON: one article object per line ({"text": "…"} or {"html": "…"}, with url, title, source, published_at, lang).', attrs: { accept: '.json,.ndjson,.jsonl,application/json,application/x-ndjson' } }),
		field('…or paste the batch', { type: 'textarea', name: 'pasted', attrs: { rows: 5, spellcheck: 'false', placeholder: '{"text": "First article…"}\n{"text": "Second article…"}' } }),
		h('button', { type: 'submit', class: 'primary' }, 'Start job'), batchResult);
	batch.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const file = batch.querySelector('input[type=file]').files[0];
		const text = file ? await file.text() : batch.querySelector('textarea').value;
		if (!text.trim()) {
			clear(batchResult, h('div', { class: 'error', role: 'alert' }, 'Choose a file or paste a batch first.'));
			return;
		}
		const format = batchFormat(text, file?.name);
		const btn = batch.querySelector('button[type=submit]');
		btn.disabled = true;
		clear(batchResult, 'Sending…');
		try {
			const job = await api('jobs', { method: 'POST', body: text, type: format === 'ndjson' ? 'application/x-ndjson' : 'application/json' });
			if (format === 'ndjson')
				sentBatches.set(job.id, text.split('\n'));
			else {
				try {
					sentBatches.set(job.id, JSON.parse(text).map((x) => JSON.stringify(x)));
				} catch { /* the server took it; nothing to show */ }
			}
			rememberJob({ id: job.id, at: job.created_at, total: job.counts.total, format, name: file?.name || 'pasted' });
			go(`/job/${job.id}`, { format });
		} catch (e) {
			clear(batchResult, errorBox(e));
		} finally {
			btn.disabled = false;
		}
	});

	const jobs = myJobs();
	append(root, h('h1', {}, 'Ingest'), keyField(),
		h('div', { class: 'two-col even' },
			h('section', { 'aria-labelledby': 'h-one' }, h('h2', { id: 'h-one' }, 'One article'), one),
			h('section', { 'aria-labelledby': 'h-batch' }, h('h2', { id: 'h-batch' }, 'A batch'), batch,
				jobs.length ? [h('h3', {}, 'Jobs started from this browser'), h('ul', { class: 'plain' }, jobs.map((j) =>
					h('li', {}, h('a', { href: `#/job/${j.id}?format=${j.format}` }, `Job #${j.id}`), h('span', { class: 'muted' }, ` · ${j.name} · ${plural(j.total, 'item')} · `), timeEl(j.at, 'time'))))] : null)));
}

const FINAL = new Set(['done', 'cancelled']);

export async function jobPage({ root, id, params, signal }) {
	document.title = `Job #${id} · newsd`;
	const lines = params.get('format') === 'ndjson';
	const posLabel = lines ? 'Line' : 'Item';
	const sent = sentBatches.get(id);
	const statusEl = h('p', { class: 'sr-only', id: 'job-status', role: 'status', 'aria-live': 'polite' });
	const progressText = h('p', { id: 'job-progress-text' });
	const bar = h('progress', { id: 'job-progress', max: 1, value: 0, 'aria-labelledby': 'job-progress-text' });
	const countsBox = h('div');
	const errBox = h('div');
	const doneBox = h('div');
	const cancel = h('button', { type: 'button', class: 'danger', hidden: true }, 'Cancel the items not started');
	append(root, 
		h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/ingest' }, 'Ingest'), ' › Job'),
		h('h1', {}, `Job #${id}`), statusEl, progressText, bar, cancel, countsBox,
		h('section', { 'aria-labelledby': 'h-errs' }, h('h2', { id: 'h-errs' }, 'Errors'),
			h('p', { class: 'muted small' }, `${posLabel}s are numbered from 1${lines ? ' (blank lines count)' : ''}.`), errBox),
		h('section', { 'aria-labelledby': 'h-done' }, h('h2', { id: 'h-done' }, 'Stored'), doneBox));

	let job = null;
	let lastStatus = null;
	const render = () => {
		const c = job.counts;
		const finished = c.done + c.failed + c.cancelled;
		bar.max = c.total;
		bar.value = finished;
		const text = FINAL.has(job.status)
			? `${job.status === 'done' ? 'Finished' : 'Cancelled'}: ${c.done} stored, ${c.failed} failed${c.cancelled ? `, ${c.cancelled} cancelled` : ''} (of ${c.total}).`
			: `${job.status === 'queued' ? 'Queued' : 'Running'}: ${finished} of ${c.total} items finished.`;
		// The live region speaks on a change of status; the count of finished
		// items changes silently beside the bar.
		if (job.status !== lastStatus)
			statusEl.textContent = FINAL.has(job.status) ? text : `Job ${job.status}.`;
		progressText.textContent = text;
		statusEl.dataset.status = job.status;
		lastStatus = job.status;
		cancel.hidden = FINAL.has(job.status);
		clear(countsBox, facts([
			['Status', h('span', { class: `badge job-${job.status}` }, job.status)],
			['Items', `${c.total} · ${c.queued} queued · ${c.running} running · ${c.done} stored · ${c.failed} failed · ${c.cancelled} cancelled`],
			['Created', timeEl(job.created_at, 'time')],
			['Updated', timeEl(job.updated_at, 'time')],
		]));
		clear(errBox, job.errors.length
			? h('table', { class: 'errors', id: 'job-errors' },
				h('caption', { class: 'sr-only' }, `Items that failed (${posLabel.toLowerCase()} numbers from 1)`),
				h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, posLabel), h('th', { scope: 'col' }, 'Error'), sent ? h('th', { scope: 'col' }, 'Input') : null)),
				h('tbody', {}, job.errors.map((e) => h('tr', {},
					h('td', {}, String(e.index + 1)), h('td', {}, e.error),
					sent ? h('td', {}, h('code', {}, (sent[e.index] || '').slice(0, 120))) : null))))
			: h('p', { class: 'muted' }, c.failed ? 'Failed items not listed.' : 'No error.'));
		clear(doneBox, job.articles.length
			? h('ul', { class: 'plain cols', id: 'job-articles' }, job.articles.slice(0, 200).map((a) => h('li', {}, `${posLabel} ${a.index + 1} → `, h('a', { href: `#/article/${a.id}` }, `article #${a.id}`))))
			: h('p', { class: 'muted' }, 'Nothing stored yet.'));
	};
	cancel.addEventListener('click', async () => {
		cancel.disabled = true;
		try {
			job = await api(`jobs/${id}`, { method: 'DELETE' });
			render();
		} catch (e) {
			countsBox.prepend(errorBox(e));
		} finally {
			cancel.disabled = false;
		}
	});

	job = await api(`jobs/${id}`, { signal });
	render();
	// Follow it live: quick at first, slower for long jobs.
	(async () => {
		let wait = 300;
		while (!FINAL.has(job.status) && !signal.aborted) {
			await new Promise((r) => setTimeout(r, wait));
			wait = Math.min(2000, wait * 1.3);
			try {
				job = await api(`jobs/${id}`, { signal });
				render();
			} catch (e) {
				if (e.name === 'AbortError')
					return;
				statusEl.textContent = `Could not refresh: ${e.message}`;
			}
		}
		if (!signal.aborted)
			refreshStatus();
	})();
}
