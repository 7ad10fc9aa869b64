// The clustering leader against failures and curation: a failed batch gives
// up the lead, a curation and a leader's commit never deadlock, a near
// duplicate of an article whose event is no longer in memory adds to the
// stored event instead of replacing its centroid (and, bringing it to a
// milestone size, makes it look for a story again), a batch never places an
// article placed since it was read.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';

import { REPO, api, currentStack, restartServer, sleep, sql, startStack, stopStack, test, waitFor } from './harness.mjs';
import { EUROZONE_STORY as STORY } from './corpus.mjs';

const KEY = 'races-test-key';
const AUTH = { Authorization: `Bearer ${KEY}` };
const LEAD_KEY = '7958814385711541356';

before(async () => {
	await startStack({ NEWSD_API_KEYS: KEY });
});
after(stopStack);


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

test('a near duplicate of an article whose event is not in memory adds to the stored event', async () => {
	const first = await post({
		url: 'https://races.example.fr/2020/01/06/zone-euro',
		published_at: '2020-01-06T08:00:00Z',
		title: 'Zone euro : les ministres divisés sur les règles budgétaires',
		text: STORY.join('\n\n'),
	});
	// A much later article: after a restart the 2020 event is beyond the
	// events the leader loads.
	await post({
		url: 'https://races.example.com/2024/06/01/chile-earthquake',
		published_at: '2024-06-01T08:00:00Z',
		title: 'Magnitude 7.1 earthquake strikes northern Chile',
		text: 'A magnitude 7.1 earthquake struck northern Chile on Tuesday, damaging buildings in Antofagasta and cutting power to thousands of homes.\n\nRescue teams searched collapsed houses in the port city.',
	});
	const before = centroidMass(await sql(`SELECT encode(centroid, 'hex') FROM events WHERE id = ${first.event_id}`));
	assert.ok(before > 0);
	await restartServer();
	const copy = await post({
		url: 'https://races.example.be/2020/01/06/zone-euro-copie',
		published_at: '2020-01-06T09:00:00Z',
		title: 'Zone euro : les ministres divisés sur les règles budgétaires',
		text: STORY.join('\n\n').replace('lundi', 'ce lundi'),
	});
	assert.equal(copy.duplicate_of, first.id, 'the copy is a near duplicate');
	assert.equal(copy.event_id, first.event_id, 'it joins its original event');
	const row = await sql(`SELECT article_count, encode(centroid, 'hex') FROM events WHERE id = ${first.event_id}`);
	const [count, hex] = row.split('|');
	assert.equal(count, '2');
	const now = centroidMass(hex);
	assert.ok(now > 1.5 * before, `the centroid sums both articles (mass ${before} -> ${now}), not the copy alone`);
});

