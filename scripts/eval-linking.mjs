#!/usr/bin/env node
// `make eval`, linking (issue 4): how often newsd links a HIPE gold mention to
// its Wikidata QID, measured end to end through the real service.
//
// For each knowledge-base configuration (the default base alone, as shipped;
// then the default base plus ../shared/corpora/kb/wikidata-subset.json.bz2,
// which is for evaluation only, imported with the default options) a scratch
// PostgreSQL and newsd start on free
// ports (tests/integration/harness.mjs: a temporary folder, never ./.data),
// `newsd migrate` loads the default base, `newsd kb import` adds the subset,
// and every HIPE document goes in through POST /jobs (one job per set, one
// ingestion worker so that the order is fixed). Each document's text is
// rebuilt from its tokens (a space unless NoSpaceAfter; EndOfLine is a space
// too: newsd takes a line break for a paragraph break), with `lang` and
// `published_at` from the document's metadata and the document id as title
// (so that no line of the text is taken for the title). GET /articles/{id}
// gives the entities with their QIDs and their mentions' character offsets in
// `body`, which is aligned back onto the rebuilt text.
//
// Scoring, per set: every gold mention (NE-COARSE-LIT, any type, as HIPE
// scores linking) with a QID in NEL-LIT is matched to the system mention that
// overlaps it most (characters). (a) accuracy end to end: right QID / gold
// QID mentions (a missed mention is wrong); (b) accuracy on the gold QID
// mentions the recogniser found (overlapped); (c) NIL: share of gold NIL
// mentions left without a QID (a missed mention counts as left), and, in the
// metric's text, the same share among the NIL mentions found.
//
// Prints rows of the `make eval` table (tests/eval/eval.h); the error classes
// go to stderr and, with every wrong mention, to tests/output/eval-linking/.
// Exits 0 with "skipped" rows when the corpora are absent.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPORA = path.resolve(REPO, process.env.CORPORA || '../shared/corpora');
const SUBSET = path.join(CORPORA, 'kb', 'wikidata-subset.json.bz2');
const OUT = path.join(REPO, 'tests', 'output', 'eval-linking');

const SETS = [
	{ rel: 'ner/hipe-2020/HIPE-data-v1.4-dev-fr.tsv', name: 'HIPE-2020 fr dev', lang: 'fr' },
	{ rel: 'ner/hipe-2020/HIPE-data-v1.4-dev-en.tsv', name: 'HIPE-2020 en dev', lang: 'en' },
	{ rel: 'ner/hipe-2020/HIPE-data-v1.4-dev-de.tsv', name: 'HIPE-2020 de dev', lang: 'de' },
	{ rel: 'ner/hipe-2022/HIPE-2022-v2.1-newseye-dev-fr.tsv', name: 'HIPE-2022 newseye fr dev', lang: 'fr' },
];

function row(dataset, metric, value, reference = '') {
	const v = typeof value === 'number' ? value.toFixed(3) : value;
	process.stdout.write(`| linking | ${dataset} | ${metric} | ${v} | ${reference} |\n`);
}

// ------------------------------------------------------------ HIPE reading

const TIME_INPUT = /^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$/;

