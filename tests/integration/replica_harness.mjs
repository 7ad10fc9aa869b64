// A streaming replica of the harness's PostgreSQL, for READ_DATABASE_URL.
//
//   startReplica()        pg.sh replica: a hot standby of the stack's cluster
//                         (pg_basebackup -R through a replication slot) in its
//                         own temporary folder and socket; returns {dir, port, url}
//   serveReadsFrom(url)   restart newsd with READ_DATABASE_URL=url (null: none)
//   crashReplica()        immediate shutdown, as a crash (pg.sh crash)
//   restartReplica()      start it again on the same folder and port
//   stopReplica()         stop it, keep its log (tests/output/.../replica-pg.log),
//                         remove its folder; also run when this process exits,
//                         and by a watchdog if it dies without exiting
//   sqlPrimary(sql), sqlReplica(sql)
//                         one value (psql -tA) from the newsd database
//   waitReplayed()        the replica has replayed all the primary wrote so far
//   replicaQueriesSince(ts)
//                         newsd's read connections on the replica (application
//                         "newsd-read") that started a query after ts, a
//                         timestamp of the replica's clock_timestamp()
//
// Use after startStack(); call stopStack() before stopReplica() so that newsd
// drains while both databases answer.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

import { REPO, currentStack, freePort, restartServer, run, sleep } from './harness.mjs';

const PG_SH = path.join(REPO, 'scripts', 'pg.sh');
const CMD_TIMEOUT_MS = 90000;

let replica = null; // {dir, port, url, outDir}

function cleanEnv(extra = {}) {
	const env = { ...process.env, ...extra };
	for (const k of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGSERVICE', 'PGOPTIONS', 'DATABASE_URL'])
		delete env[k];
	return env;
}

// Run pg.sh (the harness's run()); resolves {code, out, err}.
async function pgsh(args, { env = cleanEnv(), timeout = CMD_TIMEOUT_MS } = {}) {
	const r = await run(PG_SH, args, { env, timeout });
	return { code: r.code ?? r.signal, out: r.out, err: r.err };
}

async function pgshOk(args, opts) {
	const r = await pgsh(args, opts);
	if (r.code !== 0)
		throw new Error(`scripts/pg.sh ${args.join(' ')} failed (exit ${r.code}):\n${r.err}${r.out}`);
	return r.out;
}

async function sql(dir, port, query) {
	const out = await pgshOk(['psql', dir, String(port), '-tAq', '-v', 'ON_ERROR_STOP=1', '-c', query]);
	return out.trim();
}

export function sqlPrimary(query) {
	const s = currentStack();
	if (!s)
		throw new Error('no stack running');
	return sql(s.dir, s.pgPort, query);
}

export function sqlReplica(query) {
	if (!replica)
		throw new Error('no replica running');
	return sql(replica.dir, replica.port, query);
}

// When this process dies without cleaning up, stop the replica once it is gone.
function startWatchdog(dir) {
	const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done
[ -d "$1" ] || exit 0
"$2" stop "$1" >/dev/null 2>&1
[ -n "$3" ] || rm -rf "$1"`;
	const w = spawn('sh', ['-c', script, 'newsd-replica-watchdog', dir, PG_SH, process.env.NEWSD_KEEP_TMP || ''], {
		detached: true, stdio: 'ignore',
	});
	w.unref();
}

export async function startReplica() {
	const s = currentStack();
	if (!s)
		throw new Error('startReplica() needs a running stack (startStack first)');
	if (replica)
		throw new Error('a replica is running already');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsd-rep-'));
	const port = await freePort();
	replica = { dir, port, url: null, outDir: s.outDir };
	startWatchdog(dir);
	const out = await pgshOk(['replica', s.dir, dir, String(port)], { env: cleanEnv({ NEWSD_PG_FAST: '1' }) });
	replica.url = out.trim().split('\n').pop();
	return { ...replica };
}

export async function crashReplica() {
	await pgshOk(['crash', replica.dir]);
}

export async function restartReplica() {
	const out = await pgshOk(['start', replica.dir, String(replica.port)], { env: cleanEnv({ NEWSD_PG_FAST: '1' }) });
	return out.trim().split('\n').pop();
}

export async function stopReplica() {
	if (!replica)
		return;
	const r = replica;
	replica = null;
	try {
		await pgsh(['stop', r.dir]);
	} finally {
		try {
			fs.copyFileSync(path.join(r.dir, 'pg.log'), path.join(r.outDir, 'replica-pg.log'));
		} catch { /* no log */ }
		if (!process.env.NEWSD_KEEP_TMP)
			fs.rmSync(r.dir, { recursive: true, force: true });
	}
}

process.on('exit', () => {
	if (!replica)
		return;
	spawnSync(PG_SH, ['stop', replica.dir], { stdio: 'ignore' });
	if (!process.env.NEWSD_KEEP_TMP)
		fs.rmSync(replica.dir, { recursive: true, force: true });
	replica = null;
});

// The harness adds the stack's env (the object given to startStack) to the
// server's environment at every start.
export async function serveReadsFrom(url) {
	const s = currentStack();
	if (url)
		s.env.READ_DATABASE_URL = url;
	else
		delete s.env.READ_DATABASE_URL;
	return restartServer();
}

export async function waitReplayed({ timeout = 30000 } = {}) {
	// The insert position: with synchronous_commit=off (NEWSD_PG_FAST) a commit
	// may not be written yet, and pg_current_wal_lsn() is the write position.
	const target = await sqlPrimary('SELECT pg_current_wal_insert_lsn()');
	const deadline = Date.now() + timeout;
	let last = '';
	for (;;) {
		last = await sqlReplica(`SELECT coalesce(pg_last_wal_replay_lsn() >= '${target}'::pg_lsn, false) || ' ' || coalesce(pg_last_wal_replay_lsn()::text, '-')`);
		if (last.startsWith('true'))
			return;
		if (Date.now() > deadline)
			throw new Error(`the replica did not replay up to ${target} in ${timeout} ms (at ${last.split(' ')[1]})`);
		await sleep(50);
	}
}

export async function replicaNow() {
	return sqlReplica('SELECT clock_timestamp()');
}

export async function replicaQueriesSince(ts) {
	return Number(await sqlReplica(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'newsd-read' AND query_start > '${ts}'::timestamptz`));
}
