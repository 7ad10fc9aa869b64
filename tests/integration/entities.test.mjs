// Entity linking at ingestion and the /entities API (issue 4): knowledge rows
// this file inserts itself (a Wikidata-like person, places), French and
// English articles written for it, then linking across languages, new
// entities, mention offsets, search, one entity, its events, and merging.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, fold, listAll, sql, startStack, stopStack, test } from './harness.mjs';

const KEY = 'merge-key';
const AUTH = { Authorization: `Bearer ${KEY}` };

// Knowledge rows as `newsd kb import` stores them: origin 'kb', a QID,
// labels per language, aliases with norm = text_normalize_key(name).
const KB = [
	{ qid: 'Q28260', kind: 'location', name: 'Lincoln', notability: 120, lat: 40.8, lon: -96.7, country: 'US',
		labels: { en: 'Lincoln' }, aliases: [['lincoln', 'en', 'Lincoln']] },
	{ qid: 'Q7747', kind: 'person', name: 'Vladimir Putin', notability: 300,
		labels: { en: 'Vladimir Putin', fr: 'Vladimir Poutine', ru: 'Владимир Путин' },
		aliases: [['vladimir putin', 'en', 'Vladimir Putin'], ['vladimir poutine', 'fr', 'Vladimir Poutine'],
			['putin', 'en', 'Putin'], ['poutine', 'fr', 'Poutine'], ['владимир путин', 'ru', 'Владимир Путин']] },
	{ qid: 'Q649', kind: 'location', name: 'Moscow', notability: 250, lat: 55.7558, lon: 37.6173, country: 'RU',
		labels: { en: 'Moscow', fr: 'Moscou' }, aliases: [['moscow', 'en', 'Moscow'], ['moscou', 'fr', 'Moscou']] },
	{ qid: 'Q30', kind: 'location', name: 'United States', notability: 400,
		labels: { en: 'United States', fr: 'États-Unis' },
		aliases: [['united states', 'en', 'United States'], ['etats-unis', 'fr', 'États-Unis']] },
	{ qid: 'Q1520', kind: 'location', name: 'Astana', notability: 150, lat: 51.1667, lon: 71.4333,
		labels: { en: 'Astana' }, aliases: [['astana', 'en', 'Astana']] },
];

const lit = (s) => (s === undefined || s === null ? 'NULL' : `'${String(s).replace(/'/g, "''")}'`);

// Only this file's knowledge: the default base `newsd migrate` loads is
// removed first (no article mentions anything yet).
async function insertKb() {
	const stmts = ['TRUNCATE entity_aliases, entity_labels, entities CASCADE;'];
	for (const e of KB) {
		stmts.push(`INSERT INTO entities (kind, name, norm_name, qid, notability, origin, latitude, longitude, country, description, first_seen, last_seen)
			VALUES (${lit(e.kind)}, ${lit(e.name)}, ${lit(fold(e.name))}, ${lit(e.qid)}, ${e.notability}, 'kb', ${e.lat ?? 'NULL'}, ${e.lon ?? 'NULL'}, ${lit(e.country)}, ${lit(`${e.name} (test knowledge)`)}, NULL, NULL);`);
		for (const [lang, name] of Object.entries(e.labels))
			stmts.push(`INSERT INTO entity_labels (entity_id, lang, name) SELECT id, ${lit(lang)}, ${lit(name)} FROM entities WHERE qid = ${lit(e.qid)};`);
		for (const [norm, lang, name] of e.aliases)
			stmts.push(`INSERT INTO entity_aliases (norm, entity_id, lang, name) SELECT ${lit(norm)}, id, ${lit(lang)}, ${lit(name)} FROM entities WHERE qid = ${lit(e.qid)};`);
	}
	await sql(stmts.join('\n'));
	const ids = {};
	for (const row of (await sql('SELECT qid, id FROM entities WHERE qid IS NOT NULL')).split('\n')) {
		const [qid, id] = row.split('|');
		ids[qid] = Number(id);
	}
	return ids;
}

