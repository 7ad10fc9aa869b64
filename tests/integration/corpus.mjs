// Articles the integration tests ingest: short inline articles written for the
// tests (so they do not depend on anyone else's files), plus the fixtures in
// tests/fixtures/articles/*.txt and *.html (named LANG-*.txt|html; an optional
// NAME.expect.json beside a fixture holds hand-checked expectations, see
// EXPECT_KEYS and checkExpect below and tests/fixtures/articles/README.md).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { REPO, assertTime, fold } from './harness.mjs';

export const INLINE = {
	// Two reports of one happening (Macron receives Scholz at the Élysée on 2023-03-14).
	frMacron1: {
		url: 'https://news.example.org/2023/03/14/macron-scholz-elysee',
		source: 'Exemple Matin',
		published_at: '2023-03-14',
		title: "Emmanuel Macron reçoit Olaf Scholz à l'Élysée pour parler de l'Ukraine",
		text: [
			"Le président Emmanuel Macron a reçu mardi le chancelier allemand Olaf Scholz au palais de l'Élysée, à Paris, pour un dîner de travail consacré à la guerre en Ukraine et à la politique énergétique européenne.",
			"Selon l'Élysée, les deux dirigeants ont réaffirmé leur soutien à Kiev et ont évoqué la livraison de nouveaux équipements militaires. Emmanuel Macron a salué une amitié franco-allemande solide, tandis qu'Olaf Scholz a insisté sur la nécessité d'une réponse européenne commune.",
			"La rencontre, prévue de longue date, intervient quelques jours avant un sommet européen à Bruxelles. Emmanuel Macron et Olaf Scholz doivent également discuter de la réforme du marché de l'électricité, un dossier sur lequel Paris et Berlin restent divisés.",
		].join('\n\n'),
	},
	frMacron2: {
		url: 'https://journal.example.net/international/macron-scholz-unite-ukraine',
		source: 'Le Journal Exemple',
		published_at: '2023-03-14T21:30:00+01:00',
		title: "À l'Élysée, Emmanuel Macron et Olaf Scholz affichent leur unité sur l'Ukraine",
		text: [
			"Emmanuel Macron et Olaf Scholz ont affiché mardi soir leur unité sur le soutien à l'Ukraine lors d'un dîner au palais de l'Élysée. Le chancelier allemand Olaf Scholz, arrivé de Berlin en fin d'après-midi, a été accueilli dans la cour de l'Élysée par le président Emmanuel Macron.",
			"Les deux dirigeants ont promis de continuer à livrer des armes à Kiev aussi longtemps que nécessaire. Ils ont aussi abordé la réforme du marché européen de l'électricité, sur laquelle la France et l'Allemagne cherchent un compromis avant le sommet européen de Bruxelles.",
			"Emmanuel Macron et Olaf Scholz se retrouveront la semaine prochaine à Bruxelles pour le Conseil européen, où la guerre en Ukraine dominera les discussions.",
		].join('\n\n'),
	},
	// Unrelated, same day.
	enQuake: {
		url: 'https://wire.example.com/world/chile-earthquake-antofagasta',
		source: 'Example Wire',
		published_at: '2023-03-14',
		title: 'Strong earthquake shakes northern Chile, no casualties reported',
		text: [
			"A magnitude 6.1 earthquake struck northern Chile on Tuesday, shaking buildings in the port city of Antofagasta, the national seismological center said. There were no immediate reports of casualties or major damage.",
			"The quake was centered 40 kilometers east of Antofagasta at a depth of 100 kilometers. The country's disaster agency said it was assessing the situation and that basic services were operating normally in the region.",
			"Chile is one of the most seismically active countries in the world. Residents of Antofagasta said the shaking lasted for nearly a minute and that many people left their homes as a precaution.",
		].join('\n\n'),
	},
	// Shares Olaf Scholz with the two above, but another happening months before.
	deScholz: {
		url: 'https://zeitung.example.de/politik/scholz-peking-besuch',
		source: 'Beispiel Zeitung',
		published_at: '2022-11',
		title: 'Olaf Scholz zu umstrittenem Besuch in Peking eingetroffen',
		text: [
			"Bundeskanzler Olaf Scholz ist am Freitag zu einem umstrittenen Besuch in Peking eingetroffen. Es ist die erste Reise eines westlichen Regierungschefs nach China seit Beginn der Pandemie. Olaf Scholz wird von einer Wirtschaftsdelegation begleitet und trifft den chinesischen Staatschef Xi Jinping.",
			"Kritiker werfen dem Kanzler vor, die Abhängigkeit der deutschen Wirtschaft von China zu unterschätzen. Vor der Abreise hatte Olaf Scholz betont, Deutschland wolle sich nicht von China abkoppeln, aber einseitige Abhängigkeiten verringern.",
			"Die Reise dauert nur elf Stunden. Die Delegation soll noch am selben Abend nach Berlin zurückkehren, wo die Opposition eine Regierungserklärung im Bundestag verlangt.",
		].join('\n\n'),
	},
	esHeat: {
		source: 'Diario Ejemplo',
		published_at: '2021',
		title: 'Una intensa ola de calor pone en alerta roja a Sevilla y Córdoba',
		text: [
			"Una intensa ola de calor afecta desde este martes a buena parte de España, con temperaturas que superarán los 42 grados en el valle del Guadalquivir, según la Agencia Estatal de Meteorología. Sevilla y Córdoba están en alerta roja.",
			"Las autoridades sanitarias recomiendan evitar la exposición al sol en las horas centrales del día, beber agua con frecuencia y prestar especial atención a las personas mayores. Madrid también registrará máximas cercanas a los 40 grados.",
			"Los meteorólogos prevén que el episodio se prolongue al menos hasta el viernes, cuando una masa de aire más fresco llegará por el noroeste de la península.",
		].join('\n\n'),
	},
	frPoutine: {
		url: 'https://news.example.org/2018/07/24/poutine-invite-trump',
		published_at: '2018-07-24T09:30:00+02:00',
		title: 'Vladimir Poutine invite Donald Trump à Moscou',
		text: [
			"Le président russe Vladimir Poutine a invité son homologue américain Donald Trump à Moscou, a annoncé mardi le Kremlin. Selon le conseiller diplomatique Iouri Ouchakov, Vladimir Poutine souhaite poursuivre le dialogue engagé lors du sommet d'Helsinki.",
			"Donald Trump avait lui-même proposé d'accueillir Vladimir Poutine à Washington à l'automne. Le Kremlin assure que les deux présidents se sont mis d'accord pour maintenir des contacts réguliers, sans fixer de date.",
			"A Washington, plusieurs élus ont critiqué l'attitude conciliante de Donald Trump envers Vladimir Poutine, accusé d'ingérence dans l'élection présidentielle américaine.",
		].join('\n\n'),
	},
	// No date anywhere, no url: published_at must stay null.
	enNoDate: {
		title: 'Volunteers restore an old lighthouse on a windy island',
		text: [
			"A group of volunteers has spent many weekends restoring an old lighthouse on a small windy island. They scraped the rust from the iron stairs, replaced the broken windows and painted the tower white and red again.",
			"The lamp itself no longer guides ships, but the volunteers hope that visitors will come to climb the stairs and look at the sea. Local schools have already asked to bring their pupils for a visit.",
			"The association says it needs more help to repair the keeper's cottage next to the tower, and it welcomes anyone who can hold a brush or a hammer.",
		].join('\n\n'),
	},
};

