// The dashboard's files (NEWSD_WEB_DIR) for GET outside the API, and CORS
// (NEWSD_CORS_ORIGIN) for a dashboard hosted elsewhere.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { api, currentStack, startStack, stopStack, test } from './harness.mjs';

const web = fs.mkdtempSync(path.join(os.tmpdir(), 'newsd-web-'));
const ORIGIN = 'https://dash.example';

before(async () => {
	fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>newsd</title><script src="app.js"></script>');
	fs.writeFileSync(path.join(web, 'app.js'), 'console.log("hi");');
	fs.writeFileSync(path.join(web, '.secret'), 'no');
	fs.writeFileSync(path.join(web, 'notes.exe'), 'no');
	fs.mkdirSync(path.join(web, 'help'));
	fs.writeFileSync(path.join(web, 'help', 'index.html'), '<p>help</p>');
	await startStack({ NEWSD_WEB_DIR: web, NEWSD_CORS_ORIGIN: ORIGIN });
});
after(async () => {
	await stopStack();
	fs.rmSync(web, { recursive: true, force: true });
});

const url = (p) => `http://127.0.0.1:${currentStack().port}${p}`;

test('GET / and the dashboard files are served with their types; the API is unchanged', async () => {
	let r = await fetch(url('/'));
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/html/);
	assert.match(await r.text(), /<title>newsd<\/title>/);
	r = await fetch(url('/app.js'));
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/javascript/);
	r = await fetch(url('/help/'));
	assert.equal(await r.text(), '<p>help</p>');
	r = await fetch(url('/help'));
	assert.equal(r.status, 200);
	const head = await fetch(url('/'), { method: 'HEAD' });
	assert.equal(head.status, 200);
	assert.equal((await api('GET', '/healthz')).json.status, 'ok');
});

test('files that are missing, hidden, of unknown kind or outside the folder are 404', async () => {
	for (const p of ['/missing.js', '/.secret', '/notes.exe', '/..%2fetc%2fpasswd', '/help/../.secret', '/%2e%2e/x']) {
		const r = await fetch(url(p));
		assert.equal(r.status, 404, p);
		assert.match(r.headers.get('content-type'), /^application\/problem\+json/, p);
	}
	const post = await fetch(url('/index.html'), { method: 'POST', body: 'x' });
	assert.equal(post.status, 404, 'only GET serves files');
});

test('CORS: responses name the allowed origin; a preflight lists methods and headers', async () => {
	const r = await api('GET', '/healthz');
	assert.equal(r.headers['access-control-allow-origin'], ORIGIN);
	const pre = await fetch(url('/articles'), { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' } });
	assert.equal(pre.status, 204);
	assert.equal(pre.headers.get('access-control-allow-origin'), ORIGIN);
	assert.match(pre.headers.get('access-control-allow-methods'), /\bPOST\b/);
	assert.match(pre.headers.get('access-control-allow-methods'), /\bGET\b/);
	assert.match(pre.headers.get('access-control-allow-headers'), /Authorization/);
	const nope = await fetch(url('/nope'), { method: 'OPTIONS' });
	assert.equal(nope.status, 404);
});