const ARTICLES = {
	fr1: {
		lang: 'fr', published_at: '2024-05-06',
		title: 'Vladimir Poutine reçoit un émissaire américain à Moscou',
		text: [
			"Le président russe Vladimir Poutine a reçu lundi à Moscou un émissaire américain, a annoncé le Kremlin. Selon le conseiller diplomatique Iouri Ouchakov, la rencontre a duré près de trois heures et s'est déroulée dans une atmosphère constructive.",
			"Poutine a insisté sur la nécessité de relancer le dialogue stratégique, a ajouté Iouri Ouchakov devant la presse. L'émissaire doit quitter Moscou mardi matin, a précisé Ouchakov.",
		].join('\n\n'),
	},
	en1: {
		lang: 'en', published_at: '2024-05-06T18:00:00Z',
		title: 'Vladimir Putin meets US envoy in Moscow',
		text: [
			"Russian President Vladimir Putin met an American envoy in Moscow on Monday, the Kremlin said. The talks lasted nearly three hours, according to foreign policy aide Yuri Ushakov, who described them as constructive.",
			"Putin stressed the need to revive strategic dialogue, Yuri Ushakov told reporters. The envoy is due to leave Moscow on Tuesday morning.",
		].join('\n\n'),
	},
	fr2: {
		lang: 'fr', published_at: '2024-05-08',
		title: 'Le Kremlin dément tout accord',
		text: [
			"Le conseiller Ouchakov a démenti mercredi toute signature d'un accord, contrairement à ce qu'affirmaient plusieurs médias européens.",
			"Pour le conseiller Ouchakov, les discussions se poursuivront dans les prochaines semaines, sans calendrier précis.",
		].join('\n\n'),
	},
	frJean: {
		lang: 'fr', published_at: '2024-03-01',
		title: 'Le ministre Jean Dupont présente son budget',
		text: [
			"Le ministre Jean Dupont a présenté jeudi un budget en forte hausse pour l'agriculture, devant les députés de la commission des finances.",
			"Jean Dupont a défendu des choix difficiles et promis une loi de programmation avant l'été.",
		].join('\n\n'),
	},
	frMarie: {
		lang: 'fr', published_at: '2024-03-02',
		title: 'La députée Marie Dupont critique le projet',
		text: [
			"La députée Marie Dupont a vivement critiqué vendredi le projet de loi sur la pêche, qu'elle juge injuste pour les petits ports.",
			"Marie Dupont réclame une concertation avec les professionnels avant tout vote à l'Assemblée.",
		].join('\n\n'),
	},
	enMrLincoln: {
		lang: 'en', published_at: '2024-06-03',
		title: 'Farmer says drought cut his harvest by half',
		text: [
			"Mr. Lincoln, a wheat farmer from the north of the county, said on Monday that the drought had cut his harvest by half this year.",
			"Mr. Lincoln told reporters that he would ask the county for help before the autumn sowing.",
		].join('\n\n'),
	},
	enLincolnFlood: {
		lang: 'en', published_at: '2024-06-04',
		title: 'Storms flood streets in Lincoln',
		text: [
			"Heavy storms flooded several streets in Lincoln on Tuesday, and firefighters evacuated dozens of homes near the river.",
			"The city of Lincoln opened two shelters for the night, the mayor's office said.",
		].join('\n\n'),
	},
	enBoth: {
		lang: 'en', published_at: '2024-05-09',
		title: 'Kremlin aide speaks on envoy talks',
		text: [
			"Kremlin aide Yuri Ushakov said on Thursday that the talks with the envoy had been useful. French newspapers spell his name Iouri Ouchakov.",
			"Yuri Ushakov added that no date had been set for the next round.",
		].join('\n\n'),
	},
};

const art = {};
let kb = {};

before(async () => {
	await startStack({ NEWSD_API_KEYS: KEY });
	kb = await insertKb();
	for (const [k, input] of Object.entries(ARTICLES)) {
		const r = await api('POST', '/articles', { body: input, headers: AUTH });
		assert.equal(r.status, 201, `${k}: ${r.text}`);
		art[k] = r.json;
	}
});
after(async () => {
	await stopStack();
});

