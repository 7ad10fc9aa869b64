// Migrations: pending ones make /readyz say so until `newsd migrate` runs;
// an applied migration whose file changed stops the server from starting.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import {
	BIN, MIGRATIONS_DIR, api, currentStack, restartServer, startStack, stopServer, stopStack, test,
} from './harness.mjs';

const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'newsd-migrations-'));

function newsd(args, extraEnv = {}) {
	const env = { ...process.env, DATABASE_URL: currentStack().dbUrl, NEWSD_MIGRATIONS_DIR: copy, ...extraEnv };
	delete env.NEWSD_API_KEYS;
	return spawnSync(BIN, args, { env, encoding: 'utf8', timeout: 30000 });
}

before(async () => {
	for (const f of fs.readdirSync(MIGRATIONS_DIR))
		fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(copy, f));
	await startStack({ NEWSD_MIGRATIONS_DIR: copy });
});
after(async () => {
	await stopStack();
	fs.rmSync(copy, { recursive: true, force: true });
});

test('a new migration file makes /readyz answer 503 until newsd migrate applies it', async () => {
	const applied = (await api('GET', '/readyz')).json.migrations;
	fs.writeFileSync(path.join(copy, '9000_test_extra.sql'), 'CREATE TABLE test_extra (x integer);\n');
	const pending = await api('GET', '/readyz');
	assert.equal(pending.status, 503);
	assert.match(pending.json.detail, /pending/);
	const m = newsd(['migrate']);
	assert.equal(m.status, 0, m.stderr);
	assert.match(m.stderr, /applied '9000_test_extra\.sql'/);
	const ready = await api('GET', '/readyz');
	assert.equal(ready.status, 200);
	assert.equal(ready.json.migrations, applied + 1);
	const again = newsd(['migrate']);
	assert.equal(again.status, 0, again.stderr);
	assert.doesNotMatch(again.stderr, /applied '/, 'nothing is applied twice');
});

test('a changed applied migration: migrate and serve refuse, naming the file', async () => {
	await stopServer();
	const file = path.join(copy, '9000_test_extra.sql');
	const original = fs.readFileSync(file, 'utf8');
	fs.writeFileSync(file, `${original}-- edited after it was applied\n`);
	for (const cmd of [['migrate'], ['serve', '--port', String(currentStack().port)]]) {
		const r = newsd(cmd);
		assert.notEqual(r.status, 0, `newsd ${cmd[0]} must fail: ${r.stderr}`);
		assert.match(r.stderr, /'9000_test_extra\.sql' changed after it was applied/, `newsd ${cmd[0]}`);
	}
	fs.writeFileSync(file, original);
	await restartServer();
	assert.equal((await api('GET', '/readyz')).status, 200);
});

test('rolling upgrade: a migration of a newer newsd leaves this one ready, and its migrate a no-op', async () => {
	const newer = fs.mkdtempSync(path.join(os.tmpdir(), 'newsd-migrations-newer-'));
	try {
		for (const f of fs.readdirSync(copy))
			fs.copyFileSync(path.join(copy, f), path.join(newer, f));
		fs.writeFileSync(path.join(newer, '9500_newer_feature.sql'), 'ALTER TABLE articles ADD COLUMN newer_feature text;\n');
		const up = newsd(['migrate'], { NEWSD_MIGRATIONS_DIR: newer });
		assert.equal(up.status, 0, up.stderr);
		assert.match(up.stderr, /applied '9500_newer_feature\.sql'/);
		// The running server (migrations dir without 9500) stays ready...
		const ready = await api('GET', '/readyz');
		assert.equal(ready.status, 200, ready.text);
		// ...its migrate does nothing and succeeds...
		const old = newsd(['migrate']);
		assert.equal(old.status, 0, old.stderr);
		assert.doesNotMatch(old.stderr, /applied '/);
		// ...and it still serves reads and writes on the newer schema.
		const w = await api('POST', '/articles', { body: { text: 'Le musée des Beaux-Arts de Lyon rouvre après six mois de travaux de rénovation, avec une nouvelle salle consacrée à la peinture flamande et un parcours adapté aux enfants.' } });
		assert.equal(w.status, 201, w.text);
		// An older file that vanished is still fatal.
		fs.renameSync(path.join(newer, '9000_test_extra.sql'), path.join(newer, '9000_test_extra.sql.bak'));
		const gone = newsd(['migrate'], { NEWSD_MIGRATIONS_DIR: newer });
		assert.notEqual(gone.status, 0);
		assert.match(gone.stderr, /applied migration 9000 .* has no file any more/);
	} finally {
		fs.rmSync(newer, { recursive: true, force: true });
	}
});
