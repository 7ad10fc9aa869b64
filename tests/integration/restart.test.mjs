// Durability of jobs: SIGKILL the server in the middle of a job, restart it on
// the same database, and every item is done exactly once. SIGTERM exits 0,
// also in the middle of a job, and the job then completes after a restart.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, listAll, restartServer, sleep, startStack, stopStack, test, waitJob } from './harness.mjs';

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});

const PARAGRAPH = "Le comité régional a présenté mardi son rapport annuel sur la qualité de l'eau des rivières. Les analyses montrent une baisse des nitrates dans la plupart des bassins, mais les pesticides restent préoccupants près des zones de grandes cultures. Les associations de pêcheurs demandent des contrôles plus fréquents pendant l'été, lorsque le débit des cours d'eau diminue. ";

// n items; item i carries the unique marker `<tag>m<i>q` in its title and text.
function batch(tag, n) {
	return Array.from({ length: n }, (_, i) => ({
		title: `Rapport ${tag}m${i}q`,
		text: `Rapport ${tag}m${i}q. ${PARAGRAPH.repeat(3)}Référence du dossier ${tag}m${i}q, canal ${tag}canal.`,
	}));
}

// Poll until some but not all items are done; returns the job then, or the
// finished job if it ran to the end in between.
async function waitPartial(id, total) {
	const deadline = Date.now() + 120000;
	for (;;) {
		const j = (await api('GET', `/jobs/${id}`)).json;
		if (j.counts.done + j.counts.failed >= total)
			return j;
		if (j.counts.done >= 1)
			return j;
		if (Date.now() > deadline)
			throw new Error(`job ${id} made no progress: ${JSON.stringify(j.counts)}`);
		await sleep(5);
	}
}

// Every item done exactly once: by the job's article ids and by the markers.
async function assertExactlyOnce(job, tag, n) {
	assert.equal(job.status, 'done');
	assert.deepEqual(job.counts, { total: n, queued: 0, running: 0, done: n, failed: 0, cancelled: 0, clustering: 0 });
	assert.deepEqual(job.errors, []);
	assert.deepEqual(job.articles.map((a) => a.index), Array.from({ length: n }, (_, i) => i), 'one article per index');
	assert.equal(new Set(job.articles.map((a) => a.id)).size, n, 'distinct article ids');
	for (const a of job.articles) {
		const r = await api('GET', `/articles/${a.id}`);
		assert.equal(r.status, 200);
		assert.equal(r.json.title, `Rapport ${tag}m${a.index}q`, `article ${a.id} is item ${a.index}`);
	}
	const stored = await listAll(`/articles?q=${tag}canal`);
	const titles = stored.map((a) => a.title).sort();
	const want = Array.from({ length: n }, (_, i) => `Rapport ${tag}m${i}q`).sort();
	assert.equal(stored.length, n, `${stored.length} articles carry the job's marker (want ${n}: no duplicate, none missing)`);
	assert.deepEqual(titles, want);
}

test('SIGKILL in the middle of a job: after a restart every item is done exactly once', async () => {
	let n = 300;
	let tag = 'kill';
	let partial;
	let id;
	// Make sure the kill lands mid-job; a bigger job if the first one was too quick.
	for (let attempt = 0; attempt < 3; attempt++) {
		const items = batch(tag, n);
		const r = await api('POST', '/jobs', { body: items });
		assert.equal(r.status, 202, r.text);
		id = r.json.id;
		partial = await waitPartial(id, n);
		if (partial.counts.done < n)
			break;
		tag = `kill${attempt}`;
		n *= 4;
	}
	assert.ok(partial.counts.done >= 1 && partial.counts.done < n, `the kill lands mid-job (${JSON.stringify(partial.counts)})`);
	const killed = await restartServer({ signal: 'SIGKILL' });
	assert.equal(killed.signal, 'SIGKILL');
	const job = await waitJob(id, { timeout: 300000 });
	await assertExactlyOnce(job, tag, n);
});