// The paragraphs of one report (euro-zone finance ministers in Luxembourg),
// for the tests that edit or copy an article (near duplicates, late copies).
export const EUROZONE_STORY = [
	'Les ministres des Finances de la zone euro se sont réunis lundi à Luxembourg pour discuter du budget commun.',
	'Selon le commissaire européen Paolo Gentiloni, les discussions ont porté sur les règles de dette et sur le financement de la transition énergétique.',
	'La ministre espagnole Nadia Calviño a plaidé pour davantage de flexibilité, tandis que son homologue allemand Christian Lindner a défendu une discipline stricte.',
	'Plusieurs délégations ont jugé les propositions de la Commission trop complexes et ont demandé un calendrier plus réaliste pour leur mise en œuvre.',
	'Les discussions doivent reprendre le mois prochain à Bruxelles, où un accord politique est espéré avant la fin de l\'année.',
	'Les marchés ont accueilli la réunion avec prudence, les taux des obligations italiennes restant stables en fin de journée.',
];

// Expected language of each inline article.
export const INLINE_LANG = {
	frMacron1: 'fr', frMacron2: 'fr', enQuake: 'en', deScholz: 'de', esHeat: 'es', frPoutine: 'fr', enNoDate: 'en',
};

function fixturesDir() {
	const own = path.join(REPO, 'tests', 'fixtures', 'articles');
	if (fs.existsSync(own) && fs.readdirSync(own).some((f) => f.endsWith('.txt')))
		return own;
	// CI clones main with shared/ beside it; use its fixtures until the repo has its own.
	const shared = path.resolve(REPO, '..', 'shared', 'fixtures', 'articles');
	if (fs.existsSync(shared) && fs.readdirSync(shared).some((f) => f.endsWith('.txt')))
		return shared;
	return own;
}

