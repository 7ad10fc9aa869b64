// The storing transaction fails part way (a database error in the article's
// row, an entity's creation, its mentions): nothing of that article stays,
// POST /articles answers 503 (documented), the other items of its job are
// stored, the same connections go on storing (a failure must leave no
// connection in an aborted transaction), and the item is stored once the
// failure is gone. An entity merged while an article waits for its row is
// replaced by its target.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';

import { REPO, api, currentStack, sleep, sql, startStack, stopStack, test, waitFor, waitJob } from './harness.mjs';

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});

let seq = 0;
function article(tag, { title, name = 'Jean Valcourt' } = {}) {
	seq += 1;
	const marker = `${tag}${seq}x`;
	return {
		url: `https://store-failures.example.com/${marker}`,
		title: title || `Conseil municipal ${marker}`,
		published_at: '2024-05-06T08:00:00Z',
		text: `Le maire ${name} a présenté lundi 6 mai à Lyon un plan pour les pistes cyclables, référence ${marker}.\n\n` +
			`${name} a promis des itinéraires plus sûrs pour les familles et les écoliers, selon la mairie. ` +
			'Les commerçants du centre restent inquiets pour le stationnement.',
	};
}

const stored = async (url) => Number(await sql(`SELECT count(*) FROM articles WHERE url = '${url}'`));
const entities = async (name) => Number(await sql(`SELECT count(*) FROM entities WHERE name LIKE '%${name}%'`));

// Failures at three points of the storing transaction: the article's
// INSERT, an entity created for a new name, the mentions (after the entity
// was created). Each failing article names a
// person of its own, whom nothing else names.
const FAILURES = [
	{ what: 'the article row', table: 'articles', check: "title IS DISTINCT FROM 'Store boom headline'", name: 'Henri Rowboom', title: 'Store boom headline' },
	{ what: 'a new entity', table: 'entities', check: "name NOT LIKE '%Zorglub%'", name: 'Paul Zorglub' },
	{ what: 'the mentions', table: 'mentions', check: "surface NOT LIKE '%Quasimodo%'", name: 'Marc Quasimodo' },
];

for (const f of FAILURES) {
	test(`a failure in ${f.what} stores nothing of its article and loses nothing else; stored once the failure is gone`, async () => {
		const bad = article('bad', { name: f.name, title: f.title });
		const job = [article('ok'), article('bad', { name: f.name, title: f.title }), article('ok')];
		await sql(`ALTER TABLE ${f.table} ADD CONSTRAINT store_boom CHECK (${f.check}) NOT VALID`);
		let id;
		try {
			const refused = await api('POST', '/articles', { body: bad });
			assert.equal(refused.status, 503, refused.text);
			assert.match(refused.headers['content-type'], /^application\/problem\+json/);
			const r = await api('POST', '/jobs', { body: job });
			assert.equal(r.status, 202, r.text);
			id = r.json.id;
			await waitFor(async () => (await stored(job[0].url)) === 1 && (await stored(job[2].url)) === 1, { what: 'the other items stored' });
			await waitFor(async () => Number(await sql(`SELECT count(*) FROM job_items WHERE job_id = ${id} AND idx = 1 AND attempts >= 1 AND status = 'queued'`)) === 1,
				{ what: 'the failed item queued for a retry' });
			// The same connections go on storing.
			for (let i = 0; i < 4; i++) {
				const ok = article('ok');
				assert.equal((await api('POST', '/articles', { body: ok })).status, 201);
				assert.equal(await stored(ok.url), 1);
			}
			assert.equal(await stored(bad.url), 0, 'nothing stored');
			assert.equal(await stored(job[1].url), 0, 'nothing stored');
			assert.equal(await entities(f.name.split(' ')[1]), 0, 'no entity of the failed transactions');
		} finally {
			await sql(`ALTER TABLE ${f.table} DROP CONSTRAINT store_boom`);
		}
		const done = await waitJob(id);
		assert.equal(done.counts.done, 3, JSON.stringify(done.counts));
		const r = await api('POST', '/articles', { body: bad });
		assert.equal(r.status, 201, r.text);
		assert.equal((await api('POST', '/articles', { body: bad })).status, 200, 'stored once');
		for (const it of [bad, ...job])
			assert.equal(await stored(it.url), 1, `${it.url} stored once`);
		assert.equal(await entities(f.name.split(' ')[1]), 1, 'one entity for the name');
	});
}

test('an entity merged while an article waits to lock its row: the article links to the target', async () => {
	const first = await api('POST', '/articles', { body: article('mx', { name: 'Odile Mergelin' }) });
	const other = await api('POST', '/articles', { body: article('my', { name: 'Odette Mergelin' }) });
	assert.equal(first.status, 201, first.text);
	assert.equal(other.status, 201, other.text);
	const from = Number(await sql("SELECT id FROM entities WHERE name = 'Odile Mergelin'"));
	const into = Number(await sql("SELECT id FROM entities WHERE name = 'Odette Mergelin'"));
	// A curator's merge, uncommitted: it holds the row the next article
	// locks after its lookup found the entity still unmerged.
	const s = spawn(path.join(REPO, 'scripts', 'pg.sh'), ['psql', currentStack().dir, String(currentStack().pgPort), '-tA', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'pipe'] });
	let out = '';
	s.stdout.on('data', (d) => { out += d; });
	s.stderr.on('data', (d) => { out += d; });
	const closed = new Promise((resolve) => s.on('close', resolve));
	s.stdin.write(`BEGIN;\nUPDATE entities SET merged_into = ${into} WHERE id = ${from};\nSELECT 'merging';\n`);
	await waitFor(async () => out.includes('merging'), { what: 'the merge under way' });
	const input = article('mz', { name: 'Odile Mergelin' });
	const posted = api('POST', '/articles', { body: input });
	await waitFor(async () => Number(await sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query NOT LIKE '%pg_stat_activity%'")) > 0,
		{ what: 'the article waiting for the row' });
	await sleep(100);
	s.stdin.end('COMMIT;\n');
	await closed;
	assert.doesNotMatch(out, /ERROR/, out);
	const r = await posted;
	assert.equal(r.status, 201, r.text);
	const ids = r.json.entities.map((e) => e.id);
	assert.ok(ids.includes(into), `linked to the target ${into} (not ${from}): ${JSON.stringify(r.json.entities)}`);
	assert.ok(!ids.includes(from), 'not to the merged entity');
	assert.equal(Number(await sql(`SELECT count(*) FROM mentions WHERE entity_id = ${from} AND article_id = ${r.json.id}`)), 0);
	assert.equal(await stored(input.url), 1);
});
