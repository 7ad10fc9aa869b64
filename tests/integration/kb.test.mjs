// Knowledge base (issue 4): the default base `newsd migrate` loads, and
// `newsd kb import` of our own Wikidata-format fixture, plain, gzip and
// bzip2: rows, idempotence, a malformed line, an unreadable file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import zlib from 'node:zlib';

import { BIN, REPO, api, currentStack, run, runMigrate, sql, startStack, stopStack, test } from './harness.mjs';

const FIXTURES = path.join(REPO, 'tests', 'fixtures', 'kb');

async function kbImport(...args) {
	const s = currentStack();
	const env = { ...process.env, DATABASE_URL: s.dbUrl };
	for (const k of Object.keys(env))
		if (k.startsWith('NEWSD_') && k !== 'NEWSD_BIN')
			delete env[k];
	return run(BIN, ['kb', 'import', ...args], { env, logFile: path.join(s.outDir, 'kb.log') });
}

// Rows of the fixture's entities, in a stable text form.
async function fixtureRows() {
	return sql(`SELECT e.qid, coalesce(e.external_id, ''), e.kind, e.name, coalesce(e.country, ''),
			(SELECT count(*) FROM entity_labels l WHERE l.entity_id = e.id),
			(SELECT count(*) FROM entity_aliases a WHERE a.entity_id = e.id)
		FROM entities e WHERE e.qid IN ('Q7747', 'Q159', 'Q649', 'Q35525', 'Q1860', 'Q98765432')
			OR e.external_id = 'newsd:organization:agence-test' ORDER BY e.external_id COLLATE "C"`);
}

let tmp;
before(async () => {
	await startStack();
	tmp = fs.mkdtempSync(path.join(currentStack().dir, 'kb-'));
});
after(async () => {
	await stopStack();
});

test('the default knowledge base is loaded by migrate, once', async () => {
	const imports = await sql("SELECT name, entities > 9000, finished_at IS NOT NULL FROM kb_imports WHERE name = 'default'");
	assert.equal(imports, 'default|t|t');
	// Names in several languages reach one entity each.
	for (const [q, name, kind] of [['poutine', 'Vladimir Putin', 'person'], ['путин', 'Vladimir Putin', 'person'],
		['Vladimir Poutine', 'Vladimir Putin', 'person'], ['moscou', 'Moscow', 'location'],
		['maison blanche', 'White House', 'organization'], ['États-Unis', 'United States', 'location'],
		['otan', 'NATO', 'organization'], ['pékin', 'Beijing', 'location'], ['Peking', 'Beijing', 'location'],
		['genf', 'Geneva', 'location'], ['la haye', 'The Hague', 'location']]) {
		const r = await api('GET', `/entities?q=${encodeURIComponent(q)}&limit=50`);
		assert.equal(r.status, 200);
		const hit = r.json.data.find((e) => e.name === name);
		assert.ok(hit, `GET /entities?q=${q} finds ${name}: ${r.json.data.map((e) => e.name).join(', ')}`);
		assert.equal(hit.kind, kind);
	}
	assert.equal(await sql("SELECT count(DISTINCT entity_id) FROM entity_aliases WHERE norm IN ('poutine', 'putin', 'vladimir poutine')"), '1');
	assert.equal(await sql("SELECT country || ' ' || (latitude IS NOT NULL)::int FROM entities WHERE qid = 'Q30'"), 'US 1');
	assert.equal(await sql("SELECT country FROM entities WHERE external_id = 'newsd:geonames:2988507'"), 'FR'); // Paris
	// A second migrate finds it loaded and adds nothing.
	const before = await sql('SELECT count(*) FROM entities');
	const mig = await runMigrate();
	assert.equal(mig.code, 0, mig.err);
	assert.match(mig.err + mig.out, /already loaded/);
	assert.equal(await sql('SELECT count(*) FROM entities'), before);
	assert.equal(await sql("SELECT count(*) FROM kb_imports WHERE name = 'default'"), '1');
});

// Cities by their names in other languages (exonyms.tsv, CLDR): one place
// each, and a bare "Washington" is the capital, not a town of that name.
test('an article links cities named in its own language to the default base\'s places', async () => {
	const text = 'Des pourparlers à Genève\n\nLes délégués venus de Pékin et de Washington ont repris lundi à Genève les discussions commencées à La Haye, avant une réunion prévue à Cologne.';
	const r = await api('POST', '/articles', { body: { text, lang: 'fr', published_at: '2025-03-03T10:00:00Z' } });
	assert.equal(r.status, 201, JSON.stringify(r.json));
	const art = await api('GET', `/articles/${r.json.id}`);
	const where = {};
	for (const e of art.json.entities) {
		const full = await api('GET', `/entities/${e.id}`);
		where[e.mentions[0].text] = `${full.json.name} ${full.json.country}`;
	}
	assert.deepEqual(where, { Genève: 'Geneva CH', Pékin: 'Beijing CN', Washington: 'Washington US',
		'La Haye': 'The Hague NL', Cologne: 'Cologne DE' }, JSON.stringify(where));
});