// [{name, file, lang, kind, text, expect}] for tests/fixtures/articles/*.txt and
// *.html. The language is the first 2-3 letter segment of the name
// (fr-x.txt, shared-fr-news-1.txt -> fr); kind is 'text' or 'html'.
export function loadFixtures() {
	const dir = fixturesDir();
	if (!fs.existsSync(dir))
		return [];
	return fs.readdirSync(dir).filter((f) => /\.(txt|html)$/.test(f)).sort().flatMap((f) => {
		const lang = f.replace(/\.(txt|html)$/, '').split('-').find((seg) => /^[a-z]{2,3}$/.test(seg));
		if (!lang)
			return [];
		const text = fs.readFileSync(path.join(dir, f), 'utf8');
		const expectFile = path.join(dir, f.replace(/\.(txt|html)$/, '.expect.json'));
		const expect = fs.existsSync(expectFile) ? JSON.parse(fs.readFileSync(expectFile, 'utf8')) : {};
		return [{ name: f, file: path.join(dir, f), lang, kind: f.endsWith('.html') ? 'html' : 'text', text, expect }];
	});
}

// ------------------------------------------------------- fixture expectations
//
// NAME.expect.json: every key is optional; each key present is checked by
// checkExpect against the article the server answered.
//   lang                 "fr"                       a.lang equals it
//   title                "..."                      a.title equals it (’ and ', runs of spaces unified)
//   body_starts          "..." | ["...", ...]       the body starts with it (norm(); an
//                                                   array lists acceptable alternatives)
//   body_ends            "..." | ["...", ...]       the body ends with it (norm())
//   body_contains        ["...", ...]               each is in the body (exact substring)
//   body_excludes        ["...", ...]               none is in the body (exact substring):
//                                                   boilerplate that must be gone
//   entities             ["Name", ...]              each is (folded) part of an entity's name
//   published_at         "YYYY[-MM[-DD]]" | date-time | null
//                                                   a date: the UTC date of a.published_at
//                                                   starts with it; a date-time: the same
//                                                   instant; null: no publication date
//   published_at_origin  "given" | "metadata" | "text" | null
//   precision            "day" | "month" | "year" | null   (a.published_at_precision)
//   agency               "AFP" | null               wire agency, compared case-insensitively
//   source               "..." | null               publisher, compared case-insensitively
//   pending              ["key", ...]               keys the server does not meet yet: their
//                                                   failures are reported, not fatal, unless
//                                                   NEWSD_STRICT_FIXTURES=1
//   notes                "..."                      free text for humans, not checked
export const EXPECT_KEYS = ['lang', 'title', 'body_starts', 'body_ends', 'body_contains', 'body_excludes', 'entities',
	'published_at', 'published_at_origin', 'precision', 'agency', 'source'];
