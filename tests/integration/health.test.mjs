// /healthz, /readyz, /openapi.yaml, and `newsd migrate` being idempotent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import YAML from 'yaml';

import { MIGRATIONS_DIR, SPEC_PATH, api, runMigrate, startStack, stopStack, test } from './harness.mjs';

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});

test('GET /healthz answers 200 {"status":"ok"}', async () => {
	const r = await api('GET', '/healthz');
	assert.equal(r.status, 200);
	assert.match(r.contentType, /^application\/json\b/);
	assert.deepEqual(r.json, { status: 'ok' });
});

test('GET /readyz reports the database and every migration applied', async () => {
	const r = await api('GET', '/readyz');
	assert.equal(r.status, 200);
	const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.*\.sql$/.test(f));
	assert.ok(files.length >= 1, 'migrations/ holds NNNN_*.sql files');
	assert.deepEqual(r.json, { status: 'ready', database: 'ok', migrations: files.length });
});

test('GET /openapi.yaml serves the contract file as application/yaml', async () => {
	const r = await api('GET', '/openapi.yaml');
	assert.equal(r.status, 200);
	assert.match(r.contentType, /^application\/yaml\b/);
	assert.equal(r.text, fs.readFileSync(SPEC_PATH, 'utf8'));
	const doc = YAML.parse(r.text);
	assert.equal(doc.openapi, '3.1.0');
	assert.ok(doc.paths['/articles']);
});

test('newsd migrate run again applies nothing and succeeds; readyz unchanged', async () => {
	const before1 = (await api('GET', '/readyz')).json.migrations;
	const r = await runMigrate();
	assert.equal(r.code, 0, `migrate exit code (output: ${r.out}${r.err})`);
	const after1 = await api('GET', '/readyz');
	assert.equal(after1.status, 200);
	assert.equal(after1.json.migrations, before1);
});

test('health endpoints reject an unknown query parameter like every other endpoint', async () => {
	const r = await api('GET', '/readyz?verbose=1');
	assert.equal(r.status, 400);
	assert.match(r.json.detail, /verbose/);
});

test('GET /healthz answers 20 concurrent requests', async () => {
	const results = await Promise.all(Array.from({ length: 20 }, () => api('GET', '/healthz')));
	for (const r of results) {
		assert.equal(r.status, 200);
		assert.deepEqual(r.json, { status: 'ok' });
	}
});

test('spec sanity: openapi.yaml parses and every operation documents a 400', async () => {
	const doc = YAML.parse(fs.readFileSync(SPEC_PATH, 'utf8'));
	for (const [p, item] of Object.entries(doc.paths)) {
		for (const [m, op] of Object.entries(item)) {
			assert.ok(op.responses['400'], `${m.toUpperCase()} ${p} documents 400 (unknown parameters)`);
		}
	}
	assert.ok(path.isAbsolute(SPEC_PATH));
});