const ids = (items) => items.map((x) => x.id);
const named = (a, needle) => a.entities.find((e) => fold(e.name) === needle);
const get = async (p) => (await api('GET', p)).json;

test('one knowledge-base entity for a person named in French and in English', async () => {
	const fr = art.fr1.entities.find((e) => e.id === kb.Q7747);
	const en = art.en1.entities.find((e) => e.id === kb.Q7747);
	assert.ok(fr, `fr1 links Vladimir Poutine to Q7747: ${JSON.stringify(art.fr1.entities)}`);
	assert.ok(en, `en1 links Vladimir Putin to Q7747: ${JSON.stringify(art.en1.entities)}`);
	assert.equal(fr.qid, 'Q7747');
	assert.equal(fr.kind, 'person');
	assert.equal(fr.name, 'Vladimir Putin', 'the canonical (knowledge-base) name');
	for (const k of ['fr1', 'en1'])
		assert.ok(art[k].entities.some((e) => e.id === kb.Q649), `${k}: Moscou / Moscow reach Q649`);
	// "Poutine" alone is the same entity: one row per entity in the article.
	assert.equal(art.fr1.entities.filter((e) => e.id === kb.Q7747).length, 1);
	assert.ok(fr.count >= 2, `Vladimir Poutine and Poutine counted together (${fr.count})`);
	const e = await get(`/entities/${kb.Q7747}`);
	assert.equal(e.article_count, 2);
	assert.equal(e.mention_count, fr.count + en.count);
	assert.ok(e.first_seen && e.last_seen, 'seen once mentioned');
});

test('an unknown name creates an entity with its full form; a later bare surname reaches it', async () => {
	const ouchakov = named(art.fr1, 'iouri ouchakov');
	assert.ok(ouchakov, `a new entity named Iouri Ouchakov: ${art.fr1.entities.map((x) => x.name)}`);
	assert.equal(ouchakov.qid, null);
	assert.ok(!Object.values(kb).includes(ouchakov.id));
	const e = await get(`/entities/${ouchakov.id}`);
	assert.equal(e.name, 'Iouri Ouchakov');
	assert.equal(e.names.fr, 'Iouri Ouchakov', 'a label in the language of the article that named it first');
	assert.ok(e.aliases.some((a) => a.name === 'Iouri Ouchakov' && a.lang === 'fr'), JSON.stringify(e.aliases));
	// fr2 only says "Ouchakov".
	assert.ok(art.fr2.entities.some((x) => x.id === ouchakov.id), `fr2's Ouchakov links to ${ouchakov.id}: ${JSON.stringify(art.fr2.entities)}`);
});

test('a person never links to a place of the same name, while the place does', async () => {
	const person = art.enMrLincoln.entities.find((x) => fold(x.name).includes('lincoln'));
	assert.ok(person, `Mr. Lincoln is found: ${art.enMrLincoln.entities.map((x) => x.name)}`);
	assert.equal(person.kind, 'person');
	assert.notEqual(person.id, kb.Q28260, 'the farmer is not the city of Lincoln');
	const city = art.enLincolnFlood.entities.find((x) => fold(x.name) === 'lincoln');
	assert.ok(city, `Lincoln is found: ${art.enLincolnFlood.entities.map((x) => x.name)}`);
	assert.equal(city.id, kb.Q28260, 'the flooded city is the knowledge-base place');
});