test('kb import of a Wikidata-format dump: plain, then gzip and bzip2 idempotently', async () => {
	const plain = path.join(FIXTURES, 'small.json');
	const putinBefore = Number(await sql("SELECT notability FROM entities WHERE qid = 'Q7747'"));
	const r = await kbImport(plain);
	assert.equal(r.code, 0, r.err + r.out);
	assert.match(r.out, /imported 'small\.json': 5 entities from 10 lines \(5 skipped, 0 malformed\)/);
	const rows = await fixtureRows();
	// Rows carry the default base's names too; the fields a dump sets:
	assert.deepEqual(rows.split('\n').map((r) => r.split('|').slice(0, 5).join('|')), [
		'Q159|Q159|location|Russia|RU',
		'Q35525|Q35525|organization|White House|US',
		'Q7747|Q7747|person|Vladimir Putin|RU',
		// The default base's GeoNames Moscow took the dump's QID.
		'Q649|newsd:geonames:524901|location|Moscow|RU',
		'|newsd:organization:agence-test|organization|Agence Test|FR',
	]);
	// The dump's 6 sitelinks do not lower what the default base gave.
	assert.equal(Number(await sql("SELECT notability FROM entities WHERE qid = 'Q7747'")), Math.max(6, putinBefore));
	assert.equal(await sql("SELECT l.name FROM entity_labels l JOIN entities e ON e.id = l.entity_id WHERE e.qid = 'Q649' AND l.lang = 'fr'"), 'Moscou');
	assert.equal(await sql("SELECT count(*) FROM entities WHERE name = 'Moscow' AND country = 'RU'"), '1');
	// The language (not a kept class) and the one-sitelink village are not there.
	assert.equal(await sql("SELECT count(*) FROM entities WHERE qid IN ('Q1860', 'Q98765432')"), '0');
	const count = await sql('SELECT count(*) FROM entities');
	const aliases = await sql('SELECT count(*) FROM entity_aliases');

	const gz = path.join(tmp, 'small.json.gz');
	fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(plain)));
	const bz = path.join(tmp, 'small.json.bz2');
	const b = spawnSync('bzip2', ['-c', plain], { maxBuffer: 1 << 20 });
	assert.equal(b.status, 0);
	fs.writeFileSync(bz, b.stdout);
	for (const file of [gz, bz, plain]) {
		const again = await kbImport(file);
		assert.equal(again.code, 0, again.err + again.out);
		assert.match(again.out, /: 5 entities from 10 lines/);
		assert.equal(await fixtureRows(), rows, file);
		assert.equal(await sql('SELECT count(*) FROM entities'), count, file);
		assert.equal(await sql('SELECT count(*) FROM entity_aliases'), aliases, file);
	}
	const recorded = await sql("SELECT name || ' ' || entities FROM kb_imports WHERE name LIKE 'small.json%' ORDER BY name");
	assert.equal(recorded, 'small.json 5\nsmall.json.bz2 5\nsmall.json.gz 5');
	// Options: a lower threshold keeps the village; --langs en keeps English names only.
	const low = await kbImport(plain, '--min-sitelinks', '0', '--langs=en');
	assert.equal(low.code, 0, low.err);
	assert.equal(await sql("SELECT string_agg(lang, ',') FROM entity_labels l JOIN entities e ON e.id = l.entity_id WHERE e.qid = 'Q98765432'"), 'en');
	// Two gzip members and two bzip2 streams, one after the other, read whole.
	const lines = fs.readFileSync(plain, 'utf8').split('\n');
	const cat = path.join(tmp, 'cat.json.gz');
	fs.writeFileSync(cat, Buffer.concat([zlib.gzipSync(lines.slice(0, 4).join('\n') + '\n'), zlib.gzipSync(lines.slice(4).join('\n'))]));
	const catr = await kbImport(cat);
	assert.equal(catr.code, 0, catr.err);
	assert.match(catr.out, /: 5 entities from 10 lines/);
	const cat2 = path.join(tmp, 'cat.json.bz2');
	const part = (s) => spawnSync('bzip2', ['-c'], { input: s }).stdout;
	fs.writeFileSync(cat2, Buffer.concat([part(lines.slice(0, 3).join('\n') + '\n'), part(lines.slice(3).join('\n'))]));
	const cat2r = await kbImport(cat2);
	assert.equal(cat2r.code, 0, cat2r.err);
	assert.match(cat2r.out, /: 5 entities from 10 lines/);
});

test('kb import: a malformed line is counted with its number; an unreadable file fails', async () => {
	const r = await kbImport(path.join(FIXTURES, 'malformed.json'));
	assert.equal(r.code, 0, r.err + r.out);
	assert.match(r.out, /2 entities from 4 lines \(1 skipped, 1 malformed\)/);
	assert.match(r.out, /the first malformed line is line 3/);
	assert.match(r.err, /line 3: not a JSON entity/);

	const missing = await kbImport(path.join(tmp, 'no-such-file.json'));
	assert.equal(missing.code, 1);
	assert.match(missing.err, /cannot read .*no-such-file\.json.*No such file or directory/);
	const usage = await kbImport();
	assert.equal(usage.code, 2);
	assert.match(usage.err, /usage: newsd kb import FILE/);
	// Corrupt compressed data is an error, not a silent end.
	const bad = path.join(tmp, 'bad.json.gz');
	const gz = zlib.gzipSync(fs.readFileSync(path.join(FIXTURES, 'small.json')));
	gz.fill(0x55, 20, 60);
	fs.writeFileSync(bad, gz);
	const badr = await kbImport(bad);
	assert.equal(badr.code, 1);
	assert.match(badr.err, /corrupt compressed data/);
});