test('a leader whose batch failed gives up the lead', async () => {
	const held = async () => Number(await sql(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = ${LEAD_KEY}`));
	await waitFor(async () => (await held()) === 1, { what: 'a leader' });
	await sql("ALTER TABLE events ADD CONSTRAINT races_boom CHECK (title IS DISTINCT FROM 'Races boom headline') NOT VALID");
	try {
		const t0 = Date.now();
		const r = await api('POST', '/articles', { headers: AUTH,
			body: {
				url: 'https://races.example.com/boom',
				published_at: '2024-06-02T08:00:00Z',
				title: 'Races boom headline',
				text: 'Firefighters in Valparaiso fought a forest fire on the hills above the port for a second day.\n\nHundreds of residents were evacuated.',
			},
		});
		assert.equal(r.status, 201, JSON.stringify(r.json));
		assert.equal(r.json.event_id, null, 'not placed yet');
		// The answer waits up to 2 s for the placement, not 16.
		assert.ok(Date.now() - t0 < 4000, `POST /articles answered after ${Date.now() - t0} ms`);
		// Each failed batch releases the lead before the retry a second later.
		await waitFor(async () => (await held()) === 0, { timeout: 5000, interval: 20, what: 'the lead released after a failed batch' });
	} finally {
		await sql('ALTER TABLE events DROP CONSTRAINT races_boom');
	}
	await waitFor(async () => (await sql("SELECT count(*) FROM articles WHERE url = 'https://races.example.com/boom' AND event_id IS NOT NULL")) === '1',
		{ what: 'the article placed once the failure is gone' });
	assert.equal(await held(), 1, 'one session holds the lead');
});

function psqlSession() {
	const s = currentStack();
	const p = spawn(path.join(REPO, 'scripts', 'pg.sh'), ['psql', s.dir, String(s.pgPort), '-tA', '-v', 'ON_ERROR_STOP=0'], { stdio: ['pipe', 'pipe', 'pipe'] });
	let out = '';
	p.stdout.on('data', (d) => { out += d; });
	p.stderr.on('data', (d) => { out += d; });
	const done = new Promise((resolve) => p.on('close', resolve));
	return { write: (q) => p.stdin.write(q), output: () => out, end: async () => { p.stdin.end(); await done; return out; } };
}

test('a curation and a leader committing at the same time do not deadlock', async () => {
	const a = await post({
		url: 'https://races.example.com/2024/06/03/tennis',
		published_at: '2024-06-03T08:00:00Z',
		title: 'Nadal wins his first-round match at Roland Garros',
		text: 'Rafael Nadal beat his opponent in straight sets at Roland Garros in Paris on Monday.\n\nThe Spaniard will face a qualifier in the second round.',
	});
	const b = await post({
		url: 'https://races.example.com/2024/06/03/rates',
		published_at: '2024-06-03T09:00:00Z',
		title: 'The European Central Bank holds its key rates',
		text: 'The European Central Bank kept its key interest rates unchanged on Monday in Frankfurt, Christine Lagarde said.\n\nInflation in the euro zone slowed to 2.4 percent in May.',
	});
	assert.notEqual(a.event_id, b.event_id);
	// A session in the leader's place: it read the generation FOR SHARE at
	// the start of its commit and will then update the articles it places.
	const s = psqlSession();
	s.write('BEGIN;\nSELECT generation FROM cluster_state WHERE id = 1 FOR SHARE;\n');
	await waitFor(async () => /^\d+$/m.test(s.output()), { what: 'the generation read' });
	const merge = api('POST', `/events/${a.event_id}/merge`, { body: { into: b.event_id }, headers: AUTH });
	await waitFor(async () => Number(await sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query NOT LIKE '%pg_stat_activity%'")) > 0,
		{ what: 'the curation waiting' });
	await sleep(200);
	s.write(`UPDATE articles SET clustered_at = clustered_at WHERE id = ${a.id};\nCOMMIT;\n`);
	const out = await s.end();
	const r = await merge;
	assert.doesNotMatch(out, /ERROR/, `the leader's transaction: ${out}`);
	assert.equal(r.status, 200, JSON.stringify(r.json));
	assert.equal((await api('GET', `/articles/${a.id}`)).json.event_id, b.event_id);
});

test('a centroid rebuilt after a curation sums all the articles of a large event', async () => {
	// 50,001 articles of one event whose centroid a curation dropped: each
	// has term 10 once. The rebuild used to read 50,000 article rows per
	// load and saved the centroid of the first 50,000 for good.
	const n = 50001;
	const ev = await sql("INSERT INTO events (title, first_published, last_published, article_count) VALUES ('races big', now(), now(), 50001) RETURNING id");
	await sql(`INSERT INTO articles (content_hash, simhash, body, ts_config, raw, event_id, clustered_at, terms) SELECT 'races-big-' || i, 0, 'x', 'simple', '{}', ${ev}, now(), decode('0000000a3f800000', 'hex') FROM generate_series(1, ${n}) AS i`);
	await restartServer();
	const hex = await waitFor(async () => sql(`SELECT encode(centroid, 'hex') FROM events WHERE id = ${ev} AND centroid IS NOT NULL`), { what: 'the centroid rebuilt' });
	assert.equal(hex.slice(0, 8), '0000000a');
	assert.equal(centroidMass(hex), n, 'every article counted');
});

// A statement of server/db/<file> (cluster_commit.c unless told), from its C literal.
function statement(name, file = 'cluster_commit.c') {
	const src = fs.readFileSync(path.join(REPO, 'server', 'db', file), 'utf8');
	const at = src.indexOf(`"${name}",`);
	assert.ok(at >= 0, name);
	const body = src.slice(at + name.length + 3, src.indexOf('};', at));
	return [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('');
}

test('two events of one batch moving stories in a chain do not delete a story still used', async () => {
	// E0 and E1 each alone in their story; E1 moves to E0's story while E0
	// moves to E-1's: the move deleted E0's story, which E1 had just joined.
	const story = async () => sql("INSERT INTO stories (title) VALUES ('races chain') RETURNING id");
	const event = async (s) => sql(`INSERT INTO events (title, first_published, last_published, story_id) VALUES ('races chain', now(), now(), ${s}) RETURNING id`);
	const [sm1, s0, s1] = [await story(), await story(), await story()];
	const [em1, e0, e1] = [await event(sm1), await event(s0), await event(s1)];
	await sql(`PREPARE restory (bigint[], bigint[]) AS ${statement('cluster_restory')}; EXECUTE restory('{${e1},${e0}}', '{${e0},${em1}}')`);
	const rows = await sql(`SELECT e.id, s.id IS NOT NULL FROM events e LEFT JOIN stories s ON s.id = e.story_id WHERE e.id IN (${em1}, ${e0}, ${e1}) ORDER BY e.id`);
	assert.equal(rows, `${em1}|t\n${e0}|t\n${e1}|t`, 'every event keeps a story');
	assert.equal(await sql(`SELECT count(*) FROM stories WHERE id = ${s1}`), '0', "E1's emptied story goes");
});

test('a load does not save a centroid rebuilt from articles a curation under way moves', async () => {
	const a1 = await post({
		url: 'https://races.example.com/2024/07/01/bridge-1',
		published_at: '2024-07-01T08:00:00Z',
		title: 'Storm closes the Oresund bridge between Copenhagen and Malmo',
		text: 'A storm closed the Oresund bridge between Copenhagen and Malmo on Monday, stranding commuters.\n\nWinds reached 120 kilometres an hour over the strait.',
	});
	const a2 = await post({
		url: 'https://races.example.se/2024/07/01/bridge-2',
		published_at: '2024-07-01T09:00:00Z',
		title: 'Oresund bridge closed by storm, Copenhagen and Malmo commuters stranded',
		text: 'The Oresund bridge linking Copenhagen and Malmo was closed by a storm on Monday and commuters were stranded.\n\nWinds of 120 kilometres an hour swept the strait.',
	});
	const other = await post({
		url: 'https://races.example.com/2024/07/01/harvest',
		published_at: '2024-07-01T10:00:00Z',
		title: 'Wheat harvest starts early in Ukraine',
		text: 'Farmers in southern Ukraine started the wheat harvest two weeks early after a hot June.\n\nYields are expected to be lower than last year.',
	});
	assert.equal(a2.event_id, a1.event_id, 'the two bridge reports share an event');
	const e = a1.event_id;
	// A previous curation left the event to rebuild.
	await sql(`UPDATE events SET centroid = NULL WHERE id = ${e}`);
	// Past the leader's periodic save of its document frequencies, so that
	// stopping it does not wait for the curation below.
	await sleep(11000);
	// A curation under way moves a2 out (as a split would: generation
	// first, then the articles and the recount).
	const s = psqlSession();
	s.write(`BEGIN;\nUPDATE cluster_state SET generation = generation + 1;\nUPDATE articles SET event_id = ${other.event_id} WHERE id = ${a2.id};\nUPDATE events SET centroid = NULL WHERE id IN (${e}, ${other.event_id});\nSELECT 'moved';\n`);
	await waitFor(async () => /moved/.test(s.output()), { what: 'the curation under way' });
	await restartServer();
	// The reload reads the event's articles (a1 and a2, committed) and waits.
	await waitFor(async () => Number(await sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query NOT LIKE '%pg_stat_activity%'")) > 0,
		{ what: 'the load waiting for the curation' });
	s.write('COMMIT;\n');
	const out = await s.end();
	assert.doesNotMatch(out, /ERROR/, out);
	const hex = await waitFor(async () => sql(`SELECT encode(centroid, 'hex') FROM events WHERE id = ${e} AND centroid IS NOT NULL`), { what: 'the centroid rebuilt' });
	const terms = Buffer.from(await sql(`SELECT encode(terms, 'hex') FROM articles WHERE id = ${a1.id}`), 'hex');
	let expected = 0;
	for (let i = 0; i + 8 <= terms.length; i += 8) {
		const tf = terms.readFloatBE(i + 4);
		if (tf > 0)
			expected += 1 + Math.log(tf);
	}
	assert.ok(terms.length / 8 <= 160, 'a short article: its whole vector is the centroid');
	assert.ok(Math.abs(centroidMass(hex) - expected) < 1e-3 * expected, `the centroid is a1's alone (${centroidMass(hex)} vs ${expected})`);
});

test('a batch whose article was placed meanwhile places and counts nothing twice', async () => {
	const a = await post({
		url: 'https://races.example.com/2024/08/01/rates',
		published_at: '2024-08-01T08:00:00Z',
		title: 'The Bank of England cuts its key rate',
		text: 'The Bank of England cut its key interest rate by a quarter point on Thursday in London, Andrew Bailey said.\n\nInflation in the United Kingdom fell to 2 percent in June.',
	});
	// The leader saves its document frequencies after a batch (when ten
	// seconds passed): that UPDATE of cluster_state must not be the one
	// left waiting below, so wait for the save of a's batch.
	await waitFor(async () => (await sql(`SELECT saved_at >= clustered_at FROM cluster_state, articles WHERE cluster_state.id = 1 AND articles.id = ${a.id}`)) === 't',
		{ timeout: 20000, interval: 250, what: "the document frequencies of a's batch saved" });
	// Hold the row the leader's commit reads first, so that its next batch
	// waits between reading b and placing it.
	const s = psqlSession();
	s.write('BEGIN;\nSELECT generation FROM cluster_state WHERE id = 1 FOR UPDATE;\n');
	await waitFor(async () => /^\d+$/m.test(s.output()), { what: 'the generation locked' });
	const r = await api('POST', '/articles', { headers: AUTH,
		body: {
			url: 'https://races.example.com/2024/08/01/wildfire',
			published_at: '2024-08-01T09:00:00Z',
			title: 'Wildfire forces evacuations on the Greek island of Evia',
			text: 'A wildfire forced the evacuation of villages on the Greek island of Evia on Thursday as strong winds fanned the flames.\n\nFirefighting planes dropped water on the hills.',
		},
	});
	assert.equal(r.status, 201, JSON.stringify(r.json));
	const b = r.json.id;
	await waitFor(async () => Number(await sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM cluster_state%FOR SHARE%' AND query NOT LIKE '%pg_stat_activity%'")) > 0,
		{ what: "the leader's commit waiting" });
	// Someone else places b first (into a's event, counted there).
	s.write(`UPDATE articles SET event_id = ${a.event_id}, clustered_at = now() WHERE id = ${b};\nUPDATE events SET article_count = article_count + 1 WHERE id = ${a.event_id};\nCOMMIT;\n`);
	const out = await s.end();
	assert.doesNotMatch(out, /ERROR/, out);
	// An article after b, placed once the leader has dealt with b's batch.
	await post({
		url: 'https://races.example.com/2024/08/01/chess',
		published_at: '2024-08-01T10:00:00Z',
		title: 'Chess olympiad opens in Budapest',
		text: 'The chess olympiad opened in Budapest on Thursday with teams from 190 countries.\n\nThe first round starts on Friday.',
	});
	assert.equal(await sql(`SELECT event_id FROM articles WHERE id = ${b}`), String(a.event_id), 'b stays where it was placed first');
	assert.equal(await sql(`SELECT article_count FROM events WHERE id = ${a.event_id}`), '2', "a's event counts b once");
	assert.equal(await sql(`SELECT count(*) FROM events e WHERE e.id > ${a.event_id} AND e.article_count <> (SELECT count(*) FROM articles x WHERE x.event_id = e.id)`), '0',
		'the events opened since count their articles once');
	const log = fs.readFileSync(currentStack().serverLog, 'utf8');
	assert.match(log, /articles of the batch were placed by someone else meanwhile/);
});

test('a near duplicate that brings an event to two articles makes it look for a story again', async () => {
	const story = async (ev) => sql(`SELECT coalesce(story_id, 0) FROM events WHERE id = ${Number(ev)}`);
	// Two participants, nothing else: E0's core.
	const e0 = await post({
		url: 'https://races.example.fr/2024/09/02/macron-scholz',
		published_at: '2024-09-02T08:00:00Z',
		title: 'Emmanuel Macron et Olaf Scholz parlent de défense européenne',
		text: 'Le président français Emmanuel Macron et le chancelier allemand Olaf Scholz ont eu lundi un long entretien sur la défense européenne.\n\nEmmanuel Macron a plaidé pour un emprunt commun, tandis qu\'Olaf Scholz a défendu la discipline budgétaire.',
	});
	// Six weeks later, Scholz without Macron: a new event, which shares one
	// participant with E0, too few for its story.
	const words = 'Le chancelier allemand Olaf Scholz a reçu mardi le Premier ministre polonais Donald Tusk pour discuter de la sécurité des frontières orientales et des livraisons de gaz.\n\nLes deux dirigeants ont signé une déclaration commune sur la coopération des garde-frontières et sur la protection des infrastructures énergétiques en mer Baltique.\n\nLes ministres de l\'Intérieur des deux pays se retrouveront le mois prochain pour préciser le calendrier des patrouilles communes et le financement des nouveaux équipements de surveillance.';
	const e1 = await post({
		url: 'https://races.example.fr/2024/10/15/scholz-tusk',
		published_at: '2024-10-15T08:00:00Z',
		title: 'Olaf Scholz reçoit Donald Tusk',
		text: words,
	});
	assert.notEqual(e1.event_id, e0.event_id);
	assert.notEqual(await story(e1.event_id), await story(e0.event_id), 'one shared participant: another story');
	// A copy that also names Macron: E1's second article, and Macron now
	// one of its core participants.
	const copy = await post({
		url: 'https://races.example.be/2024/10/15/scholz-tusk-copie',
		published_at: '2024-10-15T09:00:00Z',
		title: 'Olaf Scholz reçoit Donald Tusk',
		text: `${words}\n\nEmmanuel Macron doit les rejoindre jeudi.`,
	});
	assert.equal(copy.duplicate_of, e1.id, 'the copy is a near duplicate');
	assert.equal(copy.event_id, e1.event_id, 'it joins its original event');
	assert.equal(await story(e1.event_id), await story(e0.event_id), 'at two articles E1 looked again and joined the story of E0');
});

test('the lookups of loads and curation use indexes, not a scan of every event', async () => {
	const plan = async (q) => sql(`SET enable_seqscan = off; EXPLAIN ${q}`);
	// merge_mark and recluster's "was anything merged into it"
	assert.doesNotMatch(await plan('UPDATE events SET merged_into = 2 WHERE merged_into = 1'), /Seq Scan/);
	assert.doesNotMatch(await plan('SELECT 1 FROM events m WHERE m.merged_into = 1'), /Seq Scan/);
	// a page of stale events (cluster_stale)
	assert.match(await plan('SELECT e.id FROM events e WHERE e.centroid IS NULL AND e.merged_into IS NULL AND e.id > 0 ORDER BY e.id LIMIT 1000'), /events_stale/);
	// recluster_delete
	assert.doesNotMatch(await plan("UPDATE event_history SET other_event_id = NULL WHERE other_event_id = ANY ('{1}')"), /Seq Scan/);
	// recluster: the articles of events dated in the period, and the
	// articles whose own happening day is, each found by an index (not a scan
	// every placed article), planned on two years of 2,000 events of ten
	// articles each, in a transaction left open (psql rolls it back)
	const recluster = await sql(`BEGIN;
		INSERT INTO events (id, title, first_published, last_published, article_count, event_date)
			SELECT 900000 + i, 'races plan', now(), now(), 10, DATE '2022-01-01' + i % 730 FROM generate_series(1, 2000) AS i;
		INSERT INTO articles (content_hash, simhash, body, ts_config, raw, event_id, clustered_at, happened_on)
			SELECT 'races-plan-' || i, 0, 'x', 'simple', '{}', 900000 + i / 10 + 1, now(), DATE '2022-01-01' + (i / 10) % 730 + i % 3 - 1
			FROM generate_series(0, 19999) AS i;
		ANALYZE events, articles;
		PREPARE rc (date, date) AS ${statement('recluster', 'events_curate.c')};
		EXPLAIN EXECUTE rc('2023-03-01', '2023-03-07')`);
	const lookups = recluster.slice(recluster.indexOf('CTE by_event'), recluster.indexOf('CTE t\n'));
	assert.match(lookups, /CTE by_article/, recluster);
	assert.match(lookups, /Index Cond: \(\(event_date >= /, recluster);
	assert.match(lookups, /Index Cond: \(\(happened_on >= /, recluster);
	assert.doesNotMatch(lookups, /Seq Scan on articles/, recluster);
});