test('two people sharing a surname stay two entities; the bare surname is not given to either', async () => {
	const jean = named(art.frJean, 'jean dupont');
	const marie = named(art.frMarie, 'marie dupont');
	assert.ok(jean && marie, `${JSON.stringify(art.frJean.entities)} ${JSON.stringify(art.frMarie.entities)}`);
	assert.notEqual(jean.id, marie.id);
	const r = await api('POST', '/articles', {
		headers: AUTH,
		body: { lang: 'fr', title: 'Budget : la commission divisée', text: "Le texte présenté par le ministre Dupont sera examiné mardi par la commission, où le ministre Dupont compte peu de soutiens.\n\nLes débats s'annoncent longs." },
	});
	assert.equal(r.status, 201, r.text);
	const d = r.json.entities.find((x) => fold(x.name).endsWith('dupont'));
	assert.ok(d, `the bare surname is an entity: ${JSON.stringify(r.json.entities)}`);
	assert.notEqual(d.id, jean.id, 'an ambiguous bare surname is not linked to Jean Dupont');
	assert.notEqual(d.id, marie.id, 'nor to Marie Dupont');
	assert.equal(d.name, 'Dupont', 'its own entity, named by its full form');
	// Known well enough, a bare surname does reach its person: Poutine alone.
	const p = await api('POST', '/articles', {
		headers: AUTH,
		body: { lang: 'fr', title: 'Le Kremlin se tait', text: "Interrogé mercredi, le président Poutine n'a pas répondu aux questions des journalistes.\n\nLe Kremlin a renvoyé vers un communiqué." },
	});
	assert.equal(p.status, 201, p.text);
	assert.ok(p.json.entities.some((x) => x.id === kb.Q7747), JSON.stringify(p.json.entities));
});

test('mention offsets are characters: body sliced at them is the text', async () => {
	let checked = 0;
	for (const k of Object.keys(ARTICLES)) {
		const a = await get(`/articles/${art[k].id}`);
		const cps = [...a.body];
		for (const e of a.entities) {
			assert.ok(e.mentions.length <= e.count, `${k} ${e.name}: no more spans than mentions`);
			let last = -1;
			for (const m of e.mentions) {
				assert.ok(m.start < m.end && m.start >= last, `${k} ${e.name}: spans ordered ${JSON.stringify(e.mentions)}`);
				last = m.start;
				assert.equal(cps.slice(m.start, m.end).join(''), m.text, `${k} ${e.name}`);
				checked++;
			}
		}
	}
	assert.ok(checked >= 10, `checked ${checked} mentions`);
	// In fr1 ("Le président russe Vladimir Poutine": accents before it, so
	// byte offsets would be off) both the full name and the bare surname.
	const a = await get(`/articles/${art.fr1.id}`);
	const putin = a.entities.find((e) => e.id === kb.Q7747);
	const texts = putin.mentions.map((m) => m.text);
	assert.ok(texts.includes('Vladimir Poutine') && texts.includes('Poutine'), JSON.stringify(putin.mentions));
	const first = putin.mentions[0];
	assert.equal(first.start, a.body.indexOf('Vladimir Poutine'), 'a character offset (accents precede it: a byte offset would be larger)');
});

test('GET /entities?q= matches a prefix of any word of any alias, any case and accents', async () => {
	for (const q of ['pout', 'POUT', 'Pout', 'vlad', 'putin', '%D0%BF%D1%83%D1%82'])
		assert.ok(ids(await listAll(`/entities?q=${q}`)).includes(kb.Q7747), `q=${decodeURIComponent(q)}`);
	assert.ok(!ids(await listAll('/entities?q=outine')).includes(kb.Q7747), 'outine is inside a word, not a prefix');
	for (const q of ['ETATS', 'etats-u', '%C3%89tats', 'united'])
		assert.ok(ids(await listAll(`/entities?q=${q}`)).includes(kb.Q30), `q=${decodeURIComponent(q)}`);
	assert.deepEqual((await api('GET', '/entities?q=zzqqxxw')).json, { data: [], next: null });
	assert.equal((await api('GET', '/entities?q=%25')).status, 400, 'no letter or digit');
	// LIKE wildcards in q are literal.
	assert.deepEqual((await api('GET', '/entities?q=p_ut')).json.data, []);
});

