// Integration harness: a throwaway PostgreSQL (scripts/pg.sh) + the real newsd
// binary ($NEWSD_BIN) on free ports, and an HTTP client whose every response
// is validated against openapi.yaml. One stack per test file (node --test runs
// each file in its own process); a file that needs another configuration
// stops its stack and starts a new one.
//
//   startStack(env)         PG + migrate + serve; env is added to the server's
//   stopStack()             stop the server and PG, keep the logs, remove the data
//   restartServer({signal}) kill the server (SIGTERM by default) and start it
//                           again on the same database and port; returns how
//                           the killed process ended ({code, signal})
//   api(method, path, {body, raw, headers, chunked, paced, expect})
//                           -> {status, statusText, headers, contentType, text, json}
//                           validated against the spec (throws on any drift)
//   validate(method, pathTemplate, status, contentType, body, headers)
//
// Logs go to tests/output/<test file>-<n>/ (server.log, migrate.log, pg.log);
// their tails are appended to the error of a failing test (use test() from
// here instead of node:test's).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { test as nodeTest } from 'node:test';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SPEC_PATH = path.join(REPO, 'openapi.yaml');
export const MIGRATIONS_DIR = path.join(REPO, 'migrations');
export const OUTPUT_ROOT = path.join(REPO, 'tests', 'output');
const PG_SH = path.join(REPO, 'scripts', 'pg.sh');
export const BIN = process.env.NEWSD_BIN || path.join(REPO, 'build', 'default', 'newsd');
const READY_TIMEOUT_MS = 30000;
const TAIL_LINES = 40;

// ---------------------------------------------------------------- the spec

export const spec = YAML.parse(fs.readFileSync(SPEC_PATH, 'utf8'));
const SCHEMAS_ID = 'urn:newsd:openapi:schemas';

// '#/components/schemas/X' -> 'urn:newsd:openapi:schemas#/$defs/X'
function rewriteRefs(node) {
	if (Array.isArray(node))
		return node.map(rewriteRefs);
	if (node && typeof node === 'object') {
		const out = {};
		for (const [k, v] of Object.entries(node)) {
			if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
				out[k] = `${SCHEMAS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`;
			else if (k === '$ref' && typeof v === 'string' && v.startsWith('#/'))
				throw new Error(`openapi.yaml: schema $ref ${v} does not point into components/schemas`);
			else
				out[k] = rewriteRefs(v);
		}
		return out;
	}
	return node;
}

// Strict: an unknown keyword in openapi.yaml (a typo such as "additionalProperty")
// is an error, not a silently ignored constraint.
const ajv = new Ajv2020({
	strict: true,
	strictTypes: false,
	strictRequired: false,
	allErrors: true,
	allowUnionTypes: true,
});
addFormats(ajv);
ajv.addFormat('int64', true);
ajv.addFormat('int32', true);
ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(spec.components?.schemas ?? {}) });
// Compile every component now so a broken schema fails at load time.
for (const name of Object.keys(spec.components?.schemas ?? {}))
	ajv.getSchema(`${SCHEMAS_ID}#/$defs/${name}`);

