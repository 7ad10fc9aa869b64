// Event clustering end to end (issue 5): articles written for this file, in
// French, English and German, go through POST /jobs; the clustering leader
// places them. Reports of one happening in three languages share an event;
// a later meeting of the same two leaders is a new event in the same story;
// an unrelated article and an article sharing only one participant stay
// apart; the event's date is the day of the happening, not of publication.
// The linking across languages comes from the default knowledge base that
// `newsd migrate` loads (Macron, Modi, New Delhi have names in every
// language there).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, restartServer, sql, startStack, stopStack, test, waitJob } from './harness.mjs';

const ARTICLES = {
	// The New Delhi meeting, Tuesday 10 March 2026, in three languages; the
	// French and German reports are published the next day.
	frDelhi: {
		url: 'https://cluster.example.fr/2026/03/11/macron-modi-delhi',
		source: 'Le Quotidien Exemple',
		published_at: '2026-03-11T06:00:00Z',
		title: 'À New Delhi, Emmanuel Macron et Narendra Modi scellent un partenariat sur les réacteurs nucléaires',
		text: [
			"Le président Emmanuel Macron a rencontré le Premier ministre indien Narendra Modi mardi 10 mars à New Delhi, où les deux dirigeants ont signé une feuille de route sur les petits réacteurs nucléaires et la défense.",
			"Lors de cette rencontre au palais Hyderabad House, Narendra Modi a salué « un partenaire de confiance ». Emmanuel Macron a annoncé que la France livrerait de nouveaux moteurs d'avions de combat à l'Inde d'ici 2030.",
			"Les deux dirigeants ont aussi évoqué la guerre en Ukraine et la sécurité maritime dans l'océan Indien. Une déclaration commune sur le climat a été publiée à l'issue de l'entretien, qui a duré plus de deux heures.",
		].join('\n\n'),
	},
	enDelhi: {
		url: 'https://cluster.example.com/2026/03/10/modi-macron-reactors',
		source: 'Example Times',
		published_at: '2026-03-10T15:00:00Z',
		title: 'Modi hosts Macron in New Delhi, nuclear reactor roadmap signed',
		text: [
			"Indian Prime Minister Narendra Modi hosted French President Emmanuel Macron in New Delhi on Tuesday, and the two leaders signed a roadmap on small modular nuclear reactors and defence cooperation.",
			"At Hyderabad House, Modi called France a trusted partner. Macron said France would deliver new fighter jet engines to India by 2030, according to a joint statement.",
			"The leaders also discussed the war in Ukraine and maritime security in the Indian Ocean during talks that lasted more than two hours.",
		].join('\n\n'),
	},
	deDelhi: {
		url: 'https://cluster.example.de/2026/03/11/macron-modi-neu-delhi',
		source: 'Beispiel Zeitung',
		published_at: '2026-03-11T05:00:00Z',
		title: 'Macron und Modi vereinbaren in Neu-Delhi Zusammenarbeit bei Kernreaktoren',
		text: [
			"Der französische Präsident Emmanuel Macron hat am Dienstag in Neu-Delhi den indischen Premierminister Narendra Modi getroffen. Die beiden unterzeichneten einen Fahrplan für kleine modulare Kernreaktoren und die Verteidigung.",
			"Modi nannte Frankreich im Hyderabad House einen vertrauenswürdigen Partner. Macron kündigte an, Frankreich werde Indien bis 2030 neue Triebwerke für Kampfflugzeuge liefern.",
			"Auch der Krieg in der Ukraine und die Sicherheit im Indischen Ozean waren Thema des mehr als zweistündigen Gesprächs.",
		].join('\n\n'),
	},
	// The same two leaders meet again four months later in Paris.
	frParis: {
		url: 'https://cluster.example.fr/2026/07/15/modi-paris',
		source: 'Le Quotidien Exemple',
		published_at: '2026-07-15T06:00:00Z',
		title: "Narendra Modi reçu par Emmanuel Macron à l'Élysée pour le 14 Juillet",
		text: [
			"Le Premier ministre indien Narendra Modi a été reçu par Emmanuel Macron mardi 14 juillet à l'Élysée, au lendemain de son arrivée à Paris, pour un nouvel entretien consacré aux réacteurs nucléaires et aux avions de combat.",
			"Emmanuel Macron et Narendra Modi ont fait le point sur la feuille de route signée en mars à New Delhi. Les deux dirigeants ont annoncé un accord sur la formation de pilotes indiens en France.",
			"Narendra Modi a assisté le matin au défilé militaire sur les Champs-Élysées, où un détachement indien défilait.",
		].join('\n\n'),
	},
	enParis: {
		url: 'https://cluster.example.com/2026/07/14/modi-paris-bastille',
		source: 'Example Times',
		published_at: '2026-07-14T18:00:00Z',
		title: 'Macron receives Modi in Paris on Bastille Day, pilots training deal agreed',
		text: [
			"French President Emmanuel Macron received Indian Prime Minister Narendra Modi at the Elysee Palace in Paris on Tuesday, Bastille Day, for new talks on nuclear reactors and fighter jets.",
			"Macron and Modi reviewed the roadmap they signed in New Delhi in March and agreed that Indian pilots would train in France.",
			"Earlier in the day Modi watched the military parade on the Champs-Elysees, where an Indian detachment marched.",
		].join('\n\n'),
	},
	// Unrelated, the same Tuesday.
	enQuake: {
		url: 'https://cluster.example.com/2026/03/10/chile-earthquake',
		source: 'Example Times',
		published_at: '2026-03-10T12:00:00Z',
		title: 'Magnitude 7.1 earthquake strikes northern Chile',
		text: [
			"A magnitude 7.1 earthquake struck northern Chile on Tuesday, damaging buildings in Antofagasta and cutting power to thousands of homes, the national emergency office said.",
			"Rescue teams searched collapsed houses in the port city while the navy briefly issued a tsunami warning for the coast, lifted two hours later.",
			"Three people were killed and dozens injured, according to the interior ministry.",
		].join('\n\n'),
	},
	// One participant in common, another happening the same Tuesday.
	frLyon: {
		url: 'https://cluster.example.fr/2026/03/10/macron-lyon-hopital',
		source: 'Lyon Exemple',
		published_at: '2026-03-10T17:00:00Z',
		title: 'Emmanuel Macron inaugure le nouvel hôpital de Lyon',
		text: [
			"Emmanuel Macron a inauguré mardi le nouvel hôpital Édouard-Herriot à Lyon, en présence du maire de la ville et de soignants, par message vidéo depuis l'étranger.",
			"Le chantier, lancé en 2021, a coûté 450 millions d'euros. Le nouvel établissement compte 900 lits et un service d'urgences agrandi.",
			"Les syndicats ont regretté le manque de personnel infirmier dans plusieurs services de l'hôpital.",
		].join('\n\n'),
	},
};

