// Near duplicates: the same story stored again with small edits (a wire copy
// on another site) points at the first copy and shares its event; exact
// copies answer the existing article.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, listAll, startStack, stopStack, test } from './harness.mjs';
import { EUROZONE_STORY as STORY } from './corpus.mjs';

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});


function page(paragraphs, extra) {
	return `Zone euro : les ministres divisés sur les règles budgétaires\n\n${extra}\n\n${paragraphs.join('\n\n')}\n\nPartager cet article`;
}

test('a copy with one word changed is stored as a near duplicate of the first and joins its event', async () => {
	const first = await api('POST', '/articles', { body: { text: page(STORY, 'Par AFP') } });
	assert.equal(first.status, 201, first.text);
	const edited = [...STORY];
	edited[3] = edited[3].replace('trop complexes', 'très complexes');
	const copy = await api('POST', '/articles', { body: { text: page(edited, 'Publié par Le Quotidien avec AFP') } });
	assert.equal(copy.status, 201, 'a copy with another body is a new article');
	assert.notEqual(copy.json.id, first.json.id);
	assert.notEqual(copy.json.content_hash, first.json.content_hash);
	assert.equal(copy.json.duplicate_of, first.json.id, 'duplicate_of points at the first copy');
	assert.equal(copy.json.event_id, first.json.event_id, 'the copy joins the event of the first');
	const original = await api('GET', `/articles/${first.json.id}`);
	assert.deepEqual(original.json.duplicates, [copy.json.id]);
	assert.equal(original.json.duplicate_of, null);

	// A copy of the copy points at the first article too.
	const third = [...edited];
	third[5] = third[5].replace('en fin de journée', 'en fin de séance');
	const again = await api('POST', '/articles', { body: { text: page(third, '') } });
	assert.equal(again.status, 201);
	assert.equal(again.json.duplicate_of, first.json.id);

	const unrelated = await api('POST', '/articles', { body: { text: 'Le festival de jazz de Marciac a accueilli cette année plus de deux cent mille spectateurs, un record selon les organisateurs qui annoncent déjà la programmation de la prochaine édition avec plusieurs artistes américains.' } });
	assert.equal(unrelated.status, 201);
	assert.equal(unrelated.json.duplicate_of, null);

	const all = (await listAll('/articles')).map((a) => a.id);
	const originals = (await listAll('/articles?duplicates=false')).map((a) => a.id);
	assert.ok(all.includes(copy.json.id) && all.includes(again.json.id));
	assert.ok(!originals.includes(copy.json.id) && !originals.includes(again.json.id), 'duplicates=false hides copies');
	assert.ok(originals.includes(first.json.id) && originals.includes(unrelated.json.id));
	assert.deepEqual((await listAll('/articles?duplicates=true')).map((a) => a.id).sort(), all.sort());
});

test('duplicates= accepts only true or false', async () => {
	for (const v of ['yes', '1', '', 'False']) {
		const r = await api('GET', `/articles?duplicates=${v}`);
		assert.equal(r.status, 400, `duplicates=${v}`);
		assert.match(r.json.detail, /duplicates/);
	}
});
