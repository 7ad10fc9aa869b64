// GET /metrics: Prometheus text that counts what this process did.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, startStack, stopStack, test, waitJob } from './harness.mjs';

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});

// name{labels} value lines into a Map keyed by 'name{labels}'.
function parse(text) {
	const m = new Map();
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#'))
			continue;
		const at = line.lastIndexOf(' ');
		m.set(line.slice(0, at), Number(line.slice(at + 1)));
	}
	return m;
}

test('requests, ingestion outcomes, stage timings, pool and queue are counted', async () => {
	for (let i = 0; i < 3; i++)
		assert.equal((await api('GET', '/healthz')).status, 200);
	assert.equal((await api('GET', '/no-such-page')).status, 404);
	const text = 'Le conseil régional a voté jeudi un budget en hausse pour les transports, avec de nouvelles lignes de car entre les villes moyennes et une baisse du prix des abonnements pour les étudiants.';
	assert.equal((await api('POST', '/articles', { body: { text } })).status, 201);
	const job = await api('POST', '/jobs', { body: [{ text: `${text} Deuxième version, avec des précisions sur le calendrier des travaux.` }, { nope: 1 }] });
	assert.equal(job.status, 202);
	await waitJob(job.json.id);

	const r = await api('GET', '/metrics');
	assert.equal(r.status, 200);
	assert.match(r.contentType, /^text\/plain/);
	const m = parse(r.text);
	assert.ok(m.get('newsd_http_requests_total{method="GET",route="/healthz",status="200"}') >= 3);
	assert.ok(m.get('newsd_http_requests_total{method="",route="other",status="404"}') >= 1);
	assert.ok(m.get('newsd_http_requests_total{method="POST",route="/articles",status="201"}') >= 1);
	assert.ok(m.get('newsd_http_requests_total{method="POST",route="/jobs",status="202"}') >= 1);
	// a histogram: cumulative buckets, +Inf equals the count
	const hk = 'method="GET",route="/healthz"';
	let prev = 0;
	for (const [k, v] of m) {
		if (k.startsWith(`newsd_http_request_duration_seconds_bucket{${hk},`)) {
			assert.ok(v >= prev, `${k} is cumulative`);
			prev = v;
		}
	}
	assert.equal(m.get(`newsd_http_request_duration_seconds_bucket{${hk},le="+Inf"}`), m.get(`newsd_http_request_duration_seconds_count{${hk}}`));
	assert.ok(m.get(`newsd_http_request_duration_seconds_count{${hk}}`) >= 3);
	assert.equal(m.get('newsd_ingest_items_total{outcome="done"}'), 1);
	assert.equal(m.get('newsd_ingest_items_total{outcome="failed"}'), 1);
	assert.ok(m.get('newsd_pipeline_stage_seconds_count{stage="text"}') >= 2);
	assert.ok(m.get('newsd_pipeline_stage_seconds_count{stage="store"}') >= 2);
	assert.ok(m.get('newsd_pipeline_stage_seconds_sum{stage="text"}') > 0);
	assert.ok(m.get('newsd_db_pool_connections{state="idle"}') >= 1);
	assert.ok(m.has('newsd_db_pool_connections{state="in_use"}'));
	assert.equal(m.get('newsd_job_items{status="queued"}'), 0);
	assert.equal(m.get('newsd_job_items{status="running"}'), 0);
});