const EXPECT_META = ['pending', 'notes'];

export const STRICT_FIXTURES = process.env.NEWSD_STRICT_FIXTURES === '1';

// Throws when an expect file is malformed (unknown key, a pending key that is
// not expected, a value of the wrong type): a typo must not silently skip a check.
export function validateExpect(fx) {
	const e = fx.expect;
	assert.ok(e && typeof e === 'object' && !Array.isArray(e), `${fx.name}: the expect file holds an object`);
	for (const k of Object.keys(e))
		assert.ok(EXPECT_KEYS.includes(k) || EXPECT_META.includes(k), `${fx.name}: unknown expect key '${k}'`);
	const strs = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0);
	const strOrAlts = (v) => (typeof v === 'string' && v.length > 0) || (strs(v) && v.length > 0);
	const strOrNull = (v) => v === null || (typeof v === 'string' && v.length > 0);
	const types = {
		lang: (v) => typeof v === 'string' && /^[a-z]{2,3}$/.test(v),
		title: (v) => typeof v === 'string' && v.length > 0,
		body_starts: strOrAlts,
		body_ends: strOrAlts,
		body_contains: strs,
		body_excludes: strs,
		entities: strs,
		published_at: (v) => v === null || (typeof v === 'string' && (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v) || !Number.isNaN(Date.parse(v)))),
		published_at_origin: (v) => v === null || ['given', 'metadata', 'text'].includes(v),
		precision: (v) => v === null || ['day', 'month', 'year'].includes(v),
		agency: strOrNull,
		source: strOrNull,
		pending: (v) => strs(v) && v.every((k) => k in e && EXPECT_KEYS.includes(k)),
		notes: (v) => typeof v === 'string',
	};
	for (const [k, ok] of Object.entries(types))
		if (k in e)
			assert.ok(ok(e[k]), `${fx.name}: bad value for expect key '${k}': ${JSON.stringify(e[k])}`);
}

const alts = (v) => (Array.isArray(v) ? v : [v]);
// Typographic variants only: curly and straight apostrophes, runs of white space (no-break spaces too).
const typo = (s) => (s === null || s === undefined ? s : String(s).normalize('NFC').replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim());
const short = (s, n = 120) => JSON.stringify(s.length > n ? `${s.slice(0, n)}...` : s);

// One check per expect key: throws an assertion error when the article does not meet it.
const CHECKS = {
	lang: (a, v) => same(a.lang, v, 'lang'),
	title: (a, v) => assert.ok(typo(a.title) === typo(v), `title ${JSON.stringify(a.title)}, expected ${JSON.stringify(v)}`),
	body_starts: (a, v) => {
		const body = norm(a.body);
		assert.ok(alts(v).some((s) => body.startsWith(norm(s))), `body starts with '${alts(v).join("' or '")}', not ${short(a.body, 100)}`);
	},
	body_ends: (a, v) => {
		const body = norm(a.body);
		assert.ok(alts(v).some((s) => body.endsWith(norm(s))), `body ends with '${alts(v).join("' or '")}', not ${JSON.stringify(`...${a.body.slice(-100)}`)}`);
	},
	body_contains: (a, v) => {
		const missing = v.filter((s) => !a.body.includes(s));
		assert.ok(missing.length === 0, `body lacks ${JSON.stringify(missing)}`);
	},
	body_excludes: (a, v) => {
		const kept = v.filter((s) => a.body.includes(s));
		assert.ok(kept.length === 0, `boilerplate kept in the body: ${JSON.stringify(kept)}`);
	},
	// An entity linked to the knowledge base carries its canonical name
	// ("European Central Bank" for "EZB"): the article's own words are in
	// its mentions.
	entities: (a, v) => {
		const names = (e) => [e.name, ...(e.mentions || []).map((m) => m.text)];
		const missing = v.filter((name) => !a.entities.some((e) => names(e).some((n) => fold(n).includes(fold(name)))));
		assert.ok(missing.length === 0, `entities ${JSON.stringify(missing)} not among ${a.entities.map((e) => e.name).join(', ')}`);
	},
	published_at: (a, v) => {
		if (v === null)
			same(a.published_at, null, 'published_at');
		else if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) {
			const t = a.published_at === null ? NaN : Date.parse(a.published_at);
			assert.ok(!Number.isNaN(t) && new Date(t).toISOString().startsWith(v), `published_at ${JSON.stringify(a.published_at)}, expected ${v}`);
		} else
			assertTime(a.published_at, v, 'published_at');
	},
	published_at_origin: (a, v) => same(a.published_at_origin, v, 'published_at_origin'),
	precision: (a, v) => same(a.published_at_precision, v, 'published_at_precision'),
	agency: (a, v) => same(a.agency, v, 'agency', true),
	source: (a, v) => same(a.source, v, 'source', true),
};