const ids = {};
const events = {};

before(async () => {
	await startStack();
	const keys = Object.keys(ARTICLES);
	const r = await api('POST', '/jobs', { body: keys.map((k) => ARTICLES[k]) });
	assert.equal(r.status, 202, JSON.stringify(r.json));
	const job = await waitJob(r.json.id);
	assert.equal(job.status, 'done');
	assert.equal(job.counts.done, keys.length, JSON.stringify(job.errors));
	assert.equal(job.counts.clustering, 0, 'a done job has every article placed');
	for (const a of job.articles) {
		ids[keys[a.index]] = a.id;
		const art = (await api('GET', `/articles/${a.id}`)).json;
		assert.ok(art.event_id, `${keys[a.index]} has an event once the job is done`);
		events[keys[a.index]] = art.event_id;
	}
});
after(stopStack);

test('reports of one happening in French, English and German share one event', () => {
	assert.equal(events.enDelhi, events.frDelhi, 'English and French reports');
	assert.equal(events.deDelhi, events.frDelhi, 'German and French reports');
});

test('a later meeting of the same leaders is another event', () => {
	assert.equal(events.enParis, events.frParis, 'the two Paris reports share an event');
	assert.notEqual(events.frParis, events.frDelhi, 'four months later is another happening');
});

test('an unrelated article and one sharing a single participant stay apart', () => {
	const delhi = events.frDelhi;
	assert.notEqual(events.enQuake, delhi, 'the earthquake');
	assert.notEqual(events.frLyon, delhi, 'Macron in Lyon the same day');
	assert.notEqual(events.frLyon, events.enQuake);
});

test('the later meeting is in the same story; the unrelated events are not', async () => {
	const story = async (ev) => sql(`SELECT coalesce(story_id, 0) FROM events WHERE id = ${Number(ev)}`);
	const delhi = await story(events.frDelhi);
	assert.notEqual(delhi, '0', 'the event has a story');
	assert.equal(await story(events.frParis), delhi, 'Paris continues the Delhi story');
	assert.notEqual(await story(events.enQuake), delhi);
	assert.notEqual(await story(events.frLyon), delhi);
});

test("the event's date is the day of the happening, with its evidence", async () => {
	const row = await sql(`SELECT event_date, event_date_precision, date_origin, date_article_id FROM events WHERE id = ${Number(events.frDelhi)}`);
	const [day, precision, origin, article] = row.split('|');
	assert.equal(day, '2026-03-10', 'Tuesday 10 March, although two of the three reports are dated the 11th');
	assert.equal(precision, 'day');
	assert.equal(origin, 'text');
	assert.ok(Object.values(ids).includes(Number(article)), 'the evidence names one of its articles');
	const a = (await api('GET', `/articles/${article}`)).json;
	assert.equal(a.event_id, events.frDelhi, 'the evidence article belongs to the event');
});