test('GET /entities?kind= and &lang=', async () => {
	assert.ok(ids(await listAll('/entities?q=mos&kind=location')).includes(kb.Q649));
	assert.ok(!ids(await listAll('/entities?q=mos&kind=person')).includes(kb.Q649));
	const fr = (await listAll('/entities?q=pout&lang=fr')).find((e) => e.id === kb.Q7747);
	assert.equal(fr?.name, 'Vladimir Poutine', 'the French name');
	const ru = (await listAll('/entities?q=vlad&lang=ru')).find((e) => e.id === kb.Q7747);
	assert.equal(ru?.name, 'Владимир Путин');
	assert.deepEqual(await listAll('/entities?q=pout&lang=de'), [], 'no German name');
	const ouchakov = named(art.fr1, 'iouri ouchakov');
	assert.ok(ids(await listAll('/entities?lang=fr')).includes(ouchakov.id), 'a text entity has the name its article gave');
	assert.ok(!ids(await listAll('/entities?lang=de')).includes(ouchakov.id));
	for (const bad of ['lang=f', 'lang=fr1', 'sort=size', 'kind=thing', 'order=name'])
		assert.equal((await api('GET', `/entities?${bad}`)).status, 400, bad);
});

test('GET /entities?sort=: mentions, recent, name; keyset pages without repeats', async () => {
	const all = await listAll('/entities');
	assert.ok(all.length >= 10, `${all.length} entities`);
	for (let i = 1; i < all.length; i++)
		assert.ok(all[i - 1].mention_count >= all[i].mention_count, 'by mentions');
	assert.deepEqual(ids(await listAll('/entities?sort=mentions', { limit: 3 })), ids(all), 'the default is mentions');
	const recent = await listAll('/entities?sort=recent');
	const t = (e) => (e.last_seen ? Date.parse(e.last_seen) : -1);
	for (let i = 1; i < recent.length; i++)
		assert.ok(t(recent[i - 1]) >= t(recent[i]), `by last_seen: ${recent[i - 1].last_seen} then ${recent[i].last_seen}`);
	assert.equal(recent.at(-1).last_seen, null, 'never-mentioned entities last');
	assert.ok(ids(recent).includes(kb.Q1520));
	assert.deepEqual(ids(await listAll('/entities?sort=recent', { limit: 2 })), ids(recent));
	const byName = await listAll('/entities?sort=name');
	const key = (e) => fold(e.name);
	for (let i = 1; i < byName.length; i++)
		assert.ok(key(byName[i - 1]) <= key(byName[i]), `by name: ${byName[i - 1].name} then ${byName[i].name}`);
	assert.deepEqual(ids(await listAll('/entities?sort=name', { limit: 2 })), ids(byName));
	const frNames = await listAll('/entities?sort=name&lang=fr');
	assert.deepEqual(ids(await listAll('/entities?sort=name&lang=fr', { limit: 1 })), ids(frNames));
	assert.ok(frNames.some((e) => e.name === 'États-Unis'));
	assert.equal(new Set(ids(all)).size, all.length);
	assert.deepEqual([...ids(byName)].sort(), [...ids(all)].sort(), 'every sort lists the same entities');
	// A cursor of one sort is refused by another.
	const page = await api('GET', '/entities?sort=name&limit=1');
	const r = await api('GET', `/entities?sort=recent&limit=1&cursor=${encodeURIComponent(page.json.next)}`);
	assert.equal(r.status, 400);
});

test('GET /entities/{id}: names, aliases, coordinates, counts, co-occurring entities', async () => {
	const e = await get(`/entities/${kb.Q7747}`);
	assert.equal(e.id, kb.Q7747);
	assert.equal(e.qid, 'Q7747');
	assert.equal(e.kind, 'person');
	assert.equal(e.description, 'Vladimir Putin (test knowledge)');
	assert.deepEqual(e.names, { en: 'Vladimir Putin', fr: 'Vladimir Poutine', ru: 'Владимир Путин' });
	assert.ok(e.aliases.some((a) => a.name === 'Poutine' && a.lang === 'fr'));
	assert.ok(e.aliases.some((a) => a.name === 'Владимир Путин' && a.lang === 'ru'));
	assert.equal(e.coordinates, null);
	const moscow = e.co_occurring.find((x) => x.id === kb.Q649);
	assert.equal(moscow?.shared_articles, 2, JSON.stringify(e.co_occurring));
	for (let i = 1; i < e.co_occurring.length; i++)
		assert.ok(e.co_occurring[i - 1].shared_articles >= e.co_occurring[i].shared_articles);
	assert.ok(!e.co_occurring.some((x) => x.id === e.id));
	const m = await get(`/entities/${kb.Q649}`);
	assert.deepEqual(m.coordinates, { lat: 55.7558, lon: 37.6173 });
	assert.equal(m.country, 'RU');
	const astana = await get(`/entities/${kb.Q1520}`);
	assert.equal(astana.first_seen, null);
	assert.equal(astana.article_count, 0);
	assert.deepEqual(astana.co_occurring, []);
	const listed = (await listAll('/entities?q=vlad')).find((x) => x.id === e.id);
	for (const k of Object.keys(listed))
		assert.deepEqual(listed[k], e[k], `list item field ${k}`);
	assert.equal((await api('GET', '/entities/987654321')).status, 404);
	assert.equal((await api('GET', '/entities/abc')).status, 400);
});

