// NEWSD_API_KEYS=k1,k2: writes need "Authorization: Bearer <key>" (401 without,
// 403 with a wrong key); reads stay open.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { api, startStack, stopStack, test, waitJob } from './harness.mjs';

before(async () => {
	await startStack({ NEWSD_API_KEYS: 'k1,k2' });
});
after(async () => {
	await stopStack();
});

const TEXT = "La bibliothèque municipale de Nantes rouvre ses portes après dix-huit mois de travaux. Les lecteurs découvriront de nouvelles salles d'étude, un espace pour les enfants et des horaires élargis le samedi, a annoncé la mairie.";
const auth = (key) => ({ Authorization: `Bearer ${key}` });

function unauthorized(r, what) {
	assert.equal(r.status, 401, `${what}: ${r.text}`);
	assert.match(r.headers['www-authenticate'] || '', /^Bearer\b/, `${what}: WWW-Authenticate`);
	assert.match(r.contentType, /^application\/problem\+json\b/);
	assert.match(r.json.detail, /authorization|bearer|key/i, `${what}: detail`);
}

function forbidden(r, what) {
	assert.equal(r.status, 403, `${what}: ${r.text}`);
	assert.match(r.contentType, /^application\/problem\+json\b/);
	assert.match(r.json.detail, /key/i, `${what}: detail`);
}

let articleId;

test('POST /articles without Authorization -> 401 + WWW-Authenticate: Bearer', async () => {
	unauthorized(await api('POST', '/articles', { body: { text: TEXT } }), 'no header');
	unauthorized(await api('POST', '/articles', { raw: '{"broken' }), 'no header, malformed body: auth comes first');
	unauthorized(await api('POST', '/articles', { body: { text: TEXT }, headers: { Authorization: 'Basic azE6azE=' } }), 'Basic credentials');
	assert.deepEqual((await api('GET', '/articles')).json, { data: [], next: null }, 'nothing stored');
});

test('POST /articles with a wrong key -> 403', async () => {
	for (const key of ['k3', 'k1,k2', 'K1', 'k', ' k1x'])
		forbidden(await api('POST', '/articles', { body: { text: TEXT }, headers: auth(key) }), `key '${key}'`);
	assert.deepEqual((await api('GET', '/articles')).json, { data: [], next: null }, 'nothing stored');
});

test('POST /articles with a right key -> 201; either key works', async () => {
	const r = await api('POST', '/articles', { body: { text: TEXT }, headers: auth('k1') });
	assert.equal(r.status, 201, r.text);
	articleId = r.json.id;
	const r2 = await api('POST', '/articles', { body: { text: TEXT }, headers: auth('k2') });
	assert.equal(r2.status, 200, 'k2 works too (and finds the same article)');
	assert.equal(r2.json.id, articleId);
});

test('reads stay open without a key', async () => {
	for (const p of ['/healthz', '/readyz', '/openapi.yaml', '/articles', `/articles/${articleId}`, '/entities', '/events'])
		assert.equal((await api('GET', p)).status, 200, `GET ${p}`);
});

test('POST /jobs and DELETE /jobs/{id} need a key too', async () => {
	unauthorized(await api('POST', '/jobs', { body: [{ text: TEXT }] }), 'POST /jobs');
	forbidden(await api('POST', '/jobs', { body: [{ text: TEXT }], headers: auth('nope') }), 'POST /jobs wrong key');
	const r = await api('POST', '/jobs', { body: [{ text: `${TEXT} Deuxième édition.` }], headers: auth('k2') });
	assert.equal(r.status, 202, r.text);
	const id = r.json.id;
	assert.equal((await api('GET', `/jobs/${id}`)).status, 200, 'GET /jobs/{id} is open');
	await waitJob(id);
	unauthorized(await api('DELETE', `/jobs/${id}`), 'DELETE /jobs/{id}');
	forbidden(await api('DELETE', `/jobs/${id}`, { headers: auth('k3') }), 'DELETE wrong key');
	assert.equal((await api('DELETE', `/jobs/${id}`, { headers: auth('k1') })).status, 409, 'a right key reaches the handler (job finished)');
});

// Over a raw socket, so that the client declares a body it never sends: the
// answer must come from the headers alone.
async function rawRequest(head) {
	const net = await import('node:net');
	const { currentStack } = await import('./harness.mjs');
	return new Promise((resolve, reject) => {
		const sock = net.connect(currentStack().port, '127.0.0.1');
		let data = '';
		const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no answer to ${head.split('\r\n')[0]} within 5 s`)); }, 5000);
		sock.on('data', (d) => { data += d; });
		sock.on('error', reject);
		sock.on('close', () => { clearTimeout(timer); resolve(data); });
		sock.on('connect', () => sock.write(head));
	});
}

test('a write without a key is refused from its headers: 401 before the body is read', async () => {
	const { validate } = await import('./harness.mjs');
	const text = await rawRequest('POST /articles HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
		'Content-Length: 900000000\r\n\r\n');
	const [head, body] = text.split('\r\n\r\n');
	assert.match(head, /^HTTP\/1\.1 401 /, head);
	assert.match(head, /\r\nWWW-Authenticate: Bearer/i);
	validate('POST', '/articles', 401, 'application/problem+json', JSON.parse(body));
	const wrong = await rawRequest('POST /jobs HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer nope\r\n' +
		'Content-Type: application/json\r\nContent-Length: 900000000\r\n\r\n');
	assert.match(wrong, /^HTTP\/1\.1 403 /);
});