function deref(obj) {
	let seen = 0;
	while (obj && typeof obj.$ref === 'string') {
		if (++seen > 10)
			throw new Error(`openapi.yaml: $ref loop at ${obj.$ref}`);
		const parts = obj.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
		let cur = spec;
		for (const p of parts)
			cur = cur?.[p];
		if (cur === undefined)
			throw new Error(`openapi.yaml: unresolved $ref ${obj.$ref}`);
		obj = cur;
	}
	return obj;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const templates = Object.keys(spec.paths).map((tpl) => ({
	tpl,
	re: new RegExp('^' + tpl.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+') + '$'),
}));

// The spec's path template for a request path (query string ignored), or null.
export function matchTemplate(urlPath) {
	const p = urlPath.split('?')[0];
	const hits = templates.filter((t) => t.re.test(p));
	// A literal path wins over a templated one.
	hits.sort((a, b) => (a.tpl.includes('{') ? 1 : 0) - (b.tpl.includes('{') ? 1 : 0));
	return hits.length ? hits[0].tpl : null;
}

export function specMethods(tpl) {
	return Object.keys(spec.paths[tpl]).filter((k) => HTTP_METHODS.includes(k)).map((m) => m.toUpperCase());
}

const validators = new Map();
function compiled(key, schema) {
	let v = validators.get(key);
	if (!v) {
		v = ajv.compile(rewriteRefs(schema));
		validators.set(key, v);
	}
	return v;
}

function mediaType(contentType) {
	return (contentType || '').split(';')[0].trim().toLowerCase();
}

function fmtErrors(errors) {
	return (errors || []).map((e) => `  ${e.instancePath || '(root)'} ${e.message}` +
		(e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '')).join('\n');
}

function clip(value, n = 1500) {
	const s = typeof value === 'string' ? value : JSON.stringify(value);
	return s && s.length > n ? s.slice(0, n) + `... (${s.length} chars)` : s;
}

// Which response object of the spec describes this answer (throws when none).
export function specResponse(method, pathTemplate, status) {
	const m = method.toLowerCase();
	if (pathTemplate === null) {
		if (status !== 404)
			throw new Error(`undocumented response: ${method} on a path the spec does not list answered ${status} (want 404)`);
		return { key: 'components/responses/NotFound', response: deref({ $ref: '#/components/responses/NotFound' }) };
	}
	const item = spec.paths[pathTemplate];
	if (!item)
		throw new Error(`no path '${pathTemplate}' in openapi.yaml`);
	if (!item[m]) {
		if (status !== 405)
			throw new Error(`undocumented response: ${method} ${pathTemplate} (method not in the spec) answered ${status} (want 405)`);
		return { key: 'components/responses/MethodNotAllowed', response: deref({ $ref: '#/components/responses/MethodNotAllowed' }) };
	}
	const r = item[m].responses?.[String(status)];
	if (!r)
		throw new Error(`undocumented response: ${method} ${pathTemplate} answered ${status}; the spec documents ${Object.keys(item[m].responses || {}).join(', ')}`);
	return { key: `${m} ${pathTemplate} ${status}`, response: deref(r) };
}

// Validate one response against openapi.yaml; throws with ajv's errors.
// body: parsed JSON for JSON media types, the text otherwise.
export function validate(method, pathTemplate, status, contentType, body, headers = null) {
	const where = `${method} ${pathTemplate ?? '(unlisted path)'} -> ${status}`;
	const { key, response } = specResponse(method, pathTemplate, status);
	const content = response.content || {};
	const mt = mediaType(contentType);
	if (Object.keys(content).length) {
		if (!mt)
			throw new Error(`${where}: no Content-Type; the spec wants ${Object.keys(content).join(' or ')}`);
		if (!content[mt])
			throw new Error(`${where}: Content-Type '${contentType}' is not documented; the spec wants ${Object.keys(content).join(' or ')}`);
		const schema = content[mt].schema;
		if (schema) {
			const v = compiled(`${key} ${mt}`, schema);
			if (!v(body))
				throw new Error(`${where}: body does not match openapi.yaml (${mt}):\n${fmtErrors(v.errors)}\nbody: ${clip(body)}`);
		}
	}
	if (headers) {
		for (const [name, hdef] of Object.entries(response.headers || {})) {
			const h = deref(hdef);
			const value = headers[name.toLowerCase()];
			if (value === undefined) {
				if (h.required)
					throw new Error(`${where}: header '${name}' missing (required by openapi.yaml)`);
				continue;
			}
			if (h.schema) {
				const v = compiled(`${key} header ${name}`, h.schema);
				if (!v(value))
					throw new Error(`${where}: header ${name}: '${value}' does not match openapi.yaml:\n${fmtErrors(v.errors)}`);
			}
		}
		if (status === 405 && pathTemplate !== null) {
			const allowed = new Set(String(headers.allow || '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean));
			const want = new Set(specMethods(pathTemplate));
			if (want.has('GET'))
				allowed.delete('HEAD'); // GET implies HEAD (RFC 9110 9.3.2)
			const same = allowed.size === want.size && [...want].every((x) => allowed.has(x));
			if (!same)
				throw new Error(`${where}: Allow '${headers.allow}' differs from the spec's methods for ${pathTemplate}: ${[...want].join(', ')}`);
		}
	}
}

// ---------------------------------------------------------------- processes

let stack = null;     // {dir, outDir, pgPort, dbUrl, env, port, server}
let stackCount = 0;
const testFile = path.basename(process.argv[1] || 'test', '.mjs').replace(/\.test$/, '');

function tailOf(file, n = TAIL_LINES) {
	try {
		const lines = fs.readFileSync(file, 'utf8').split('\n');
		return lines.slice(-n - 1).join('\n');
	} catch {
		return '(none)';
	}
}

export function logTails() {
	if (!stack)
		return '';
	let s = `\n--- ${path.relative(REPO, stack.serverLog)} (last ${TAIL_LINES} lines) ---\n${tailOf(stack.serverLog)}`;
	s += `\n--- ${stack.dir}/pg.log (last 15 lines) ---\n${tailOf(path.join(stack.dir, 'pg.log'), 15)}`;
	return s;
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function run(cmd, args, { env = process.env, logFile = null, timeout = 120000 } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
		child.stdout.on('data', (d) => { out += d; });
		child.stderr.on('data', (d) => { err += d; });
		child.on('error', (e) => { clearTimeout(timer); reject(e); });
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (logFile)
				fs.appendFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n${out}${err}(exit ${code ?? signal})\n`);
			resolve({ code, signal, out, err });
		});
	});
}

function baseEnv() {
	const env = { ...process.env };
	for (const k of Object.keys(env))
		if (k.startsWith('NEWSD_') && k !== 'NEWSD_BIN')
			delete env[k];
	for (const k of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGSERVICE', 'PGOPTIONS', 'DATABASE_URL'])
		delete env[k];
	return env;
}

function serverEnv() {
	const env = {
		...baseEnv(),
		DATABASE_URL: stack.dbUrl,
		NEWSD_MIGRATIONS_DIR: MIGRATIONS_DIR,
		NEWSD_OPENAPI: SPEC_PATH,
		NEWSD_PORT: String(stack.port),
		NEWSD_BIND: '127.0.0.1',
		...stack.env,
	};
	delete env.NEWSD_LANGID_CONF;
	return env;
}

export async function runMigrate() {
	const env = { ...baseEnv(), DATABASE_URL: stack.dbUrl, NEWSD_MIGRATIONS_DIR: MIGRATIONS_DIR };
	const r = await run(BIN, ['migrate'], { env, logFile: path.join(stack.outDir, 'migrate.log') });
	return r;
}

async function startServer() {
	const child = spawn(BIN, ['serve'], { cwd: REPO, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
	const log = fs.createWriteStream(stack.serverLog, { flags: 'a' });
	log.on('error', () => { /* a log we cannot write must not end the tests */ });
	log.write(`==== ${new Date().toISOString()} newsd serve on 127.0.0.1:${stack.port}\n`);
	child.stdout.pipe(log, { end: false });
	child.stderr.pipe(log, { end: false });
	const server = { child, exited: null, log };
	server.exited = new Promise((resolve) => {
		child.on('error', (e) => resolve({ code: null, signal: null, error: e }));
		// 'close': the process ended and its output is all in the log.
		child.on('close', (code, signal) => resolve({ code, signal }));
	});
	stack.server = server;
	if (child.pid)
		fs.writeFileSync(path.join(stack.dir, 'server.pid'), String(child.pid));
	const deadline = Date.now() + READY_TIMEOUT_MS;
	let last = 'no answer';
	for (;;) {
		const gone = await Promise.race([server.exited, sleep(0).then(() => null)]);
		if (gone) {
			stack.server = null;
			await new Promise((r) => log.end(r));
			throw new Error(`newsd serve exited before it was ready (${gone.error ? gone.error.message : `code ${gone.code}, signal ${gone.signal}`})${logTails()}`);
		}
		try {
			const r = await rawRequest('GET', '/readyz', { timeout: 2000 });
			if (r.status === 200)
				return;
			last = `${r.status} ${r.buffer.toString('utf8').slice(0, 300)}`;
		} catch (e) {
			last = e.message;
		}
		if (Date.now() > deadline) {
			await stopServer({ signal: 'SIGKILL' });
			throw new Error(`newsd did not become ready in ${READY_TIMEOUT_MS / 1000} s (GET /readyz: ${last})${logTails()}`);
		}
		await sleep(100);
	}
}

// Stop the server; returns {code, signal} of the process (null if none ran).
export async function stopServer({ signal = 'SIGTERM', timeout = 15000 } = {}) {
	const server = stack?.server;
	if (!server)
		return null;
	server.child.kill(signal);
	let timer;
	const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeout); });
	let res = await Promise.race([server.exited, timedOut]);
	clearTimeout(timer);
	if (!res) {
		server.child.kill('SIGKILL');
		res = await server.exited;
		res.timedOut = true;
	}
	stack.server = null;
	fs.rmSync(path.join(stack.dir, 'server.pid'), { force: true });
	await new Promise((r) => server.log.end(r));
	return res;
}

export async function restartServer({ signal = 'SIGTERM' } = {}) {
	const res = await stopServer({ signal });
	await startServer();
	return res;
}

export async function startStack(env = {}) {
	if (stack)
		await stopStack();
	if (!fs.existsSync(BIN))
		throw new Error(`newsd binary not found at ${BIN} (set NEWSD_BIN or run 'make build')`);
	stackCount += 1;
	const outDir = path.join(OUTPUT_ROOT, `${testFile}-${stackCount}`);
	fs.rmSync(outDir, { recursive: true, force: true });
	fs.mkdirSync(outDir, { recursive: true });
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsd-it-'));
	stack = { dir, outDir, env, serverLog: path.join(outDir, 'server.log'), server: null };
	try {
		stack.pgPort = await freePort();
		const pg = await run(PG_SH, ['start', dir, String(stack.pgPort)], {
			env: { ...baseEnv(), NEWSD_PG_FAST: '1' }, logFile: path.join(outDir, 'pg.sh.log'),
		});
		if (pg.code !== 0)
			throw new Error(`scripts/pg.sh start failed (exit ${pg.code}):\n${pg.err}${pg.out}`);
		stack.dbUrl = pg.out.trim().split('\n').pop();
		startWatchdog(dir);
		const mig = await runMigrate();
		if (mig.code !== 0)
			throw new Error(`newsd migrate failed (exit ${mig.code}):\n${(mig.err + mig.out).slice(-3000)}`);
		stack.port = await freePort();
		await startServer();
	} catch (e) {
		await stopStack();
		throw e;
	}
	return { port: stack.port, dbUrl: stack.dbUrl, dir, outDir };
}

export async function stopStack() {
	if (!stack)
		return;
	const s = stack;
	let exit = null;
	try {
		exit = await stopServer({ signal: 'SIGTERM' });
	} finally {
		await run(PG_SH, ['stop', s.dir], { env: baseEnv(), logFile: path.join(s.outDir, 'pg.sh.log') });
		try {
			fs.copyFileSync(path.join(s.dir, 'pg.log'), path.join(s.outDir, 'pg.log'));
		} catch { /* no log */ }
		if (!process.env.NEWSD_KEEP_TMP)
			fs.rmSync(s.dir, { recursive: true, force: true });
		stack = null;
	}
	// A clean drain exits 0; anything else (a crash, a timeout, or the
	// sanitizers reporting errors or leaks at exit) fails the suite.
	if (exit && (exit.code !== 0 || exit.timedOut)) {
		let tail = '';
		try {
			tail = fs.readFileSync(s.serverLog, 'utf8').split('\n').slice(-60).join('\n');
		} catch { /* no log */ }
		throw new Error(`newsd did not exit cleanly on SIGTERM (code ${exit.code}, signal ${exit.signal}${exit.timedOut ? ', timed out' : ''}):\n${tail}`);
	}
}

export function currentStack() {
	return stack;
}

// If this process dies without cleaning up (SIGKILL, a broken pipe), a
// detached shell kills the server and stops PostgreSQL once it is gone.
function startWatchdog(dir) {
	const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
[ -d "$1" ] || exit 0
[ -f "$1/server.pid" ] && kill -9 "$(cat "$1/server.pid")" 2>/dev/null
"$2" stop "$1" >/dev/null 2>&1
[ -n "$3" ] || rm -rf "$1"`;
	const w = spawn('sh', ['-c', script, 'newsd-it-watchdog', dir, PG_SH, process.env.NEWSD_KEEP_TMP || ''], {
		detached: true, stdio: 'ignore',
	});
	w.unref();
}

// Last resort when the process dies without after() hooks running.
function emergencyCleanup() {
	if (!stack)
		return;
	try {
		stack.server?.child.kill('SIGKILL');
	} catch { /* gone */ }
	spawnSync(PG_SH, ['stop', stack.dir], { stdio: 'ignore' });
	if (!process.env.NEWSD_KEEP_TMP)
		fs.rmSync(stack.dir, { recursive: true, force: true });
	stack = null;
}
process.on('exit', emergencyCleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(sig, () => {
		emergencyCleanup();
		process.exit(128 + (os.constants.signals[sig] || 0));
	});
}

// ---------------------------------------------------------------- HTTP

// paced: send the body in 1 KB pieces a few ms apart and stop sending once the
// answer arrives, as a careful client does (a server that refuses a body may
// answer before reading it all).
// expect: send `Expect: 100-continue` and the body only once the server says
// so, as curl does for large bodies: a refusal decided from the headers then
// never races the upload (a server closing on unread bytes resets the
// connection, which can destroy its own answer on a loaded machine).
function rawRequest(method, urlPath, { headers = {}, payload = null, chunked = false, paced = false, expect = false, timeout = 60000 } = {}) {
	if (!stack?.port)
		return Promise.reject(new Error('no stack running'));
	return new Promise((resolve, reject) => {
		const h = { ...headers };
		if (payload !== null && !chunked)
			h['Content-Length'] = Buffer.byteLength(payload);
		if (expect && payload !== null)
			h.Expect = '100-continue';
		let responded = false;
		const req = http.request({ host: '127.0.0.1', port: stack.port, method, path: urlPath, headers: h, agent: false }, (res) => {
			responded = true;
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				if (expect && !req.writableEnded)
					req.destroy(); // answered before the body was asked for
				resolve({
					status: res.statusCode, statusText: res.statusMessage, headers: res.headers, buffer: Buffer.concat(chunks),
				});
			});
			res.on('error', reject);
		});
		req.on('error', (e) => {
			// The server may answer (413) and close before reading the whole body.
			if (!responded)
				reject(e);
		});
		req.setTimeout(timeout, () => req.destroy(new Error(`${method} ${urlPath}: no answer in ${timeout} ms`)));
		if (payload === null) {
			req.end();
		} else if (expect) {
			req.on('continue', () => {
				req.write(payload);
				req.end();
			});
		} else if (paced) {
			const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
			(async () => {
				for (let i = 0; i < buf.length && !responded && !req.destroyed; i += 1024) {
					req.write(buf.subarray(i, i + 1024));
					await sleep(2);
				}
				if (!req.destroyed)
					req.end();
			})();
		} else if (chunked) {
			const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
			for (let i = 0; i < buf.length; i += 1024)
				req.write(buf.subarray(i, i + 1024));
			req.end();
		} else {
			req.write(payload);
			req.end();
		}
	});
}

const JSON_TYPES = new Set(['application/json', 'application/problem+json']);

// One request; the answer is validated against openapi.yaml before it is
// returned. body: a value sent as JSON; raw: a string or Buffer sent as is
// (Content-Type from headers, else application/json).
export async function api(method, urlPath, { body, raw, headers = {}, chunked = false, paced = false, expect = false, timeout } = {}) {
	let payload = null;
	const h = { ...headers };
	const hasType = Object.keys(h).some((k) => k.toLowerCase() === 'content-type');
	if (raw !== undefined) {
		payload = raw;
		if (!hasType)
			h['Content-Type'] = 'application/json';
	} else if (body !== undefined) {
		payload = JSON.stringify(body);
		if (!hasType)
			h['Content-Type'] = 'application/json';
	}
	const r = await rawRequest(method, urlPath, { headers: h, payload, chunked, paced, expect, timeout });
	const contentType = r.headers['content-type'] || '';
	const text = r.buffer.toString('utf8');
	let json;
	const where = `${method} ${urlPath} -> ${r.status}`;
	if (JSON_TYPES.has(mediaType(contentType))) {
		try {
			json = JSON.parse(text);
		} catch (e) {
			throw new Error(`${where}: Content-Type ${contentType} but the body is not JSON (${e.message}): ${clip(text, 300)}`);
		}
	}
	const tpl = matchTemplate(urlPath);
	try {
		validate(method, tpl, r.status, contentType, json !== undefined ? json : text, r.headers);
	} catch (e) {
		e.message = `${method} ${urlPath}: ${e.message}`;
		throw e;
	}
	return { status: r.status, statusText: r.statusText, headers: r.headers, contentType, text, json };
}

// ---------------------------------------------------------------- helpers

export function test(name, opts, fn) {
	if (typeof opts === 'function') {
		fn = opts;
		opts = {};
	}
	return nodeTest(name, opts, async (t) => {
		try {
			await fn(t);
		} catch (e) {
			const tails = logTails();
			if (e && typeof e === 'object' && tails) {
				try {
					e.message = `${e.message}${tails}`;
				} catch { /* read-only */ }
			}
			throw e;
		}
	});
}

// One SQL statement on the running stack's database (psql -tA): its output,
// rows on lines, columns split by "|". For checks the API does not expose.
export async function sql(query) {
	const s = currentStack();
	const r = await run(path.join(REPO, 'scripts', 'pg.sh'), ['psql', s.dir, String(s.pgPort), '-tAq', '-v', 'ON_ERROR_STOP=1', '-c', query]);
	if (r.code !== 0)
		throw new Error(`psql failed (${r.code}): ${r.err}${r.out}`);
	return r.out.trim();
}

export async function waitFor(fn, { timeout = 30000, interval = 100, what = 'condition' } = {}) {
	const deadline = Date.now() + timeout;
	let last;
	for (;;) {
		last = await fn();
		if (last)
			return last;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
		await sleep(interval);
	}
}

// Poll GET /jobs/{id} until status is one of `statuses` and nothing is running.
export async function waitJob(id, { timeout = 120000, statuses = ['done', 'cancelled'] } = {}) {
	let job;
	await waitFor(async () => {
		const r = await api('GET', `/jobs/${id}`);
		if (r.status !== 200)
			throw new Error(`GET /jobs/${id} answered ${r.status}: ${r.text}`);
		job = r.json;
		const c = job.counts;
		if (c.queued + c.running + c.done + c.failed + c.cancelled !== c.total)
			throw new Error(`job ${id}: counts do not add up to total: ${JSON.stringify(c)}`);
		if (job.errors.length !== c.failed || job.articles.length !== c.done)
			throw new Error(`job ${id}: ${job.errors.length} errors for ${c.failed} failed, ${job.articles.length} articles for ${c.done} done`);
		return statuses.includes(job.status) && job.counts.running === 0 && job.counts.queued === 0;
	}, { timeout, interval: 100, what: `job ${id} to finish (last: ${JSON.stringify(job?.counts)})` });
	return job;
}

// Follow `next` through a whole list; asserts the paging invariants and
// returns every item.
export async function listAll(urlPath, { limit = 100, maxPages = 1000 } = {}) {
	const sep = urlPath.includes('?') ? '&' : '?';
	const items = [];
	const seen = new Set();
	let cursor = null;
	for (let page = 0; page < maxPages; page++) {
		const q = `${urlPath}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const r = await api('GET', q);
		if (r.status !== 200)
			throw new Error(`GET ${q} answered ${r.status}: ${r.text}`);
		if (r.json.data.length > limit)
			throw new Error(`GET ${q}: ${r.json.data.length} items for limit=${limit}`);
		for (const it of r.json.data) {
			if (seen.has(it.id))
				throw new Error(`GET ${q}: id ${it.id} appears on two pages`);
			seen.add(it.id);
			items.push(it);
		}
		if (r.json.next === null)
			return items;
		if (r.json.data.length === 0)
			throw new Error(`GET ${q}: an empty page with a non-null next`);
		cursor = r.json.next;
	}
	throw new Error(`GET ${urlPath}: more than ${maxPages} pages`);
}

// Lower case, accents removed: 'Élysée' -> 'elysee'.
export function fold(s) {
	return String(s).normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

// Validate a value against components/schemas/<name> (e.g. a request body the
// tests send, so the spec is known to accept it).
export function validateSchema(name, value) {
	const v = ajv.getSchema(`${SCHEMAS_ID}#/$defs/${name}`);
	if (!v)
		throw new Error(`no schema '${name}' in openapi.yaml`);
	if (!v(value))
		throw new Error(`value does not match components/schemas/${name}:\n${fmtErrors(v.errors)}\nvalue: ${clip(value)}`);
}

// An output time equals the expected instant (fractional seconds are optional
// in the output: 2018-04-02T00:00:00Z and 2018-04-02T00:00:00.000Z are equal).
export function assertTime(actual, expected, msg = '') {
	if (typeof actual !== 'string' || Number.isNaN(Date.parse(actual)) || Date.parse(actual) !== Date.parse(expected)) {
		const e = new Error(`${msg ? `${msg}: ` : ''}time ${JSON.stringify(actual)} is not ${expected}`);
		e.actual = actual;
		e.expected = expected;
		throw e;
	}
}

// Run fn on every case, then fail once listing every case that failed (so one
// deviation does not hide the others).
export async function checkAll(cases, fn, label = (c) => JSON.stringify(c).slice(0, 80)) {
	const failures = [];
	for (const c of cases) {
		try {
			await fn(c);
		} catch (e) {
			failures.push(`${label(c)}: ${String(e.message).split('\n').filter(Boolean).slice(0, 2).join(' | ')}`);
		}
	}
	if (failures.length)
		throw new Error(`${failures.length} of ${cases.length} cases failed:\n  ${failures.join('\n  ')}`);
}
