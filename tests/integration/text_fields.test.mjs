// The text pipeline's metadata as the API serves it: dates mentioned (with
// character offsets a client can slice the body with, resolved against the
// publication date), publication date from the text, credits, HTML metadata.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, startStack, stopStack, test } from './harness.mjs';

before(async () => {
	await startStack();
});
after(async () => {
	await stopStack();
});

test('dates mentioned: offsets slice the body, relative ones resolve against the publication date', async () => {
	const text = 'Les négociations ont repris à Genève\n\n' +
		"Les négociateurs se sont retrouvés hier à Genève, après l'échec des discussions du 16 juillet 2018. " +
		'Un nouveau cycle est prévu en mars 2019, a précisé la délégation suisse, qui espère un accord avant l\'été. ' +
		'Les deux parties avaient déjà échangé des documents la semaine dernière, selon plusieurs diplomates présents.';
	const r = await api('POST', '/articles', { body: { text, published_at: '2018-09-12' } });
	assert.equal(r.status, 201, r.text);
	const a = r.json;
	const chars = [...a.body];
	for (const d of a.dates)
		assert.equal(chars.slice(d.start, d.end).join(''), d.text, `offsets of ${JSON.stringify(d)}`);
	const by = (t) => a.dates.find((d) => d.text.includes(t));
	assert.deepEqual({ v: by('16 juillet 2018').value, p: by('16 juillet 2018').precision, r: by('16 juillet 2018').relative },
		{ v: '2018-07-16', p: 'day', r: false });
	assert.deepEqual({ v: by('mars 2019').value, p: by('mars 2019').precision }, { v: '2019-03-01', p: 'month' });
	assert.equal(by('hier').value, '2018-09-11', 'hier = the day before publication');
	assert.equal(by('hier').relative, true);
	assert.ok(by('semaine dernière'), 'la semaine dernière is found');
});

test('without a publication date, relative dates stay unresolved and nothing invents one', async () => {
	const text = 'Un incendie maîtrisé dans la nuit\n\n' +
		"Les pompiers sont intervenus hier soir dans un entrepôt de la zone industrielle, où un incendie s'était déclaré vers 22 heures. " +
		"Aucun blessé n'est à déplorer, selon la préfecture, qui a ouvert une enquête pour déterminer l'origine du sinistre.";
	const a = (await api('POST', '/articles', { body: { text } })).json;
	assert.equal(a.published_at, null);
	const hier = a.dates.find((d) => d.text.startsWith('hier'));
	assert.ok(hier, JSON.stringify(a.dates));
	assert.equal(hier.value, null);
	assert.equal(hier.precision, null);
});

test('a weekday with day and month pins the publication year; credits give agency and source', async () => {
	const text = 'Sommet à Bruxelles sur le budget européen\n\n' +
		'Article rédigé par Le Courrier de Bretagne avec AFP\n\n' +
		"Les dirigeants européens se sont retrouvés jeudi 21 mars à Bruxelles pour un sommet consacré au budget de l'Union. " +
		"Les discussions ont duré plus de dix heures, a indiqué un diplomate, et doivent reprendre au printemps à Luxembourg.";
	const a = (await api('POST', '/articles', { body: { text } })).json;
	// 21 March was a Thursday in 2024 (and not again until 2030).
	assert.equal(a.published_at, '2024-03-21T00:00:00.000Z');
	assert.equal(a.published_at_origin, 'text');
	assert.equal(a.published_at_precision, 'day');
	assert.equal(a.agency, 'AFP');
	assert.equal(a.source, 'Le Courrier de Bretagne');
	assert.doesNotMatch(a.body, /rédigé par/);
});

test('HTML metadata: canonical URL, author, site name as source, published time', async () => {
	const html = `<!doctype html><html lang="en"><head>
<title>Port strike ends after six days | The Harbour Gazette</title>
<link rel="canonical" href="https://gazette.example/news/port-strike-ends">
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="article:published_time" content="2023-05-04T08:30:00+02:00">
<meta name="author" content="Ruth Okafor">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Port strike ends after six days</h1>
<p>Dock workers at the port of Rotterdam returned to work on Thursday after unions and employers agreed on a new pay deal, ending a six-day strike that had left dozens of container ships waiting offshore.</p>
<p>The agreement includes a pay rise of 6.5 percent over two years and new rules on night shifts, the union said in a statement.</p></article>
<footer>© 2023 The Harbour Gazette. All rights reserved.</footer></body></html>`;
	const a = (await api('POST', '/articles', { body: { html, url: 'https://gazette.example/amp/port-strike-ends' } })).json;
	assert.equal(a.title, 'Port strike ends after six days');
	assert.equal(a.canonical_url, 'https://gazette.example/news/port-strike-ends');
	assert.equal(a.author, 'Ruth Okafor');
	assert.equal(a.source, 'The Harbour Gazette');
	assert.equal(a.published_at, '2023-05-04T06:30:00.000Z');
	assert.equal(a.published_at_origin, 'metadata');
	assert.equal(a.lang, 'en');
	assert.doesNotMatch(a.body, /Home|All rights reserved/);
	assert.match(a.body, /^Dock workers at the port of Rotterdam/);
});
