// Concurrent ingestion: many articles naming the same people and places, in
// different orders and frequencies, processed by several workers at once.
// Each worker links an article's names inside one transaction; locks taken
// in each article's own order would deadlock (PostgreSQL aborts one side
// after a second, and the item is retried or fails).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before } from 'node:test';

import { api, currentStack, listAll, startStack, stopStack, test, waitJob } from './harness.mjs';

before(async () => {
	await startStack({ NEWSD_WORKERS: '4', NEWSD_DB_POOL: '12' });
});
after(async () => {
	await stopStack();
});

const NAMES = ['Angela Martens', 'Pedro Alvarez', 'Giulia Rossi', 'Hans Becker', 'Maria Lopez',
	'Jean Dupuis', 'Anna Nowak', 'Lars Nilsson'];

// Article i mentions every name, the i-th rotation of the list first and most.
function article(i) {
	const order = NAMES.map((_, k) => NAMES[(i + k) % NAMES.length]);
	const sentences = order.map((name, k) =>
		`${`Selon ${name}, la réunion numéro ${i} a porté sur le budget. `.repeat(NAMES.length - k)}`);
	return { title: `Réunion budgétaire numéro ${i}`, text: `${sentences.join('\n\n')}Fin du compte rendu ${i}.` };
}

test('120 articles sharing eight names, four workers: all stored, none failed, no deadlock', async () => {
	const n = 120;
	const r = await api('POST', '/jobs', { body: Array.from({ length: n }, (_, i) => article(i)) });
	assert.equal(r.status, 202, r.text);
	const job = await waitJob(r.json.id, { timeout: 60000 });
	assert.deepEqual(job.errors, []);
	assert.deepEqual(job.counts, { total: n, queued: 0, running: 0, done: n, failed: 0, cancelled: 0 });
	const log = fs.readFileSync(currentStack().outDir + '/server.log', 'utf8');
	assert.doesNotMatch(log, /deadlock/i, 'the server log reports no deadlock');
	assert.doesNotMatch(log, /retrying later/, 'no item needed a retry');
	// Each name is one entity mentioned by every article.
	for (const name of NAMES) {
		const found = (await listAll(`/entities?q=${encodeURIComponent(name)}`)).filter((e) => e.name === name);
		assert.equal(found.length, 1, `one entity named ${name}`);
		assert.equal(found[0].article_count, n, `${name} is in every article`);
	}
});
