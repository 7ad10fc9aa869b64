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

// Sentences about one person; article i uses them so that each name gets a
// paragraph of its own, in the i-th rotation of the list, first and longest.
const SAYS = [
	(n, i) => `Selon ${n}, la réunion numéro ${i} du conseil a surtout porté sur le budget de l'État.`,
	(n, i) => `${n} a rappelé que les dépenses publiques avaient augmenté de ${i % 7 + 2} % l'an dernier.`,
	(n) => `Pour ${n}, il faut réduire le déficit avant la fin de la législature sans toucher aux retraites.`,
	(n) => `Interrogé par la presse à la sortie, ${n} n'a pas souhaité commenter les chiffres publiés mardi.`,
	(n) => `Les propositions de ${n} seront examinées la semaine prochaine par la commission des finances.`,
	(n, i) => `${n} s'est dit prêt à un compromis si la ${i % 3 + 2}e lecture permet de trouver une majorité.`,
	(n) => `Plusieurs élus de l'opposition ont reproché à ${n} un manque de transparence sur les recettes.`,
	(n) => `${n} doit présenter un rapport détaillé aux députés avant la fin du mois prochain.`,
	(n) => `Dans un entretien accordé à un quotidien régional, ${n} a défendu une réforme de la fiscalité locale.`,
	(n) => `Les syndicats ont demandé à rencontrer ${n} pour discuter des conséquences pour les fonctionnaires.`,
];

function article(i) {
	const order = NAMES.map((_, k) => NAMES[(i + k) % NAMES.length]);
	const paragraphs = order.map((name, k) =>
		SAYS.slice(0, NAMES.length - k + 2).map((say) => say(name, i)).join(' '));
	return { title: `Budget : le conseil numéro ${i} divisé`, text: `${paragraphs.join('\n\n')}\n\nFin du compte rendu numéro ${i}.` };
}

test('120 articles sharing eight names, four workers: all stored, none failed, no deadlock', async () => {
	const n = 120;
	const r = await api('POST', '/jobs', { body: Array.from({ length: n }, (_, i) => article(i)) });
	assert.equal(r.status, 202, r.text);
	const job = await waitJob(r.json.id, { timeout: 60000 });
	assert.deepEqual(job.errors, []);
	assert.deepEqual(job.counts, { total: n, queued: 0, running: 0, done: n, failed: 0, cancelled: 0, clustering: 0 });
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