// Documents of one HIPE TSV: {id, lang, date, cps (code points of the text),
// gold: [{start, end, type, qid|null, surface}]} (offsets in code points).
export function readHipe(file, defaultLang) {
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	const docs = [];
	let col = null;
	let doc = null;
	let pending = {};
	let space = false;
	let cur = null; // the gold mention being read
	const close = () => {
		if (cur && doc)
			doc.gold.push(cur);
		cur = null;
	};
	const meta = (d, key, value) => {
		if (/(^|:)date$/.test(key))
			d.date = value;
		else if (/(^|:)language$/.test(key))
			d.lang = value;
	};
	for (const raw of lines) {
		const line = raw.replace(/\r$/, '');
		if (line.startsWith('TOKEN\t')) {
			const h = line.split('\t');
			col = { ne: h.indexOf('NE-COARSE-LIT'), nel: h.indexOf('NEL-LIT'), misc: h.indexOf('MISC') };
			continue;
		}
		if (line.startsWith('#')) {
			const m = /^#\s*([\w:.-]+)\s*=\s*(.*?)\s*$/.exec(line);
			if (!m)
				continue;
			if (/(^|:)document_id$/.test(m[1])) {
				close();
				doc = { id: m[2], lang: defaultLang, date: null, cps: [], gold: [], ...pending };
				docs.push(doc);
				pending = {};
				space = false;
			} else if (doc && doc.cps.length === 0) {
				meta(doc, m[1], m[2]);
			} else {
				meta(pending, m[1], m[2]);
			}
			continue;
		}
		if (!line.trim() || !col || !doc)
			continue;
		const f = line.split('\t');
		const token = f[0].normalize('NFC');
		const misc = f[col.misc] || '';
		const tag = f[col.ne] || 'O';
		const nel = f[col.nel] || '_';
		if (space)
			doc.cps.push(' ');
		const start = doc.cps.length;
		for (const c of token)
			doc.cps.push(c);
		const end = doc.cps.length;
		const bio = tag[0];
		const type = tag.slice(2).toLowerCase();
		if (bio === 'B' || (bio === 'I' && (!cur || cur.type !== type))) {
			close();
			cur = { start, end, type, qid: null, nil: false };
		} else if (bio === 'I') {
			cur.end = end;
		} else {
			close();
		}
		if (cur && cur.qid === null && !cur.nil) {
			if (/^Q[0-9]+$/.test(nel))
				cur.qid = nel;
			else if (nel === 'NIL')
				cur.nil = true;
		}
		space = !misc.split('|').includes('NoSpaceAfter');
	}
	close();
	for (const d of docs) {
		d.text = d.cps.join('');
		if (d.date && !TIME_INPUT.test(d.date))
			d.date = null;
		for (const g of d.gold)
			g.surface = d.cps.slice(g.start, g.end).join('');
	}
	return docs.filter((d) => d.cps.length);
}

// ------------------------------------------------------------ alignment

const SKIP = /[\s\u00ad\u200b-\u200f\u2060\ufeff]/u;

// map[i] = index in body of text code point i, or -1. The body is the text
// with spaces collapsed, invisible characters dropped and, possibly,
// paragraphs left out; after a mismatch the next 12 text characters are
// looked for ahead in the body.
function align(text, body) {
	const map = new Int32Array(text.length).fill(-1);
	let i = 0;
	let j = 0;
	const bodyStr = body.join('');
	while (i < text.length && j < body.length) {
		if (text[i] === body[j]) {
			map[i++] = j++;
		} else if (SKIP.test(text[i])) {
			i++;
		} else if (SKIP.test(body[j])) {
			j++;
		} else {
			const probe = text.slice(i, i + 12).join('');
			// code-unit index -> code-point index
			const at = bodyStr.indexOf(probe, body.slice(0, j).join('').length);
			if (at < 0) {
				i++;
				continue;
			}
			j = Array.from(bodyStr.slice(0, at)).length;
		}
	}
	return map;
}

// ------------------------------------------------------------ normalisation

// Close to newsd's text_normalize_key (compatibility decomposition, marks
// stripped, case folded, spaces collapsed, ’ as '): for classifying errors.
export function norm(s) {
	return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/ß/g, 'ss')
		.replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ').trim();
}

// ------------------------------------------------------------ the run

async function main() {
	const present = SETS.filter((s) => fs.existsSync(path.join(CORPORA, s.rel)));
	for (const s of SETS)
		if (!present.includes(s))
			row(s.name, 'skipped: absent', '-', '-');
	if (!present.length)
		return 0;
	const h = await import('../tests/integration/harness.mjs');
	if (!fs.existsSync(h.BIN)) {
		row('-', `skipped: no newsd binary at ${path.relative(REPO, h.BIN)} (make build)`, '-', '-');
		return 0;
	}
	fs.mkdirSync(OUT, { recursive: true });
	const sets = present.map((s) => ({ ...s, docs: readHipe(path.join(CORPORA, s.rel), s.lang) }));
	const goldQids = [...new Set(sets.flatMap((s) => s.docs.flatMap((d) => d.gold.map((g) => g.qid).filter(Boolean))))];
	const configs = [{ key: 'default', label: 'default KB' }];
	if (fs.existsSync(SUBSET)) {
		configs.push({ key: 'subset', label: 'default KB + wikidata-subset (eval only)', kb: [SUBSET] });
	} else {
		row('-', 'skipped: default KB + wikidata-subset (kb/wikidata-subset.json.bz2 absent)', '-', '-');
	}
	const t0 = Date.now();
	for (const cfg of configs)
		await runConfig(h, cfg, sets, goldQids);
	process.stderr.write(`eval-linking: ${((Date.now() - t0) / 1000).toFixed(0)} s; every wrong mention in ${path.relative(REPO, OUT)}/\n`);
	return 0;
}

