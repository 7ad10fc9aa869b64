// READ_DATABASE_URL: newsd reads from a streaming replica and writes to the
// primary. Proofs that a read was served by the replica: (1) its connections
// ("newsd-read" in the replica's pg_stat_activity) start a query during the
// request; (2) with the replica's replay paused, a list misses an article the
// primary has. Then the replica crashes: reads fall back to the primary, writes
// go on, the loss is logged once; it comes back: after the back-off, reads go
// to it again, and its return is logged once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before } from 'node:test';

import { api, currentStack, sleep, startStack, stopStack, test, waitFor, waitJob } from './harness.mjs';
import {
	crashReplica, replicaNow, replicaQueriesSince, restartReplica, serveReadsFrom, sqlPrimary, sqlReplica,
	startReplica, stopReplica, waitReplayed,
} from './replica_harness.mjs';

const PARAGRAPH = 'The city council of Lyon approved on Tuesday a new plan for the river banks. Mayor Claire Dubois said the work would start in the spring and last two years. Residents asked for more trees, wider paths for bicycles and quieter streets near the schools. ';
const article = (tag) => ({
	title: `River plan ${tag}`,
	text: `River plan ${tag}. ${PARAGRAPH.repeat(2)}Council file ${tag}.`,
});

const seen = {}; // ids of what the tests created: article, entity, event

before(async () => {
	await startStack();
	const { url } = await startReplica();
	await serveReadsFrom(url);
});
after(async () => {
	try {
		await stopStack();
	} finally {
		await stopReplica();
	}
});

function serverLog() {
	return fs.readFileSync(currentStack().serverLog, 'utf8');
}
const count = (re) => (serverLog().match(re) || []).length;
const LOST = /db: read replica lost/g;
const BACK = /db: read replica is back/g;

async function listIds() {
	const r = await api('GET', '/articles?limit=100');
	assert.equal(r.status, 200, r.text);
	return new Set(r.json.data.map((a) => a.id));
}

async function post(tag) {
	const r = await api('POST', '/articles', { body: article(tag) });
	assert.equal(r.status, 201, r.text);
	return r.json;
}

// Does GET path run a query on the replica?
async function servedByReplica(path) {
	const t = await replicaNow();
	const r = await api('GET', path);
	assert.equal(r.status, 200, `GET ${path}: ${r.text}`);
	return (await replicaQueriesSince(t)) > 0;
}

// With replay paused on the replica, an article written now is on the primary
// only: a list served by the replica misses it; GET by id still finds it (the
// replica's 404 is asked again of the primary).
async function assertListLagsWhilePaused(tag) {
	await sqlReplica('SELECT pg_wal_replay_pause()');
	try {
		await waitFor(async () => (await sqlReplica('SELECT pg_get_wal_replay_pause_state()')) === 'paused',
			{ timeout: 10000, what: 'replay to pause' });
		const a = await post(tag);
		assert.equal(await sqlPrimary(`SELECT count(*) FROM articles WHERE id = ${a.id}`), '1');
		assert.ok(!(await listIds()).has(a.id), `GET /articles (the replica, replay paused) does not list article ${a.id} yet`);
		const one = await api('GET', `/articles/${a.id}`);
		assert.equal(one.status, 200, `GET /articles/${a.id} falls back to the primary: ${one.text}`);
		assert.equal(one.json.title, `River plan ${tag}`);
		return a;
	} finally {
		await sqlReplica('SELECT pg_wal_replay_resume()');
	}
}