test('the event knows its kind, location, languages and participants', async () => {
	const row = await sql(`SELECT kind, lang_count, source_count, article_count, (SELECT name FROM entities WHERE id = location_id) FROM events WHERE id = ${Number(events.frDelhi)}`);
	const [kind, langs, sources, count, location] = row.split('|');
	// Both are true of a meeting that signed a roadmap; anything else is wrong.
	assert.ok(['meeting', 'agreement'].includes(kind), `kind ${kind}`);
	assert.equal(Number(langs), 3);
	assert.equal(Number(sources), 3);
	assert.equal(Number(count), 3);
	const why = await sql(`SELECT a.lang, n.name, m.first_offset, m.surface FROM articles a JOIN mentions m ON m.article_id = a.id JOIN entities n ON n.id = m.entity_id WHERE a.event_id = ${Number(events.frDelhi)} AND n.kind = 'location' ORDER BY a.id, m.first_offset`);
	assert.match(location, /delhi/i, `where: the place named first; candidates:\n${why}`);
	const people = await sql(`SELECT e.name FROM event_entities ee JOIN entities e ON e.id = ee.entity_id WHERE ee.event_id = ${Number(events.frDelhi)} AND e.kind = 'person' ORDER BY ee.articles DESC, e.name`);
	assert.match(people, /Macron/);
	assert.match(people, /Modi/);
});

test('a restart reloads the events: a late report joins the right one', async () => {
	await restartServer();
	const late = {
		url: 'https://cluster.example.es/2026/03/12/macron-modi-nueva-delhi',
		source: 'Diario Ejemplo',
		published_at: '2026-03-12T08:00:00Z',
		title: 'Macron y Modi firman en Nueva Delhi una hoja de ruta sobre reactores nucleares',
		text: [
			"El presidente francés, Emmanuel Macron, y el primer ministro indio, Narendra Modi, firmaron el martes en Nueva Delhi una hoja de ruta sobre pequeños reactores nucleares y defensa.",
			"Modi calificó a Francia de socio de confianza durante el encuentro en Hyderabad House, y Macron anunció la entrega de nuevos motores de aviones de combate a la India antes de 2030.",
		].join('\n\n'),
	};
	const r = await api('POST', '/articles', { body: late });
	assert.equal(r.status, 201, JSON.stringify(r.json));
	assert.equal(r.json.event_id, events.frDelhi, 'the Spanish report two days later joins the Delhi meeting');
});

test('after a curation the leader rebuilds the events it changed, and places new articles by them', async () => {
	// Split the German report out of the Delhi event: both events lose their
	// stored centroid and are rebuilt from their articles.
	const r = await api('POST', `/events/${events.frDelhi}/split`, { body: { articles: [ids.deDelhi] } });
	assert.equal(r.status, 201, JSON.stringify(r.json));
	const split = r.json.id;
	assert.equal((await api('GET', `/articles/${ids.deDelhi}`)).json.event_id, split);
	// A new English report of the Delhi meeting goes to the curated event
	// that kept the French and English reports.
	const more = {
		url: 'https://cluster.example.com/2026/03/11/macron-modi-delhi-analysis',
		source: 'Another Example',
		published_at: '2026-03-11T09:00:00Z',
		title: 'What Macron and Modi agreed in New Delhi on nuclear reactors',
		text: [
			"Emmanuel Macron and Narendra Modi met in New Delhi on Tuesday and signed a roadmap on small modular nuclear reactors, alongside a deal on fighter jet engines for India by 2030.",
			"At Hyderabad House, Modi described France as a trusted partner, while Macron stressed maritime security in the Indian Ocean and the war in Ukraine.",
		].join('\n\n'),
	};
	const a = await api('POST', '/articles', { body: more });
	assert.equal(a.status, 201, JSON.stringify(a.json));
	assert.ok([events.frDelhi, split].includes(a.json.event_id), `joins one of the two Delhi events, got ${a.json.event_id}`);
	const stale = await sql(`SELECT count(*) FROM events WHERE id IN (${Number(events.frDelhi)}, ${Number(split)}) AND centroid IS NULL`);
	assert.equal(stale, '0', 'both centroids were rebuilt');
});

test('a damaged stored centroid does not stop the leader after a restart', async () => {
	await sql(`UPDATE events SET centroid = '\\x0102'::bytea WHERE id = ${Number(events.enQuake)}`);
	await restartServer();
	const r = await api('POST', '/articles', { body: {
		url: 'https://cluster.example.com/2026/03/11/chile-aftershock',
		source: 'Example Times',
		published_at: '2026-03-11T10:00:00Z',
		title: 'Aftershock rattles northern Chile a day after deadly earthquake',
		text: 'A strong aftershock shook Antofagasta in northern Chile on Wednesday, a day after the magnitude 7.1 earthquake that killed three people, the national emergency office said.\n\nRescue teams paused their search of collapsed houses in the port city for an hour.',
	} });
	assert.equal(r.status, 201, JSON.stringify(r.json));
	assert.ok(r.json.event_id, 'the leader still places articles');
});