async function sql(h, query) {
	const s = h.currentStack();
	const r = await h.run(path.join(REPO, 'scripts', 'pg.sh'), ['psql', s.dir, String(s.pgPort), '-tAq', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query]);
	if (r.code !== 0)
		throw new Error(`psql failed (${r.code}): ${r.err}${r.out}`);
	return r.out.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

async function runConfig(h, cfg, sets, goldQids) {
	await h.startStack({ NEWSD_WORKERS: '1' });
	try {
		const s = h.currentStack();
		if (cfg.kb) {
			const env = { ...process.env, DATABASE_URL: s.dbUrl };
			for (const k of Object.keys(env))
				if (k.startsWith('NEWSD_') || k.startsWith('PG'))
					delete env[k];
			const r = await h.run(h.BIN, ['kb', 'import', ...cfg.kb], { env, logFile: path.join(s.outDir, 'kb.log'), timeout: 600000 });
			if (r.code !== 0)
				throw new Error(`newsd kb import failed (${r.code}): ${r.err}${r.out}`);
			const said = (r.out + r.err).split('\n').filter((l) => /imported/.test(l)).pop();
			process.stderr.write(`eval-linking: ${said || 'kb import done'}\n`);
		}
		// The knowledge base before any article taught it an alias: which gold
		// QIDs it holds, and their names.
		const kbAliases = new Map();
		const list = goldQids.map((q) => `'${q}'`).join(',');
		for (const [qid, n] of await sql(h, `SELECT e.qid, a.norm FROM entities e JOIN entity_aliases a ON a.entity_id = e.id WHERE e.qid IN (${list})`)) {
			if (!kbAliases.has(qid))
				kbAliases.set(qid, new Set());
			kbAliases.get(qid).add(n);
		}
		for (const [qid] of await sql(h, `SELECT qid FROM entities WHERE qid IN (${list})`))
			if (!kbAliases.has(qid))
				kbAliases.set(qid, new Set());
		fs.writeFileSync(path.join(OUT, `kb-gold-qids-${cfg.key}.txt`), [...kbAliases.keys()].sort().join('\n') + '\n');
		const [[entities]] = await sql(h, 'SELECT count(*) FROM entities');
		row('-', `knowledge base: ${cfg.label}: ${entities} entities, ${kbAliases.size} of the ${goldQids.length} gold QIDs`, '-', '-');
		for (const set of sets)
			await runSet(h, cfg, set, kbAliases);
	} finally {
		await h.stopStack();
	}
}

async function runSet(h, cfg, set, kbAliases) {
	const items = set.docs.map((d) => ({
		text: d.text, title: `HIPE ${d.id}`, lang: d.lang || set.lang,
		...(d.date ? { published_at: d.date } : {}),
	}));
	const r = await h.api('POST', '/jobs', { body: items });
	if (r.status !== 202)
		throw new Error(`POST /jobs answered ${r.status}: ${r.text.slice(0, 500)}`);
	const job = await h.waitJob(r.json.id, { timeout: 300000 });
	const ids = new Map(job.articles.map((a) => [a.index, a.id]));
	const failed = job.errors.map((e) => `${set.docs[e.index].id}: ${e.error}`);
	const st = { gold: 0, right: 0, found: 0, foundRight: 0, nil: 0, nilLeft: 0, nilFound: 0, nilFoundLeft: 0, unaligned: 0 };
	const classes = {};
	const wrong = [];
	const bump = (c) => { classes[c] = (classes[c] || 0) + 1; };
	for (const [idx, d] of set.docs.entries()) {
		let sys = [];
		let map = null;
		if (ids.has(idx)) {
			const a = await h.api('GET', `/articles/${ids.get(idx)}`);
			if (a.status !== 200)
				throw new Error(`GET /articles/${ids.get(idx)} answered ${a.status}`);
			map = align(d.cps, Array.from(a.json.body));
			const body = Array.from(a.json.body);
			for (const e of a.json.entities)
				for (const m of e.mentions)
					sys.push({ start: m.start, end: m.end, text: body.slice(m.start, m.end).join(''), qid: e.qid, name: e.name, kind: e.kind });
		}
		for (const g of d.gold) {
			if (!g.qid && !g.nil)
				continue;
			const bs = map ? map[g.start] : -1;
			const be = map ? map[g.end - 1] : -1;
			let best = null;
			if (bs >= 0 && be >= 0) {
				let bestOv = 0;
				for (const m of sys) {
					const ov = Math.min(m.end, be + 1) - Math.max(m.start, bs);
					if (ov > bestOv) {
						bestOv = ov;
						best = m;
					}
				}
			} else if (map) {
				st.unaligned++;
			}
			const exact = best && best.start === bs && best.end === be + 1;
			if (g.nil) {
				st.nil++;
				if (!best || !best.qid)
					st.nilLeft++;
				if (best) {
					st.nilFound++;
					if (!best.qid)
						st.nilFoundLeft++;
					else {
						const c = `NIL given a QID (${exact ? 'span exact' : 'span differs'})`;
						bump(c);
						wrong.push([set.name, d.id, g.type, 'NIL', g.surface, best.text, best.qid, best.name, best.kind, c].join('\t'));
					}
				}
				continue;
			}
			st.gold++;
			if (best)
				st.found++;
			if (best && best.qid === g.qid) {
				st.right++;
				st.foundRight++;
				continue;
			}
			// Why it is wrong, first cause first.
			let c;
			const aliases = kbAliases.get(g.qid);
			if (!best)
				c = 'mention not found by the recogniser';
			else if (!aliases)
				c = 'QID absent from the knowledge base';
			else if (aliases.has(norm(best.text)))
				c = best.qid ? 'wrong candidate chosen (name reaches the gold entity)' : 'name reaches the gold entity, linked to one without QID';
			else if (!exact && aliases.has(norm(g.surface)))
				c = 'span wrong (the gold span is an alias)';
			else
				c = best.qid ? 'alias missing, linked to another QID' : 'alias missing from the knowledge base';
			bump(c);
			wrong.push([set.name, d.id, g.type, g.qid, g.surface, best ? best.text : '', best?.qid ?? '', best?.name ?? '', best?.kind ?? '', c].join('\t'));
		}
	}
	const ratio = (a, b) => (b ? a / b : 0);
	const kb = cfg.label;
	row(set.name, `${kb}: accuracy end to end, right QID / gold QID mentions (${st.gold})`, ratio(st.right, st.gold));
	row(set.name, `${kb}: accuracy on the gold QID mentions found (${st.found}, ${st.foundRight} right)`, ratio(st.foundRight, st.found));
	row(set.name, `${kb}: NIL mentions left without QID (${st.nil}; of the ${st.nilFound} found: ${ratio(st.nilFoundLeft, st.nilFound).toFixed(3)})`, ratio(st.nilLeft, st.nil));
	if (failed.length || st.unaligned)
		row(set.name, `${kb}: ${failed.length} documents failed, ${st.unaligned} gold mentions not aligned with the body`, '-', failed.slice(0, 3).join('; '));
	const summary = Object.entries(classes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${v}\t${k}`).join('\n');
	process.stderr.write(`eval-linking: ${set.name}, ${kb}: error classes\n${summary}\n`);
	const file = path.join(OUT, `errors-${cfg.key}-${set.name.replace(/[^A-Za-z0-9]+/g, '-')}.tsv`);
	fs.writeFileSync(file, ['set\tdocument\ttype\tgold_qid\tgold_surface\tsystem_surface\tsystem_qid\tsystem_entity\tsystem_kind\tclass', ...wrong].join('\n') + '\n');
	fs.writeFileSync(file.replace(/\.tsv$/, '.classes.txt'), summary + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().then((code) => process.exit(code), (e) => {
		process.stderr.write(`eval-linking: ${e.stack || e}\n`);
		row('-', `FAILED: ${String(e.message || e).split('\n')[0]}`, '-', '-');
		process.exit(1);
	});
}