test('GET /entities/{id}/events: the events it takes part in, newest first, paged', async () => {
	const evs = await listAll(`/entities/${kb.Q7747}/events`);
	assert.ok(evs.length >= 1);
	assert.deepEqual(ids(evs), ids(await listAll(`/events?entity=${kb.Q7747}`)), 'the same as /events?entity=');
	assert.deepEqual(ids(await listAll(`/entities/${kb.Q7747}/events`, { limit: 1 })), ids(evs));
	for (const ev of evs)
		assert.ok((await get(`/events/${ev.id}`)).participants.some((x) => x.id === kb.Q7747));
	assert.ok(ids(evs).includes(art.fr1.event_id));
	assert.deepEqual(await listAll(`/entities/${kb.Q1520}/events`), []);
	assert.equal((await api('GET', '/entities/987654321/events')).status, 404);
	assert.equal((await api('GET', `/entities/${kb.Q7747}/events?from=2024`)).status, 400);
});

test('POST /entities/{id}/merge: mentions, events, names move; the old id redirects; new articles link to the target', async () => {
	const both = await get(`/articles/${art.enBoth.id}`);
	const yuri = named(both, 'yuri ushakov');
	const iouri = named(both, 'iouri ouchakov');
	assert.ok(yuri && iouri && yuri.id !== iouri.id, JSON.stringify(both.entities));
	const before = { y: await get(`/entities/${yuri.id}`), i: await get(`/entities/${iouri.id}`) };
	const yEvents = ids(await listAll(`/entities/${yuri.id}/events`));
	const yArticles = ids(await listAll(`/entities/${yuri.id}/articles`));

	// Writes need the key.
	let r = await api('POST', `/entities/${yuri.id}/merge`, { body: { into: iouri.id } });
	assert.equal(r.status, 401);
	r = await api('POST', `/entities/${yuri.id}/merge`, { body: { into: iouri.id }, headers: { Authorization: 'Bearer nope' } });
	assert.equal(r.status, 403);

	r = await api('POST', `/entities/${yuri.id}/merge`, { body: { into: iouri.id }, headers: AUTH });
	assert.equal(r.status, 200, r.text);
	const m = r.json;
	assert.equal(m.id, iouri.id);
	assert.equal(m.mention_count, before.y.mention_count + before.i.mention_count);
	assert.equal(m.article_count, new Set([...yArticles, ...ids(await listAll(`/entities/${iouri.id}/articles`))]).size);
	assert.ok(m.aliases.some((a) => a.name === 'Yuri Ushakov' && a.lang === 'en'), JSON.stringify(m.aliases));
	assert.equal(m.names.en, before.i.names.en, 'its own English name kept');
	assert.equal(m.names.fr, 'Iouri Ouchakov', 'its own French name kept');
	assert.equal(Date.parse(m.first_seen), Math.min(Date.parse(before.y.first_seen), Date.parse(before.i.first_seen)));

	// The article that named both: one row, counts summed, spans merged in order.
	const after = await get(`/articles/${art.enBoth.id}`);
	assert.ok(!after.entities.some((x) => x.id === yuri.id));
	const one = after.entities.find((x) => x.id === iouri.id);
	assert.equal(one.count, yuri.count + iouri.count);
	assert.equal(one.mentions.length, yuri.mentions.length + iouri.mentions.length);
	const starts = one.mentions.map((x) => x.start);
	assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
	const cps = [...after.body];
	for (const x of one.mentions)
		assert.equal(cps.slice(x.start, x.end).join(''), x.text);

	// Events move.
	const iEvents = ids(await listAll(`/entities/${iouri.id}/events`));
	for (const ev of yEvents) {
		assert.ok(iEvents.includes(ev), `event ${ev} now involves the target`);
		assert.ok(!(await get(`/events/${ev}`)).participants.some((x) => x.id === yuri.id));
	}

	// The old id redirects, its lists too (query kept); it is listed nowhere.
	r = await api('GET', `/entities/${yuri.id}`);
	assert.equal(r.status, 301);
	assert.equal(r.headers.location, `/entities/${iouri.id}`);
	assert.deepEqual(r.json, { id: yuri.id, merged_into: iouri.id });
	r = await api('GET', `/entities/${yuri.id}/articles?limit=5`);
	assert.equal(r.status, 301);
	assert.equal(r.headers.location, `/entities/${iouri.id}/articles?limit=5`);
	r = await api('GET', `/entities/${yuri.id}/events`);
	assert.equal(r.status, 301);
	assert.equal(r.headers.location, `/entities/${iouri.id}/events`);
	assert.ok(!ids(await listAll('/entities')).includes(yuri.id));
	assert.ok(ids(await listAll('/entities?q=yuri')).includes(iouri.id), 'its old names find the target');

	// A new article naming the merged entity's name links to the target.
	r = await api('POST', '/articles', {
		headers: AUTH,
		body: { lang: 'en', title: 'Aide comments', text: 'Kremlin aide Yuri Ushakov declined to comment on Friday.\n\nYuri Ushakov said the envoy would return.' },
	});
	assert.equal(r.status, 201, r.text);
	assert.ok(r.json.entities.some((x) => x.id === iouri.id), JSON.stringify(r.json.entities));
	assert.ok(!r.json.entities.some((x) => x.id === yuri.id));

	// Merging into the merged entity: 409 naming where it went.
	r = await api('POST', `/entities/${kb.Q1520}/merge`, { body: { into: yuri.id }, headers: AUTH });
	assert.equal(r.status, 409);
	assert.match(r.json.detail, new RegExp(`\\b${iouri.id}\\b`));
	r = await api('POST', `/entities/${yuri.id}/merge`, { body: { into: iouri.id }, headers: AUTH });
	assert.equal(r.status, 409, 'already merged');
});

