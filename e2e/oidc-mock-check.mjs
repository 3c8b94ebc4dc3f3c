// Self-check for oidc-mock.mjs (not part of `npm test`):
//
//   node e2e/oidc-mock-check.mjs
//
// Starts the mock as a child process, reads its JSON line and drives every issuer with
// fetch: discovery, authorize -> code -> token (PKCE S256; client_secret_basic/post and a
// private_key_jwt assertion signed with the printed key), ID token signatures and claims,
// /userinfo, each tamper, key rotation, the refusals, the DfE role API and /endsession.
// Exits non-zero on the first failure.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SECRET = 'mock-secret';
const API_SECRET = 'mock-api-secret';
const REDIRECT = 'http://127.0.0.1:9/callback';
const CLIENT = 'mns-client';

const t0 = performance.now();
const child = spawn(process.execPath, [path.join(HERE, 'oidc-mock.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const env = await new Promise((resolve, reject) => {
  const rl = readline.createInterface({ input: child.stdout });
  rl.once('line', (l) => resolve(JSON.parse(l)));
  child.once('exit', (code) => reject(new Error(`mock exited early (${code})`)));
  setTimeout(() => reject(new Error('no JSON line within 20 s')), 20000).unref();
});
const startupMs = performance.now() - t0;
let extraLines = '';
child.stdout.on('data', (d) => { extraLines += d; });

let passed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}\n     ${e.stack ?? e}`);
    child.kill('SIGTERM');
    console.log(`${passed} passed, 1 failed`);
    process.exit(1);
  }
}

// ---- helpers ----------------------------------------------------------------------------
const b64u = (b) => Buffer.from(b).toString('base64url');
const decode = (jwt) => {
  const [h, p] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
};
async function ctl(method, p, body) {
  const r = await fetch(env.control + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : undefined };
}
const disco = {};
async function discover(name) {
  const iss = env[name];
  const r = await fetch(iss.replace(/\/$/, '') + '/.well-known/openid-configuration');
  assert.equal(r.status, 200);
  disco[name] = await r.json();
  return disco[name];
}
async function jwks(name) {
  return (await (await fetch(disco[name].jwks_uri)).json()).keys;
}
async function verifyIdToken(name, jwt) {
  const { header } = decode(jwt);
  const key = (await jwks(name)).find((k) => k.kid === header.kid);
  assert.ok(key, `kid ${header.kid} in JWKS`);
  const [h, p, s] = jwt.split('.');
  const pub = crypto.createPublicKey({ key, format: 'jwk' });
  const ok = header.alg === 'ES256'
    ? crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key: pub, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))
    : crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), pub, Buffer.from(s, 'base64url'));
  assert.ok(ok, 'ID token signature verifies');
  return decode(jwt);
}
function pkce() {
  const verifier = b64u(crypto.randomBytes(32));
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}
async function authorize(name, extra = {}) {
  const nonce = b64u(crypto.randomBytes(12));
  const stateParam = b64u(crypto.randomBytes(12));
  const pk = pkce();
  const u = new URL(disco[name].authorization_endpoint);
  const params = {
    response_type: 'code', client_id: CLIENT, redirect_uri: REDIRECT, scope: 'openid email',
    state: stateParam, nonce, code_challenge: pk.challenge, code_challenge_method: 'S256', ...extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  const r = await fetch(u, { redirect: 'manual' });
  assert.equal(r.status, 302, 'authorize redirects');
  const loc = new URL(r.headers.get('location'));
  assert.equal(loc.origin + loc.pathname, REDIRECT);
  assert.equal(loc.searchParams.get('state'), stateParam, 'state returned');
  return { code: loc.searchParams.get('code'), loc, nonce, state: stateParam, verifier: pk.verifier };
}
function assertion(name, over = {}, headerOver = {}, key = env.onelogin_private_key_pem) {
  const t = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: env.onelogin_key_id, ...headerOver };
  const payload = { iss: CLIENT, sub: CLIENT, aud: disco[name].token_endpoint, iat: t, exp: t + 240, jti: crypto.randomUUID(), ...over };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${b64u(crypto.sign('RSA-SHA256', Buffer.from(input), key))}`;
}
// auth: 'basic' | 'post' | 'jwt' | 'none' | {headers, form}
async function token(name, form, auth) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const f = { ...form };
  if (auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT)}:${encodeURIComponent(SECRET)}`).toString('base64')}`;
  else if (auth === 'post') Object.assign(f, { client_id: CLIENT, client_secret: SECRET });
  else if (auth === 'jwt') Object.assign(f, { client_id: CLIENT, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion(name) });
  else if (auth && typeof auth === 'object') { Object.assign(headers, auth.headers ?? {}); Object.assign(f, auth.form ?? {}); }
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  const r = await fetch(disco[name].token_endpoint, { method: 'POST', headers, body: new URLSearchParams(f) });
  return { status: r.status, json: await r.json() };
}
const defaultAuth = (name) => (name === 'onelogin' ? 'jwt' : 'basic');
async function login(name, { auth = defaultAuth(name), authorizeExtra = {} } = {}) {
  const a = await authorize(name, authorizeExtra);
  const t = await token(name, { grant_type: 'authorization_code', code: a.code, redirect_uri: REDIRECT, code_verifier: a.verifier }, auth);
  return { a, t };
}
async function stats(name) { return (await ctl('GET', `/stats/${name}`)).json; }
async function lastFailure(name) { const s = await stats(name); return s.token_failures.at(-1); }