function same(actual, expected, what, anyCase = false) {
	const f = (x) => (x === null || x === undefined ? null : anyCase ? String(x).toLowerCase() : x);
	assert.ok(f(actual) === f(expected), `${what} ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

// Checks every expect key of a fixture against the article: [{key, pending, error}]
// for each key (error null when met).
export function checkExpect(fx, a) {
	const pending = new Set(fx.expect.pending ?? []);
	const out = [];
	for (const key of EXPECT_KEYS) {
		if (!(key in fx.expect))
			continue;
		let error = null;
		try {
			CHECKS[key](a, fx.expect[key]);
		} catch (e) {
			error = String(e.message).split('\n')[0];
		}
		out.push({ key, pending: pending.has(key), error });
	}
	return out;
}

const ENTITIES = { nbsp: '\u00a0', amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', hellip: '…', copy: '©', middot: '·',
	rsquo: '’', lsquo: '‘', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', ndash: '–', mdash: '—', eacute: 'é', egrave: 'è',
	agrave: 'à', ccedil: 'ç', ugrave: 'ù', ograve: 'ò', igrave: 'ì', Egrave: 'È', Eacute: 'É', Agrave: 'À' };

export function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
		if (e[0] === '#')
			return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
		return ENTITIES[e] ?? ENTITIES[e.toLowerCase()] ?? m;
	});
}

// The visible text of an HTML page, roughly (scripts, styles, comments dropped).
export function htmlText(html) {
	return decodeEntities(html.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<(script|style|noscript)\b[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]+>/g, ' '));
}

// Text fragments hidden in scripts, styles and comments: never in a body.
export function hiddenFragments(html) {
	const out = [];
	for (const m of html.matchAll(/<!--([\s\S]*?)-->|<(script|style)\b[^>]*>([\s\S]*?)<\/\2>/gi)) {
		const inner = m[1] ?? m[3] ?? '';
		for (const f of inner.matchAll(/>([^<>]{8,})</g))
			out.push(f[1].trim());
	}
	return out.filter((f) => /\p{L}{3}/u.test(f));
}

// The paragraphs of a fixture: lines of a text, <p> elements of a page.
export function paragraphs(fx) {
	if (fx.kind === 'html') {
		const body = fx.text.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ');
		return [...body.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/gi)].map((m) => decodeEntities(m[1].replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim());
	}
	return fx.text.split('\n').map((l) => l.trim());
}

// Whitespace collapsed, quotes and apostrophes unified, accents and case folded.
export function norm(s) {
	return fold(String(s).replace(/[’‘`]/g, "'").replace(/[“”«»„]/g, '"')).replace(/\s+/g, ' ').trim();
}

const BOILERPLATE = /partager|©|tous droits|lire aussi|à découvrir|commenter|connectez-vous|cet article date/i;

// The longest paragraph of a fixture that is not boilerplate: its main paragraph.
export function mainParagraph(fx) {
	return paragraphs(fx).filter((l) => l && !BOILERPLATE.test(l)).sort((a, b) => b.length - a.length)[0] || '';
}

// Words in a text, as a rough count.
export function words(text) {
	return String(text).split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