test('POST /entities/{id}/merge errors', async () => {
	const iouri = named(art.fr1, 'iouri ouchakov');
	const cases = [
		[iouri.id, { into: iouri.id }, 409, /itself/],
		[kb.Q649, { into: kb.Q7747 }, 409, /qid/],
		[iouri.id, { into: 987654321 }, 404, /987654321/],
		[987654321, { into: iouri.id }, 404, /987654321/],
		[iouri.id, {}, 400, /into/],
		[iouri.id, { into: 'x' }, 400, /into/],
		[iouri.id, { into: 0 }, 400, /into/],
		[iouri.id, { into: kb.Q649, also: 1 }, 400, /into/],
		[iouri.id, [kb.Q649], 400, /into/],
	];
	for (const [id, body, status, detail] of cases) {
		const r = await api('POST', `/entities/${id}/merge`, { body, headers: AUTH });
		assert.equal(r.status, status, `${id} ${JSON.stringify(body)}: ${r.text}`);
		assert.match(r.json.detail, detail);
	}
	const r = await api('POST', `/entities/${iouri.id}/merge`, { raw: 'not json', headers: AUTH });
	assert.equal(r.status, 400);
	// Nothing moved.
	assert.equal((await api('GET', `/entities/${kb.Q649}`)).status, 200);
	assert.equal((await get(`/entities/${kb.Q649}`)).qid, 'Q649');
});