// ---- checks -----------------------------------------------------------------------------
await check('JSON line has the documented keys', () => {
  assert.deepEqual(Object.keys(env), ['control', 'entra', 'dfe', 'onelogin', 'onelogin_private_key_pem', 'onelogin_key_id']);
  assert.match(env.control, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(env.entra, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(env.dfe, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(env.onelogin, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.match(env.onelogin_private_key_pem, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
  assert.equal(crypto.createPrivateKey(env.onelogin_private_key_pem).asymmetricKeyDetails.modulusLength, 2048);
  assert.equal(env.onelogin_key_id, 'mns-test-key');
});

await check('discovery: issuer exact, endpoints, algorithms, auth methods', async () => {
  for (const [name, alg, auth] of [['entra', 'RS256', 'client_secret_basic'], ['dfe', 'RS256', 'client_secret_post'], ['onelogin', 'ES256', 'private_key_jwt']]) {
    const d = await discover(name);
    assert.equal(d.issuer, env[name], `${name} issuer`);
    const base = env[name].replace(/\/$/, '');
    assert.equal(d.token_endpoint, `${base}/token`);
    assert.equal(d.authorization_endpoint, `${base}/authorize`);
    assert.equal(d.end_session_endpoint, `${base}/endsession`);
    assert.equal(d.jwks_uri, `${base}/jwks`);
    assert.deepEqual(d.id_token_signing_alg_values_supported, [alg]);
    assert.ok(d.token_endpoint_auth_methods_supported.includes(auth));
    const keys = await jwks(name);
    assert.equal(keys.length, 1);
    assert.equal(keys[0].alg, alg);
    assert.equal(keys[0].d, undefined, 'no private part in JWKS');
  }
});

const entraUser = { sub: 'entra-sub-1', oid: '00000000-0000-0000-0000-000000000001', tid: 'tenant-1', roles: ['MNS.Coordinator'], email: 'a@b.example', email_verified: true, name: 'Ann Coordinator' };
let entraLogin;
await check('entra: authorize -> code -> token (PKCE S256, client_secret_basic), ID token claims', async () => {
  assert.equal((await ctl('PUT', '/user/entra', entraUser)).status, 204);
  const { a, t } = await login('entra');
  assert.equal(t.status, 200, JSON.stringify(t.json));
  assert.equal(t.json.token_type, 'Bearer');
  assert.equal(t.json.scope, 'openid email');
  const { header, payload } = await verifyIdToken('entra', t.json.id_token);
  assert.equal(header.alg, 'RS256');
  assert.equal(payload.iss, env.entra);
  assert.equal(payload.aud, CLIENT);
  assert.equal(payload.nonce, a.nonce);
  assert.equal(payload.sub, entraUser.sub);
  assert.equal(payload.oid, entraUser.oid);
  assert.equal(payload.tid, entraUser.tid);
  assert.deepEqual(payload.roles, ['MNS.Coordinator']);
  assert.equal(payload.email, 'a@b.example');
  assert.equal(payload.name, 'Ann Coordinator');
  assert.ok(payload.exp > Date.now() / 1000 + 3000);
  const at = decode(t.json.access_token).payload;
  assert.equal(at.roles, undefined, 'claims not in the access token');
  assert.equal(at.sub, entraUser.sub);
  entraLogin = { a, t };
});

await check('entra: /userinfo gives sub and the stored claims; needs the access token', async () => {
  const r = await fetch(disco.entra.userinfo_endpoint, { headers: { authorization: `Bearer ${entraLogin.t.json.access_token}` } });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), entraUser);
  assert.equal((await fetch(disco.entra.userinfo_endpoint)).status, 401);
  assert.equal((await fetch(disco.entra.userinfo_endpoint, { headers: { authorization: 'Bearer nope' } })).status, 401);
});

await check('a replayed authorization code is refused (invalid_grant)', async () => {
  const t = await token('entra', { grant_type: 'authorization_code', code: entraLogin.a.code, redirect_uri: REDIRECT, code_verifier: entraLogin.a.verifier }, 'basic');
  assert.equal(t.status, 400);
  assert.equal(t.json.error, 'invalid_grant');
  const t2 = await token('entra', { grant_type: 'authorization_code', code: 'made-up', redirect_uri: REDIRECT }, 'basic');
  assert.equal(t2.json.error, 'invalid_grant');
});

await check('PKCE: wrong or missing code_verifier refused; redirect_uri must match', async () => {
  let a = await authorize('entra');
  let t = await token('entra', { grant_type: 'authorization_code', code: a.code, redirect_uri: REDIRECT, code_verifier: b64u(crypto.randomBytes(32)) }, 'basic');
  assert.equal(t.json.error, 'invalid_grant');
  a = await authorize('entra');
  t = await token('entra', { grant_type: 'authorization_code', code: a.code, redirect_uri: REDIRECT }, 'basic');
  assert.equal(t.json.error, 'invalid_grant');
  assert.match(await lastFailure('entra'), /code_verifier required/);
  a = await authorize('entra');
  t = await token('entra', { grant_type: 'authorization_code', code: a.code, redirect_uri: 'http://127.0.0.1:9/other', code_verifier: a.verifier }, 'basic');
  assert.equal(t.json.error, 'invalid_grant');
  // PKCE is optional: without a challenge the code works without a verifier.
  a = await authorize('entra', { code_challenge: undefined, code_challenge_method: undefined });
  t = await token('entra', { grant_type: 'authorization_code', code: a.code, redirect_uri: REDIRECT }, 'basic');
  assert.equal(t.status, 200);
});

await check('entra/dfe client secret refusals: 401 invalid_client', async () => {
  const cases = [
    ['wrong secret', { headers: { authorization: `Basic ${Buffer.from(`${CLIENT}:wrong`).toString('base64')}` } }, /wrong client secret/],
    ['wrong secret (post)', { form: { client_id: CLIENT, client_secret: 'wrong' } }, /wrong client secret/],
    ['no authentication', { form: { client_id: CLIENT } }, /no client authentication/],
    ['two methods', { headers: { authorization: `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString('base64')}` }, form: { client_secret: SECRET } }, /more than one/],
  ];
  for (const name of ['entra', 'dfe']) {
    for (const [label, auth, re] of cases) {
      const a = await authorize(name);
      const t = await token(name, { grant_type: 'authorization_code', code: a.code, redirect_uri: REDIRECT, code_verifier: a.verifier }, auth);
      assert.equal(t.status, 401, `${name} ${label}`);
      assert.equal(t.json.error, 'invalid_client');
      assert.match(await lastFailure(name), re);
      assert.match(await lastFailure(name), /^invalid_client: /);
    }
  }
});

const dfeUser = { sub: 'dfe-sub-1', email: 'head@school.example', organisation: { id: 'org-1', name: 'Test School', urn: '121234', category: { id: '001', name: 'Establishment' } } };
await check('dfe: client_secret_post login; organisation in ID token and /userinfo', async () => {
  await ctl('PUT', '/user/dfe', dfeUser);
  const { a, t } = await login('dfe', { auth: 'post' });
  assert.equal(t.status, 200, JSON.stringify(t.json));
  const { payload } = await verifyIdToken('dfe', t.json.id_token);
  assert.equal(payload.iss, env.dfe);
  assert.equal(payload.aud, CLIENT);
  assert.equal(payload.nonce, a.nonce);
  assert.equal(payload.sub, 'dfe-sub-1');
  assert.deepEqual(payload.organisation, dfeUser.organisation);
  const ui = await (await fetch(disco.dfe.userinfo_endpoint, { headers: { authorization: `Bearer ${t.json.access_token}` } })).json();
  assert.deepEqual(ui, dfeUser);
});

const oneloginUser = { sub: 'urn:fdc:gov.uk:2022:abc', email: 'parent@example.com', email_verified: true };
await check('onelogin: private_key_jwt with the printed PEM; ES256 ID token; email only in /userinfo; vtr recorded', async () => {
  await ctl('PUT', '/user/onelogin', oneloginUser);
  const { a, t } = await login('onelogin', { authorizeExtra: { vtr: '["Cl.Cm"]', ui_locales: 'en' } });
  assert.equal(t.status, 200, JSON.stringify(t.json));
  const { header, payload } = await verifyIdToken('onelogin', t.json.id_token);
  assert.equal(header.alg, 'ES256');
  assert.equal(payload.iss, env.onelogin);
  assert.equal(payload.aud, CLIENT);
  assert.equal(payload.nonce, a.nonce);
  assert.equal(payload.sub, oneloginUser.sub);
  assert.equal(payload.vot, 'Cl.Cm');
  assert.equal(payload.email, undefined);
  assert.equal(payload.email_verified, undefined);
  const r = await fetch(disco.onelogin.userinfo_endpoint, { headers: { authorization: `Bearer ${t.json.access_token}` } });
  assert.deepEqual(await r.json(), oneloginUser);
  const s = await stats('onelogin');
  assert.equal(s.authorize.vtr, '["Cl.Cm"]');
  assert.equal(s.authorize.scope, 'openid email');
  assert.equal(s.authorize.client_id, CLIENT);
  // a stored vot wins over the default
  await ctl('PUT', '/user/onelogin', { ...oneloginUser, vot: 'Cl' });
  const l2 = await login('onelogin');
  assert.equal(decode(l2.t.json.id_token).payload.vot, 'Cl');
  await ctl('PUT', '/user/onelogin', oneloginUser);
  // client_id may be left out of the form: the assertion's iss is the client
  const a3 = await authorize('onelogin');
  const t3 = await token('onelogin', { grant_type: 'authorization_code', code: a3.code, redirect_uri: REDIRECT, code_verifier: a3.verifier }, {
    form: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion('onelogin') },
  });
  assert.equal(t3.status, 200, JSON.stringify(t3.json));
  assert.equal(decode(t3.json.id_token).payload.aud, CLIENT);
  // aud = the issuer URL is accepted too
  const a4 = await authorize('onelogin');
  const t4 = await token('onelogin', { grant_type: 'authorization_code', code: a4.code, redirect_uri: REDIRECT, code_verifier: a4.verifier }, {
    form: { client_id: CLIENT, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion('onelogin', { aud: env.onelogin }) },
  });
  assert.equal(t4.status, 200, JSON.stringify(t4.json));
});

await check('onelogin client assertion refusals: 401 invalid_client', async () => {
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const t = Math.floor(Date.now() / 1000);
  const reused = assertion('onelogin');
  const JB = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
  const cases = [
    ['no assertion', { client_id: CLIENT }, /client_assertion_type/],
    ['wrong type', { client_id: CLIENT, client_assertion_type: 'x', client_assertion: assertion('onelogin') }, /client_assertion_type/],
    ['other key', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', {}, {}, other) }, /signature/],
    ['wrong kid', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', {}, { kid: 'other' }) }, /kid/],
    ['wrong aud', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', { aud: 'http://elsewhere/token' }) }, /aud/],
    ['iss not client', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', { iss: 'someone' }) }, /iss/],
    ['sub not client', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', { sub: 'someone' }) }, /sub/],
    ['client_id differs', { client_id: 'other-client', client_assertion_type: JB, client_assertion: assertion('onelogin') }, /iss/],
    ['expired', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', { iat: t - 400, exp: t - 60 }) }, /expired/],
    ['exp too far', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', { exp: t + 400 }) }, /300/],
    ['no exp', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', { exp: undefined }) }, /exp/],
    ['no jti', { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin', { jti: undefined }) }, /jti/],
    ['also a client_secret', { client_id: CLIENT, client_secret: SECRET, client_assertion_type: JB, client_assertion: assertion('onelogin') }, /secret/],
    ['first use of an assertion', { client_id: CLIENT, client_assertion_type: JB, client_assertion: reused }, null],
    ['replayed jti', { client_id: CLIENT, client_assertion_type: JB, client_assertion: reused }, /replayed/],
  ];
  for (const [label, form, re] of cases) {
    const a = await authorize('onelogin');
    const r = await token('onelogin', { grant_type: 'authorization_code', code: a.code, redirect_uri: REDIRECT, code_verifier: a.verifier }, { form });
    if (re === null) { assert.equal(r.status, 200, label); continue; }
    assert.equal(r.status, 401, `${label}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.error, 'invalid_client');
    assert.match(await lastFailure('onelogin'), re, label);
  }
  const r = await token('onelogin', { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT }, {
    headers: { authorization: `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString('base64')}` },
    form: { client_id: CLIENT, client_assertion_type: JB, client_assertion: assertion('onelogin') },
  });
  assert.equal(r.status, 401);
});

await check('tamper: aud, iss, nonce, exp, drop, kid — one shot, then cleared', async () => {
  const exp = Math.floor(Date.now() / 1000) - 120;
  for (const [t, fn] of [
    [{ aud: 'x' }, (p) => assert.equal(p.aud, 'x')],
    [{ iss: 'x' }, (p) => assert.equal(p.iss, 'x')],
    [{ nonce: 'x' }, (p) => assert.equal(p.nonce, 'x')],
    [{ exp }, (p) => assert.equal(p.exp, exp)],
    [{ drop: ['nonce'] }, (p) => assert.equal('nonce' in p, false)],
  ]) {
    for (const name of ['entra', 'onelogin']) {
      await ctl('PUT', '/tamper', t);
      const { a, t: tok } = await login(name);
      assert.equal(tok.status, 200);
      const { payload } = await verifyIdToken(name, tok.json.id_token); // still properly signed
      fn(payload, a);
      const again = decode((await login(name)).t.json.id_token).payload; // cleared
      assert.equal(again.aud, CLIENT);
      assert.equal(again.iss, env[name]);
      assert.ok(typeof again.nonce === 'string' && again.nonce !== 'x');
      assert.ok(again.exp > Date.now() / 1000);
    }
  }
  await ctl('PUT', '/tamper', { kid: 'nope' });
  const k = decode((await login('dfe')).t.json.id_token).header;
  assert.equal(k.kid, 'nope');
  assert.ok(!(await jwks('dfe')).some((x) => x.kid === 'nope'));
  assert.notEqual(decode((await login('dfe')).t.json.id_token).header.kid, 'nope');
  // DELETE clears it
  await ctl('PUT', '/tamper', { aud: 'x' });
  await ctl('DELETE', '/tamper');
  assert.equal(decode((await login('entra')).t.json.id_token).payload.aud, CLIENT);
  // applies to the next token response from ANY issuer
  await ctl('PUT', '/tamper', { aud: 'y' });
  assert.equal(decode((await login('onelogin')).t.json.id_token).payload.aud, 'y');
  assert.equal(decode((await login('entra')).t.json.id_token).payload.aud, CLIENT);
});

await check('tamper: status 503 gives {"error":"temporarily_unavailable"} once', async () => {
  await ctl('PUT', '/tamper', { status: 503 });
  const { t } = await login('entra');
  assert.equal(t.status, 503);
  assert.deepEqual(t.json, { error: 'temporarily_unavailable' });
  assert.equal((await login('entra')).t.status, 200);
});

await check('tamper: alg none / HS256 (extra)', async () => {
  await ctl('PUT', '/tamper', { alg: 'none' });
  const n = (await login('entra')).t.json.id_token;
  assert.equal(decode(n).header.alg, 'none');
  assert.ok(n.endsWith('.'));
  await ctl('PUT', '/tamper', { alg: 'HS256' });
  const h = (await login('onelogin')).t.json.id_token;
  assert.equal(decode(h).header.alg, 'HS256');
});

await check('rotate: new kid in JWKS, next tokens use it (not round robin), /jwks counted', async () => {
  for (const name of ['entra', 'onelogin']) {
    const before = await stats(name);
    const oldKid = decode((await login(name)).t.json.id_token).header.kid;
    const r = await ctl('POST', `/rotate/${name}`);
    assert.equal(r.status, 200);
    const newKid = r.json.kid;
    assert.notEqual(newKid, oldKid);
    for (let i = 0; i < 3; i++) {
      const { header } = await verifyIdToken(name, (await login(name)).t.json.id_token);
      assert.equal(header.kid, newKid);
    }
    const kids = (await jwks(name)).map((k) => k.kid);
    assert.ok(kids.includes(newKid) && kids.includes(oldKid), 'JWKS lists the new key (and keeps the old one)');
    assert.equal(kids[0], newKid, 'newest key first');
    const after = await stats(name);
    assert.equal(after.jwks, before.jwks + 4, '/jwks GETs counted');
    assert.ok(after.token >= before.token + 4);
  }
});

await check('/endsession redirects to post_logout_redirect_uri with state, recorded in stats', async () => {
  for (const name of ['entra', 'dfe', 'onelogin']) {
    const u = new URL(disco[name].end_session_endpoint);
    u.searchParams.set('id_token_hint', 'eyJ.x.y');
    u.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1:9/signed-out');
    u.searchParams.set('state', 'st-1');
    const r = await fetch(u, { redirect: 'manual' });
    assert.equal(r.status, 302);
    const loc = new URL(r.headers.get('location'));
    assert.equal(loc.origin + loc.pathname, 'http://127.0.0.1:9/signed-out');
    assert.equal(loc.searchParams.get('state'), 'st-1');
    const s = await stats(name);
    assert.deepEqual(s.endsession, { id_token_hint: 'eyJ.x.y', post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out', state: 'st-1' });
  }
  const r = await fetch(disco.entra.end_session_endpoint, { redirect: 'manual' });
  assert.equal(r.status, 200, 'no post_logout_redirect_uri: a signed-out page');
});

function dfeBearer(over = {}, secret = API_SECRET, alg = 'HS256') {
  const t = Math.floor(Date.now() / 1000);
  const payload = { iss: CLIENT, aud: 'signin.education.gov.uk', iat: t, exp: t + 60, ...over };
  const input = `${b64u(JSON.stringify({ alg, typ: 'JWT' }))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}
await check('DfE role API: good bearer, bad bearers, 404, status fault', async () => {
  const base = `${env.control}/dfe-api/services/${CLIENT}/organisations/org-1/users/dfe-sub-1`;
  const get = (b, url = base) => fetch(url, { headers: b ? { authorization: `Bearer ${b}` } : {} });
  assert.equal((await get(dfeBearer())).status, 404, 'no roles yet');
  assert.equal((await ctl('PUT', '/dfe-roles/dfe-sub-1', { organisation: 'org-1', roles: ['MNS_SCHOOL', 'MNS_SENCO'] })).status, 204);
  const r = await get(dfeBearer());
  assert.equal(r.status, 200);
  const j = await r.json();
  assert.equal(j.userId, 'dfe-sub-1');
  assert.equal(j.organisationId, 'org-1');
  assert.equal(j.serviceId, CLIENT);
  assert.deepEqual(j.roles.map((x) => x.code), ['MNS_SCHOOL', 'MNS_SENCO']);
  for (const x of j.roles) {
    assert.deepEqual(x.status, { id: 1 });
    assert.ok(x.id && x.name && x.numericId);
  }
  assert.equal((await get(dfeBearer(), base.replace('org-1', 'org-2'))).status, 404, 'other organisation');
  assert.equal((await get(dfeBearer(), base.replace('users/dfe-sub-1', 'users/nobody'))).status, 404, 'unknown user');
  assert.equal((await get(null)).status, 401, 'no bearer');
  assert.equal((await get(dfeBearer({}, 'wrong-secret'))).status, 401, 'wrong secret');
  assert.equal((await get(dfeBearer({ aud: 'x' }))).status, 401, 'wrong aud');
  assert.equal((await get(dfeBearer({ iss: 'other' }))).status, 401, 'iss not the client id');
  assert.equal((await get(dfeBearer({ exp: Math.floor(Date.now() / 1000) - 60 }))).status, 401, 'expired');
  assert.equal((await get(dfeBearer({}, API_SECRET, 'HS512'))).status, 401, 'wrong alg');
  await ctl('PUT', '/dfe-api-status', { status: 503 });
  assert.equal((await get(dfeBearer())).status, 503);
  assert.equal((await get(dfeBearer())).status, 503, 'persists');
  await ctl('PUT', '/dfe-api-status', { status: 200 });
  assert.equal((await get(dfeBearer())).status, 200);
  assert.ok((await stats('dfe')).role_api >= 12);
});

await check('authorize-error and endpoint status faults (extras)', async () => {
  await ctl('PUT', '/authorize-error', { error: 'access_denied', error_description: 'User cancelled' });
  const a = await authorize('entra');
  assert.equal(a.code, null);
  assert.equal(a.loc.searchParams.get('error'), 'access_denied');
  assert.ok((await authorize('entra')).code, 'one shot');
  await ctl('PUT', '/status/entra', { jwks: 503 });
  assert.equal((await fetch(disco.entra.jwks_uri)).status, 503);
  await ctl('PUT', '/status/entra', { jwks: 200 });
  assert.equal((await fetch(disco.entra.jwks_uri)).status, 200);
});

await check('stats shape; POST /reset clears users, counters, queries; keys stay', async () => {
  const s = await stats('onelogin');
  for (const k of ['jwks', 'token', 'authorize', 'endsession', 'token_failures']) assert.ok(k in s, k);
  assert.ok(Array.isArray(s.token_failures) && s.token_failures.length > 0);
  const kidsBefore = (await jwks('entra')).map((k) => k.kid);
  await ctl('PUT', '/tamper', { aud: 'z' });
  assert.equal((await ctl('POST', '/reset')).status, 204);
  const z = await stats('onelogin');
  assert.deepEqual(z, { jwks: 0, token: 0, userinfo: 0, authorize: null, endsession: null, token_failures: [], kids: z.kids });
  assert.deepEqual((await ctl('GET', '/user/entra')).json, { sub: 'johndoe' });
  const { payload, header } = decode((await login('entra')).t.json.id_token);
  assert.equal(payload.sub, 'johndoe');
  assert.equal(payload.aud, CLIENT, 'tamper cleared by reset');
  assert.equal(header.kid, kidsBefore[0]);
  assert.equal((await ctl('GET', '/stats/nope')).status, 404);
  assert.equal((await ctl('PUT', '/user/nope', {})).status, 404);
});

await check('only one line on stdout; SIGTERM exits cleanly', async () => {
  assert.equal(extraLines, '');
  const code = await new Promise((resolve) => { child.once('exit', (c, sig) => resolve(c ?? sig)); child.kill('SIGTERM'); });
  assert.equal(code, 0);
});

console.log(`startup (spawn to JSON line): ${startupMs.toFixed(0)} ms`);
console.log(`${passed} passed, 0 failed`);
