// The clustering leader against failures and curation: a failed batch gives
// up the lead, a curation and a leader's commit never deadlock, a near
// duplicate of an article whose event is no longer in memory adds to the
// stored event instead of replacing its centroid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';

import { REPO, api, currentStack, restartServer, sleep, sql, startStack, stopStack, test, waitFor } from './harness.mjs';

const KEY = 'races-test-key';
const AUTH = { Authorization: `Bearer ${KEY}` };
const LEAD_KEY = '7958814385711541356';

before(async () => {
	await startStack({ NEWSD_API_KEYS: KEY });
});
after(stopStack);

const STORY = [
	'Les ministres des Finances de la zone euro se sont réunis lundi à Luxembourg pour discuter du budget commun.',
	'Selon le commissaire européen Paolo Gentiloni, les discussions ont porté sur les règles de dette et sur le financement de la transition énergétique.',
	'La ministre espagnole Nadia Calviño a plaidé pour davantage de flexibilité, tandis que son homologue allemand Christian Lindner a défendu une discipline stricte.',
	'Plusieurs délégations ont jugé les propositions de la Commission trop complexes et ont demandé un calendrier plus réaliste pour leur mise en œuvre.',
	'Les discussions doivent reprendre le mois prochain à Bruxelles, où un accord politique est espéré avant la fin de l\'année.',
	'Les marchés ont accueilli la réunion avec prudence, les taux des obligations italiennes restant stables en fin de journée.',
];

function centroidMass(hex) {
	const b = Buffer.from(hex, 'hex');
	let sum = 0;
	for (let i = 0; i + 8 <= b.length; i += 8)
		sum += b.readFloatBE(i + 4);
	return sum;
}

async function post(body) {
	const r = await api('POST', '/articles', { body, headers: AUTH });
	assert.equal(r.status, 201, JSON.stringify(r.json));
	return waitFor(async () => {
		const a = (await api('GET', `/articles/${r.json.id}`)).json;
		return a.event_id ? a : null;
	}, { what: `article ${r.json.id} placed` });
}

test('a leader whose batch failed gives up the lead', async () => {
	const held = async () => Number(await sql(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = ${LEAD_KEY}`));
	await waitFor(async () => (await held()) === 1, { what: 'a leader' });
	await sql("ALTER TABLE events ADD CONSTRAINT races_boom CHECK (title IS DISTINCT FROM 'Races boom headline') NOT VALID");
	try {
		const r = await api('POST', '/articles', { headers: AUTH,
			body: {
				url: 'https://races.example.com/boom',
				published_at: '2024-06-02T08:00:00Z',
				title: 'Races boom headline',
				text: 'Firefighters in Valparaiso fought a forest fire on the hills above the port for a second day.\n\nHundreds of residents were evacuated.',
			},
		});
		assert.equal(r.status, 201, JSON.stringify(r.json));
		// Each failed batch releases the lead before the retry a second later.
		await waitFor(async () => (await held()) === 0, { timeout: 5000, interval: 20, what: 'the lead released after a failed batch' });
	} finally {
		await sql('ALTER TABLE events DROP CONSTRAINT races_boom');
	}
	await waitFor(async () => (await sql("SELECT count(*) FROM articles WHERE url = 'https://races.example.com/boom' AND event_id IS NOT NULL")) === '1',
		{ what: 'the article placed once the failure is gone' });
	assert.equal(await held(), 1, 'one session holds the lead');
});