test('GET reads are served by the replica; job status and writes by the primary', async () => {
	assert.equal(await sqlReplica('SELECT pg_is_in_recovery()'), 't', 'READ_DATABASE_URL is a hot standby');
	const a = await post('alpha');
	seen.article = a.id;
	seen.event = a.event_id;
	seen.entity = a.entities[0]?.id;
	assert.ok(seen.entity, `the article has entities: ${JSON.stringify(a.entities)}`);
	await waitReplayed();

	for (const p of ['/articles', `/articles/${a.id}`, '/entities', `/entities/${seen.entity}`,
		`/entities/${seen.entity}/articles`, '/events', `/events/${seen.event}`, `/events/${seen.event}/articles`])
		assert.ok(await servedByReplica(p), `GET ${p} ran on the replica`);

	const job = await api('POST', '/jobs', { body: [article('job1'), article('job2')] });
	assert.equal(job.status, 202, job.text);
	const done = await waitJob(job.json.id, { timeout: 60000 });
	assert.equal(done.counts.done, 2);
	await waitReplayed();
	const t = await replicaNow();
	for (let i = 0; i < 3; i++)
		assert.equal((await api('GET', `/jobs/${job.json.id}`)).status, 200);
	assert.equal(await replicaQueriesSince(t), 0, 'GET /jobs/{id} reads the primary');

	const lagging = await assertListLagsWhilePaused('beta');
	await waitReplayed();
	assert.ok((await listIds()).has(lagging.id), 'once replayed, the replica lists it');
	assert.equal(count(LOST), 0, 'no loss logged while the replica answers');
});

const READS = () => ['/articles', `/articles/${seen.article}`, '/entities', `/entities/${seen.entity}/articles`,
	'/events', `/events/${seen.event}`];

// Concurrent GETs, so that several connections (one per HTTP thread) are open.
async function concurrentReads(rounds = 4) {
	const paths = Array.from({ length: rounds }, READS).flat();
	const answers = await Promise.all(paths.map((p) => api('GET', p)));
	answers.forEach((r, i) => assert.equal(r.status, 200, `GET ${paths[i]}: ${r.text}`));
}

test('the replica crashes: reads fall back to the primary, writes go on, the loss is logged once', async () => {
	await concurrentReads();
	assert.ok(Number(await sqlReplica("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'newsd-read'")) >= 2,
		'several read connections are open on the replica');
	await crashReplica();
	// Requests in flight on several dead connections at once: each is answered
	// by the primary, and the loss is seen once.
	await concurrentReads();
	const deadline = Date.now() + 2500; // a few back-off rounds (1 s, then 2 s)
	let rounds = 0;
	while (Date.now() < deadline || rounds < 3) {
		for (const p of READS()) {
			const r = await api('GET', p);
			assert.equal(r.status, 200, `GET ${p} with the replica down: ${r.text}`);
		}
		rounds += 1;
		await sleep(100);
	}
	const c = await post('gamma');
	seen.gamma = c.id;
	assert.ok((await listIds()).has(c.id), 'GET /articles (the primary) lists what was just written');
	assert.equal((await api('GET', `/articles/${c.id}`)).status, 200);
	const job = await api('POST', '/jobs', { body: [article('job3')] });
	assert.equal(job.status, 202, job.text);
	assert.equal((await waitJob(job.json.id, { timeout: 60000 })).counts.done, 1);
	assert.equal(count(LOST), 1, 'the loss is logged once, not per request');
	assert.equal(count(BACK), 0);
});

test('the replica returns: after the back-off reads go to it again, logged once', async () => {
	await restartReplica();
	await waitReplayed();
	// The back-off is at most 30 s; here a few seconds.
	await waitFor(async () => servedByReplica('/articles'), { timeout: 45000, interval: 200, what: 'reads to return to the replica' });
	assert.ok((await listIds()).has(seen.gamma), 'the replica has replayed what was written while it was down');
	await assertListLagsWhilePaused('delta');
	assert.equal(count(BACK), 1, 'the return is logged once');
	assert.equal(count(LOST), 1, 'no new loss');
});

test('a replica that cannot be reached from the start: reads use the primary, one loss logged', async () => {
	const before = count(LOST);
	await serveReadsFrom('postgresql://newsd@/newsd?host=/nonexistent-newsd-replica&port=5432');
	for (let i = 0; i < 5; i++) {
		assert.ok((await listIds()).has(seen.gamma), 'GET /articles answers from the primary');
		assert.equal((await api('GET', `/articles/${seen.article}`)).status, 200);
	}
	assert.equal(count(LOST) - before, 1, 'one loss logged');
});