// What a bulk import drops and must always put back: the indexes of the
// entity tables as the migrations define them, and the foreign keys.
const ENTITY_INDEXES = `SELECT string_agg(indexdef, E'\n' ORDER BY indexname) FROM pg_indexes
	WHERE tablename IN ('entities', 'entity_aliases', 'entity_labels')`;
let indexesAsMigrated = null;
async function bulkObjects() {
	const idx = await sql(ENTITY_INDEXES);
	if (indexesAsMigrated === null) indexesAsMigrated = idx;
	const fks = await sql(`SELECT string_agg(conname || ':' || convalidated, ',' ORDER BY conname)
		FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('entity_aliases'::regclass, 'entity_labels'::regclass)`);
	return `${idx === indexesAsMigrated ? 'indexes as migrated' : idx} ${fks}`;
}
const BULK_OK = 'indexes as migrated entity_aliases_entity_id_fkey:true,entity_labels_entity_id_fkey:true';

test('kb import --bulk rebuilds the trigram index and foreign keys, after a failure too; a later import restores what a killed one left dropped', async () => {
	assert.equal(await bulkObjects(), BULK_OK);
	const plain = path.join(FIXTURES, 'small.json');
	const rows = await fixtureRows();
	const r = await kbImport(plain, '--bulk', '--batch', '2');
	assert.equal(r.code, 0, r.err + r.out);
	assert.match(r.err, /bulk import \(--bulk: .*dropped now and rebuilt at the end/);
	assert.match(r.err, /indexes and foreign keys rebuilt/);
	assert.match(r.out, /: 5 entities from 10 lines/);
	assert.equal(await bulkObjects(), BULK_OK);
	assert.equal(await fixtureRows(), rows);
	// The index serves the search again.
	const q = await api('GET', '/entities?q=poutine&limit=5');
	assert.ok(q.json.data.some((e) => e.name === 'Vladimir Putin'));

	// Corrupt data halfway through a bulk import: it fails, and the index and
	// keys are back.
	const lines = fs.readFileSync(plain);
	const bad = path.join(tmp, 'bulk-bad.json.gz');
	const second = zlib.gzipSync(lines);
	second.fill(0x55, 20, 60);
	fs.writeFileSync(bad, Buffer.concat([zlib.gzipSync(lines), second]));
	const badr = await kbImport(bad, '--bulk', '--batch', '1');
	assert.equal(badr.code, 1, badr.err + badr.out);
	assert.match(badr.err, /corrupt compressed data/);
	assert.match(badr.err, /indexes and foreign keys rebuilt/);
	assert.equal(await bulkObjects(), BULK_OK);

	// A bulk import killed before its end leaves them dropped: the next
	// import (or migrate) puts them back first.
	await sql('ALTER TABLE entity_aliases DROP CONSTRAINT entity_aliases_entity_id_fkey; DROP INDEX entity_aliases_trgm, entities_by_recency');
	const again = await kbImport(plain, '--no-bulk');
	assert.equal(again.code, 0, again.err + again.out);
	assert.match(again.err, /restored the secondary indexes and foreign keys/);
	assert.doesNotMatch(again.err, /bulk import \(/);
	assert.equal(await bulkObjects(), BULK_OK);
	await sql('ALTER TABLE entity_labels DROP CONSTRAINT entity_labels_entity_id_fkey');
	const mig = await runMigrate();
	assert.equal(mig.code, 0, mig.err);
	assert.equal(await bulkObjects(), BULK_OK);
	assert.equal(await fixtureRows(), rows);
});

test('a dump never lowers a notability the default base gave (its scale may be another)', async () => {
	const before = Number(await sql("SELECT notability FROM entities WHERE qid = 'Q142'"));
	assert.ok(before > 50, `France is notable in the default base (${before})`);
	const file = path.join(tmp, 'france-low.json');
	const item = {
		id: 'Q142', type: 'item',
		labels: { en: { language: 'en', value: 'France' }, fr: { language: 'fr', value: 'France' } },
		aliases: {}, descriptions: {},
		claims: { P31: [{ mainsnak: { snaktype: 'value', property: 'P31', datavalue: { type: 'wikibase-entityid', value: { 'entity-type': 'item', id: 'Q6256' } } } }] },
		sitelinks: {},
	};
	fs.writeFileSync(file, `[\n${JSON.stringify(item)}\n]\n`);
	const r = await kbImport('--min-sitelinks', '0', file);
	assert.equal(r.code, 0, r.err);
	assert.equal(Number(await sql("SELECT notability FROM entities WHERE qid = 'Q142'")), before);
});