test('SIGTERM exits 0, also in the middle of a job, which completes after a restart', async () => {
	const n = 300;
	const tag = 'term';
	const r = await api('POST', '/jobs', { body: batch(tag, n) });
	assert.equal(r.status, 202, r.text);
	await waitPartial(r.json.id, n);
	const t0 = Date.now();
	const stopped = await restartServer({ signal: 'SIGTERM' });
	assert.equal(stopped.timedOut, undefined, 'the server exits on SIGTERM within 15 s');
	assert.equal(stopped.code, 0, `exit status after SIGTERM (signal ${stopped.signal})`);
	assert.ok(Date.now() - t0 < 60000);
	const job = await waitJob(r.json.id, { timeout: 300000 });
	await assertExactlyOnce(job, tag, n);
	const idle = await restartServer({ signal: 'SIGTERM' });
	assert.equal(idle.code, 0, 'an idle server exits 0 on SIGTERM');
});

test('a separate `newsd worker` process shares a job with the server: every item once, and it drains on SIGTERM', async () => {
	const { spawn } = await import('node:child_process');
	const { BIN, REPO, currentStack } = await import('./harness.mjs');
	const env = { ...process.env, DATABASE_URL: currentStack().dbUrl, NEWSD_MIGRATIONS_DIR: `${REPO}/migrations`, NEWSD_LOG_LEVEL: 'debug', NEWSD_JOB_POLL_MS: '10' };
	delete env.NEWSD_API_KEYS;
	const worker = spawn(BIN, ['worker'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
	let log = '';
	worker.stderr.on('data', (d) => { log += d; });
	const exited = new Promise((resolve) => worker.on('close', (code, signal) => resolve({ code, signal })));
	try {
		const n = 200;
		const r = await api('POST', '/jobs', { body: batch('w', n) });
		assert.equal(r.status, 202, r.text);
		const job = await waitJob(r.json.id);
		await assertExactlyOnce(job, 'w', n);
		assert.match(log, /ingest: job=\d+ item=\d+ article=\d+/, 'the worker process ran some of the items');
	} finally {
		worker.kill('SIGTERM');
	}
	const res = await exited;
	assert.equal(res.code, 0, `newsd worker exits 0 on SIGTERM:\n${log.slice(-2000)}`);
	assert.match(log, /ingest: stopped/);
});

test('three worker processes share a job; one killed mid-job loses nothing and doubles nothing', async () => {
	const { spawn } = await import('node:child_process');
	const { BIN, REPO, currentStack } = await import('./harness.mjs');
	const env = { ...process.env, DATABASE_URL: currentStack().dbUrl, NEWSD_MIGRATIONS_DIR: `${REPO}/migrations`, NEWSD_LOG_LEVEL: 'debug', NEWSD_JOB_POLL_MS: '10' };
	delete env.NEWSD_API_KEYS;
	const workers = [0, 1, 2].map(() => {
		const w = { log: '', child: spawn(BIN, ['worker'], { env, stdio: ['ignore', 'ignore', 'pipe'] }) };
		w.child.stderr.on('data', (d) => { w.log += d; });
		w.exited = new Promise((resolve) => w.child.on('close', (code, signal) => resolve({ code, signal })));
		return w;
	});
	try {
		const n = 600;
		const r = await api('POST', '/jobs', { body: batch('three', n) });
		assert.equal(r.status, 202, r.text);
		// Kill the first worker once it has finished some items of its own.
		const deadline = Date.now() + 60000;
		while (!/item=\d+ article=/.test(workers[0].log)) {
			assert.ok(Date.now() < deadline, 'worker 0 processes items');
			await sleep(20);
		}
		workers[0].child.kill('SIGKILL');
		assert.equal((await workers[0].exited).signal, 'SIGKILL');
		const job = await waitJob(r.json.id, { timeout: 300000 });
		await assertExactlyOnce(job, 'three', n);
		for (const w of workers.slice(1))
			assert.match(w.log, /item=\d+ article=/, 'every live worker took a share');
	} finally {
		for (const w of workers.slice(1))
			w.child.kill('SIGTERM');
	}
	for (const w of workers.slice(1))
		assert.equal((await w.exited).code, 0, 'a worker exits 0 on SIGTERM');
});
