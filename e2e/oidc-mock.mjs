// A test OpenID Connect environment: three issuers shaped like Microsoft Entra ID (v2.0),
// DfE Sign-in and GOV.UK One Login, built on oauth2-mock-server 8.2.3, plus a control
// server that sets the next user's claims, injects faults, rotates keys, counts requests
// and stands in for DfE Sign-in's role API.
//
//   node e2e/oidc-mock.mjs
//
// Prints exactly one line of JSON to stdout once everything listens on 127.0.0.1:
//   {"control":"http://127.0.0.1:P","entra":"http://127.0.0.1:P1","dfe":"http://127.0.0.1:P2",
//    "onelogin":"http://127.0.0.1:P3/","onelogin_private_key_pem":"-----BEGIN PRIVATE KEY-----\n…",
//    "onelogin_key_id":"mns-test-key"}
// then runs until SIGTERM/SIGINT (or until its parent process dies). Nothing is fetched
// from the network. Env: MOCK_CLIENT_SECRET (default mock-secret), MOCK_DFE_API_SECRET
// (default mock-api-secret), OIDC_MOCK_DEBUG=1 logs requests to stderr.
//
// Issuer endpoints (paths of oauth2-mock-server): /.well-known/openid-configuration,
// /authorize (redirects at once, no login UI), /token, /userinfo, /jwks, /endsession,
// /revoke, /introspect.
//
// Control API (JSON bodies; {issuer} is entra | dfe | onelogin):
//   PUT    /user/{issuer}        claims of the user who signs in next (persist until replaced)
//   GET    /user/{issuer}        the stored claims
//   PUT    /tamper               one-shot fault for the next token response (any issuer):
//                                 {"aud"|"iss"|"nonce"|"exp": v}, {"drop":["nonce",…]},
//                                 {"kid":"nope"}, {"status":503}, {"alg":"none"|"HS256"}
//   DELETE /tamper
//   PUT    /authorize-error      one-shot: the next /authorize (any issuer) redirects with
//                                 {"error":"access_denied","error_description":"…"} instead of a code
//   PUT    /status/{issuer}      {"discovery"|"jwks"|"userinfo": 503} make that endpoint fail
//                                 until set back to 200 (or /reset)
//   POST   /rotate/{issuer}      new signing key; answers {"kid": "<new kid>"}
//   GET    /stats/{issuer}       {"jwks","token","authorize","endsession","token_failures","userinfo"}
//   POST   /reset                users, tamper, faults, counters, recorded queries, DfE roles
//   GET    /dfe-api/services/{clientId}/organisations/{orgId}/users/{userId}   DfE role API
//   PUT    /dfe-roles/{userId}   {"organisation":"<orgId>","roles":["codeA",…]}
//   DELETE /dfe-roles/{userId}
//   PUT    /dfe-api-status       {"status":503} (until {"status":200})

import crypto from 'node:crypto';
import http from 'node:http';
import { Events, JWKStore, OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const started = process.hrtime.bigint();
const HOST = '127.0.0.1';
const CLIENT_SECRET = process.env.MOCK_CLIENT_SECRET ?? 'mock-secret';
const DFE_API_SECRET = process.env.MOCK_DFE_API_SECRET ?? 'mock-api-secret';
const DEBUG = process.env.OIDC_MOCK_DEBUG === '1';
const ONELOGIN_KEY_ID = 'mns-test-key';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const DFE_API_AUD = 'signin.education.gov.uk';
const SKEW = 5; // seconds allowed either side on client assertion times
const CODE_TTL = 600; // seconds an authorization code stays usable

const log = (...a) => { if (DEBUG) console.error('[oidc-mock]', ...a); };
const now = () => Math.floor(Date.now() / 1000);

// The relying party's private_key_jwt key pair for One Login.
const rp = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const RP_PRIVATE_PEM = rp.privateKey.export({ type: 'pkcs8', format: 'pem' });
const RP_PUBLIC_KEY = rp.publicKey;

// ---------------------------------------------------------------------------------------
// Shared state set through the control server.

const DEFAULT_USER = () => ({ sub: 'johndoe' });
const state = {
  tamper: null, // one-shot, consumed by the next token request of any issuer
  authorizeError: null, // one-shot, consumed by the next /authorize of any issuer
  dfeRoles: new Map(), // userId -> Map(orgId -> [codes])
  dfeApiStatus: 200,
  dfeApiCalls: 0,
};

// ---------------------------------------------------------------------------------------
// The issuers.

// The library's key store uses its keys round robin and cannot remove one. Each issuer
// keeps a list of stores instead: tokens are signed with the newest store's key, and the
// JWKS lists every key (old ones too, so tokens already issued still verify).
class RotatingIssuer extends OAuth2Issuer {
  stores = [];
  get keys() {
    const stores = this.stores;
    return {
      get: (kid) => {
        if (kid === undefined) return stores[stores.length - 1]?.get();
        for (const s of stores) { const k = s.get(kid); if (k) return k; }
        return undefined;
      },
      toJSON: () => stores.flatMap((s) => s.toJSON()).reverse().map((k) => ({ ...k, use: 'sig' })),
    };
  }
}

const PROFILES = {
  entra: {
    alg: 'RS256', slash: false, auth: 'secret',
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: ['sub', 'oid', 'tid', 'roles', 'name', 'email', 'preferred_username', 'ver'],
  },
  dfe: {
    alg: 'RS256', slash: false, auth: 'secret',
    scopes: ['openid', 'profile', 'email', 'organisation', 'offline_access'],
    claims: ['sub', 'email', 'given_name', 'family_name', 'organisation'],
  },
  onelogin: {
    alg: 'ES256', slash: true, auth: 'private_key_jwt',
    scopes: ['openid', 'email', 'phone', 'offline_access'],
    claims: ['sub', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'vot', 'vtm', 'sid'],
  },
};

function freshIssuerState() {
  return {
    user: DEFAULT_USER(),
    jwks: 0,
    token: 0,
    userinfo: 0,
    authorize: null,
    endsession: null,
    tokenFailures: [],
    status: {}, // endpoint -> HTTP status
  };
}

async function makeIssuer(name) {
  const p = PROFILES[name];
  const issuer = new RotatingIssuer(p.slash); // 8.2.3's shouldIssuerUrlBeSuffixedWithATralingSlash
  const service = new OAuth2Service(issuer);
  const me = {
    name, profile: p, issuer, service,
    s: freshIssuerState(),
    codes: new Map(), // code -> { clientId, redirectUri, challenge, method, scope, at }
    accessTokens: new Set(),
    jtis: new Set(),
    keyCount: 0,
    perReq: new WeakMap(), // req -> { clientId, scope, tamper, signed }
  };
  me.rotate = async () => {
    const store = new JWKStore();
    me.keyCount += 1;
    const jwk = await store.generate(p.alg, { kid: `${name}-${me.keyCount}-${crypto.randomBytes(4).toString('hex')}` });
    issuer.stores.push(store);
    return jwk.kid;
  };
  await me.rotate();
  me.tokenEndpoint = () => urlCombine(issuer.url, '/token');

  service.on(Events.BeforeAuthorizeRedirect, (redirect, req) => {
    const q = req.query;
    const code = redirect.url.searchParams.get('code');
    const err = state.authorizeError;
    if (err) {
      state.authorizeError = null;
      redirect.url.searchParams.delete('code');
      for (const [k, v] of Object.entries(err)) redirect.url.searchParams.set(k, String(v));
      return;
    }
    if (code) {
      me.codes.set(code, {
        clientId: typeof q.client_id === 'string' ? q.client_id : undefined,
        redirectUri: q.redirect_uri,
        challenge: typeof q.code_challenge === 'string' ? q.code_challenge : undefined,
        method: typeof q.code_challenge_method === 'string' ? q.code_challenge_method : 'plain',
        scope: typeof q.scope === 'string' ? q.scope : undefined,
        at: now(),
      });
    }
  });

  service.on(Events.BeforeTokenSigning, (token, req) => {
    const r = me.perReq.get(req);
    if (!r) return;
    r.signed += 1;
    const grant = req.body.grant_type;
    const isIdToken = grant !== 'client_credentials' && r.signed === 2; // access token first
    const user = me.s.user;
    const sub = typeof user.sub === 'string' ? user.sub : 'johndoe';
    if (!isIdToken) {
      token.payload.sub = sub;
      if (r.scope !== undefined && req.body.scope === undefined) token.payload.scope = r.scope;
      if (r.clientId !== undefined) token.payload.client_id = r.clientId;
      return;
    }
    const claims = { ...user };
    if (name === 'onelogin') {
      // GOV.UK One Login gives these only from /userinfo.
      delete claims.email;
      delete claims.email_verified;
      if (claims.vot === undefined) claims.vot = 'Cl.Cm';
      if (claims.vtm === undefined) claims.vtm = urlCombine(issuer.url, '/trustmark');
      if (claims.sid === undefined) claims.sid = crypto.randomUUID();
    }
    if (name === 'entra' && claims.ver === undefined) claims.ver = '2.0';
    Object.assign(token.payload, claims, { sub, auth_time: token.payload.iat });
    // The library already sets aud from Basic auth's user name or the client_id field; set
    // it from the client id we authenticated (url-decoded, or the assertion's iss).
    if (r.clientId !== undefined) token.payload.aud = r.clientId;
    const t = r.tamper;
    if (t) {
      for (const k of ['aud', 'iss', 'nonce', 'exp', 'sub', 'iat', 'nbf']) if (k in t) token.payload[k] = t[k];
      if (Array.isArray(t.drop)) for (const k of t.drop) delete token.payload[k];
      if (typeof t.kid === 'string') token.header.kid = t.kid;
    }
  });

  service.on(Events.BeforeResponse, (response, req) => {
    const r = me.perReq.get(req);
    if (!r || response.statusCode !== 200) return;
    const body = response.body;
    if (r.scope !== undefined && req.body.scope === undefined) body.scope = r.scope;
    if (typeof body.access_token === 'string') me.accessTokens.add(body.access_token);
    const alg = r.tamper?.alg;
    if (typeof body.id_token === 'string' && typeof alg === 'string') {
      body.id_token = resign(body.id_token, alg, issuer);
    }
  });

  service.on(Events.BeforeUserinfo, (response, req) => {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m || !me.accessTokens.has(m[1])) {
      response.statusCode = 401;
      response.body = { error: 'invalid_token' };
      return;
    }
    const user = me.s.user;
    response.body = { sub: typeof user.sub === 'string' ? user.sub : 'johndoe', ...user };
  });

  me.server = http.createServer((req, res) => {
    handleIssuerRequest(me, req, res).catch((e) => {
      console.error('[oidc-mock] error', e);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
    });
  });
  await listen(me.server);
  issuer.url = `http://${HOST}:${me.server.address().port}`; // the setter adds "/" for onelogin
  return me;
}

// Re-sign an ID token with a bad algorithm: "none" (no signature) or "HS256" keyed with the
// issuer's public key in SPKI PEM (the classic algorithm-confusion attack).
function resign(jwt, alg, issuer) {
  const [h, p] = jwt.split('.');
  const header = { ...JSON.parse(b64uDecode(h)), alg };
  const input = `${b64uJson(header)}.${p}`;
  if (alg === 'none') return `${input}.`;
  const pub = issuer.keys.toJSON()[0];
  const pem = crypto.createPublicKey({ key: pub, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return `${input}.${crypto.createHmac('sha256', pem).update(input).digest('base64url')}`;
}

function discovery(me) {
  const iss = me.issuer.url;
  const u = (path) => urlCombine(iss, path);
  const p = me.profile;
  const doc = {
    issuer: iss,
    authorization_endpoint: u('/authorize'),
    token_endpoint: u('/token'),
    userinfo_endpoint: u('/userinfo'),
    jwks_uri: u('/jwks'),
    end_session_endpoint: u('/endsession'),
    revocation_endpoint: u('/revoke'),
    introspection_endpoint: u('/introspect'),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [p.alg],
    token_endpoint_auth_methods_supported:
      p.auth === 'secret' ? ['client_secret_basic', 'client_secret_post'] : ['private_key_jwt'],
    scopes_supported: p.scopes,
    claims_supported: p.claims,
    code_challenge_methods_supported: ['S256', 'plain'],
  };
  if (p.auth === 'private_key_jwt') doc.token_endpoint_auth_signing_alg_values_supported = ['RS256'];
  if (me.name === 'onelogin') doc.vtr_values_supported = ['Cl', 'Cl.Cm'];
  return doc;
}

async function handleIssuerRequest(me, req, res) {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  log(me.name, req.method, req.url);
  const failWith = (endpoint) => {
    const st = me.s.status[endpoint];
    if (st && st !== 200) { sendJson(res, st, { error: 'temporarily_unavailable' }); return true; }
    return false;
  };
  if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
    if (failWith('discovery')) return;
    return sendJson(res, 200, discovery(me));
  }
  if (req.method === 'GET' && path === '/jwks') {
    me.s.jwks += 1;
    if (failWith('jwks')) return;
  }
  if (req.method === 'GET' && path === '/userinfo') {
    me.s.userinfo += 1;
    if (failWith('userinfo')) return;
  }
  if (req.method === 'GET' && path === '/authorize') {
    me.s.authorize = Object.fromEntries(url.searchParams);
    if (failWith('authorize')) return;
  }
  if (req.method === 'GET' && path === '/endsession') {
    me.s.endsession = Object.fromEntries(url.searchParams);
    if (!url.searchParams.get('post_logout_redirect_uri')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><title>Signed out</title><p>You have been signed out.</p>');
    }
  }
  if (req.method === 'POST' && path === '/token') {
    me.s.token += 1;
    const raw = await readBody(req);
    const ctype = String(req.headers['content-type'] ?? '');
    if (!ctype.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return tokenError(me, res, 400, 'invalid_request', 'content type must be application/x-www-form-urlencoded');
    }
    const body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    req.body = body; // body-parser sees a finished request and leaves req.body alone
    const ok = precheckToken(me, req, res, body);
    if (!ok) return;
  }
  me.service.requestHandler(req, res);
}

function tokenError(me, res, status, error, reason) {
  me.s.tokenFailures.push(`${error}: ${reason}`);
  log(me.name, 'token refused', error, reason);
  res.setHeader('cache-control', 'no-store');
  if (status === 401 && error === 'invalid_client') res.setHeader('www-authenticate', 'Basic realm="mock"');
  sendJson(res, status, { error, error_description: reason });
  return false;
}

// Checks the library does not do. Returns true to hand the request on to the library.
function precheckToken(me, req, res, body) {
  // One-shot fault, consumed by this token request whatever happens next.
  const tamper = state.tamper;
  state.tamper = null;
  if (tamper && typeof tamper.status === 'number' && tamper.status !== 200) {
    me.s.tokenFailures.push(`temporarily_unavailable: tamper status ${tamper.status}`);
    res.setHeader('cache-control', 'no-store');
    sendJson(res, tamper.status, { error: 'temporarily_unavailable' });
    return false;
  }

  // Client authentication.
  let clientId;
  const basic = parseBasic(req.headers.authorization);
  if (me.profile.auth === 'secret') {
    if (basic === false) return tokenError(me, res, 401, 'invalid_client', 'malformed Authorization header');
    if ('client_assertion' in body || 'client_assertion_type' in body) {
      return tokenError(me, res, 401, 'invalid_client', 'client_assertion not accepted by this client');
    }
    if (basic && 'client_secret' in body) {
      return tokenError(me, res, 401, 'invalid_client', 'more than one client authentication method');
    }
    let secret;
    if (basic) {
      clientId = basic.name;
      secret = basic.pass;
      if (body.client_id !== undefined && body.client_id !== clientId) {
        return tokenError(me, res, 401, 'invalid_client', 'client_id differs from Basic user name');
      }
    } else {
      clientId = body.client_id;
      secret = body.client_secret;
      if (secret === undefined) return tokenError(me, res, 401, 'invalid_client', 'no client authentication');
    }
    if (!clientId) return tokenError(me, res, 401, 'invalid_client', 'no client_id');
    if (!safeEqual(secret, CLIENT_SECRET)) return tokenError(me, res, 401, 'invalid_client', 'wrong client secret');
  } else {
    if (basic || 'client_secret' in body) {
      return tokenError(me, res, 401, 'invalid_client', 'client secret sent; private_key_jwt required');
    }
    const why = checkClientAssertion(me, body);
    if (typeof why === 'string') return tokenError(me, res, 401, 'invalid_client', why);
    clientId = why.clientId;
  }

  // The grant.
  let scope;
  const grant = body.grant_type;
  if (grant === 'authorization_code') {
    const code = body.code;
    const c = typeof code === 'string' ? me.codes.get(code) : undefined;
    if (!c) return tokenError(me, res, 400, 'invalid_grant', 'unknown or already used code');
    me.codes.delete(code); // one use only
    if (now() - c.at > CODE_TTL) return tokenError(me, res, 400, 'invalid_grant', 'code expired');
    if (c.clientId !== undefined && c.clientId !== clientId) {
      return tokenError(me, res, 400, 'invalid_grant', 'code was issued to another client');
    }
    if (body.redirect_uri !== c.redirectUri) {
      return tokenError(me, res, 400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    }
    if (c.challenge !== undefined) {
      const v = body.code_verifier;
      if (typeof v !== 'string') return tokenError(me, res, 400, 'invalid_grant', 'code_verifier required');
      const expect = c.method === 'S256' ? crypto.createHash('sha256').update(v).digest('base64url') : v;
      if (expect !== c.challenge) return tokenError(me, res, 400, 'invalid_grant', 'code_verifier does not match code_challenge');
    } else if ('code_verifier' in body) {
      return tokenError(me, res, 400, 'invalid_grant', 'code_verifier sent but no code_challenge was');
    }
    scope = c.scope;
  } else if (grant !== 'refresh_token') {
    return tokenError(me, res, 400, 'unsupported_grant_type', `grant_type ${grant}`);
  }

  me.perReq.set(req, { clientId, scope, tamper, signed: 0 });
  return true;
}

// private_key_jwt (RFC 7523) as GOV.UK One Login checks it. Returns a reason or {clientId}.
function checkClientAssertion(me, body) {
  if (body.client_assertion_type !== JWT_BEARER) return 'client_assertion_type missing or wrong';
  const jwt = body.client_assertion;
  if (typeof jwt !== 'string') return 'client_assertion missing';
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'client_assertion is not a JWS';
  let header, payload;
  try {
    header = JSON.parse(b64uDecode(parts[0]));
    payload = JSON.parse(b64uDecode(parts[1]));
  } catch {
    return 'client_assertion is not valid JSON';
  }
  if (header.alg !== 'RS256') return `client_assertion alg ${header.alg} (RS256 required)`;
  if (header.kid !== ONELOGIN_KEY_ID) return `client_assertion kid ${header.kid} unknown`;
  const good = crypto.verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), RP_PUBLIC_KEY, Buffer.from(parts[2], 'base64url'));
  if (!good) return 'client_assertion signature does not verify';
  const clientId = body.client_id ?? payload.iss;
  if (typeof clientId !== 'string' || !clientId) return 'no client id';
  if (payload.iss !== clientId) return 'client_assertion iss is not the client_id';
  if (payload.sub !== clientId) return 'client_assertion sub is not the client_id';
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!auds.some((a) => a === me.tokenEndpoint() || a === me.issuer.url)) return `client_assertion aud ${JSON.stringify(payload.aud)}`;
  const t = now();
  if (typeof payload.exp !== 'number') return 'client_assertion has no exp';
  if (payload.exp < t - SKEW) return 'client_assertion expired';
  if (payload.exp > t + 300 + SKEW) return 'client_assertion exp more than 300 s ahead';
  if (typeof payload.iat === 'number' && payload.iat > t + SKEW) return 'client_assertion iat in the future';
  if (typeof payload.jti !== 'string' || !payload.jti) return 'client_assertion has no jti';
  if (me.jtis.has(payload.jti)) return 'client_assertion jti replayed';
  me.jtis.add(payload.jti);
  return { clientId };
}

// ---------------------------------------------------------------------------------------
// The control server.

const issuers = {};
for (const name of Object.keys(PROFILES)) issuers[name] = await makeIssuer(name);

function stats(me) {
  const s = me.s;
  const out = {
    jwks: s.jwks,
    token: s.token,
    userinfo: s.userinfo,
    authorize: s.authorize,
    endsession: s.endsession,
    token_failures: s.tokenFailures,
    kids: me.issuer.keys.toJSON().map((k) => k.kid),
  };
  if (me.name === 'dfe') out.role_api = state.dfeApiCalls;
  return out;
}

function reset() {
  for (const me of Object.values(issuers)) {
    me.s = freshIssuerState();
    me.codes.clear();
    me.accessTokens.clear();
  }
  state.tamper = null;
  state.authorizeError = null;
  state.dfeRoles = new Map();
  state.dfeApiStatus = 200;
  state.dfeApiCalls = 0;
}

async function handleControl(req, res) {
  const url = new URL(req.url, 'http://x');
  const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const m = req.method;
  log('control', m, req.url);
  const raw = await readBody(req);
  let body;
  if (m === 'PUT' || (m === 'POST' && raw.length)) {
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return sendJson(res, 400, { error: 'body is not JSON' });
    }
  }
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const iss = (n) => (Object.hasOwn(issuers, n) ? issuers[n] : undefined);

  if (seg[0] === 'user' && seg.length === 2) {
    const me = iss(seg[1]);
    if (!me) return sendJson(res, 404, { error: 'unknown issuer' });
    if (m === 'GET') return sendJson(res, 200, me.s.user);
    if (m === 'PUT') {
      if (!isObj(body)) return sendJson(res, 400, { error: 'body must be a JSON object' });
      me.s.user = body;
      return sendNoContent(res);
    }
  }
  if (seg[0] === 'tamper' && seg.length === 1) {
    if (m === 'PUT') {
      if (!isObj(body)) return sendJson(res, 400, { error: 'body must be a JSON object' });
      state.tamper = body;
      return sendNoContent(res);
    }
    if (m === 'DELETE') { state.tamper = null; return sendNoContent(res); }
    if (m === 'GET') return sendJson(res, 200, state.tamper);
  }
  if (seg[0] === 'authorize-error' && seg.length === 1) {
    if (m === 'PUT') {
      if (!isObj(body) || typeof body.error !== 'string') return sendJson(res, 400, { error: 'body must be {"error": "…"}' });
      state.authorizeError = body;
      return sendNoContent(res);
    }
    if (m === 'DELETE') { state.authorizeError = null; return sendNoContent(res); }
  }
  if (seg[0] === 'status' && seg.length === 2 && m === 'PUT') {
    const me = iss(seg[1]);
    if (!me) return sendJson(res, 404, { error: 'unknown issuer' });
    if (!isObj(body)) return sendJson(res, 400, { error: 'body must be a JSON object' });
    Object.assign(me.s.status, body);
    return sendNoContent(res);
  }
  if (seg[0] === 'rotate' && seg.length === 2 && m === 'POST') {
    const me = iss(seg[1]);
    if (!me) return sendJson(res, 404, { error: 'unknown issuer' });
    return sendJson(res, 200, { kid: await me.rotate() });
  }
  if (seg[0] === 'stats' && seg.length === 2 && m === 'GET') {
    const me = iss(seg[1]);
    if (!me) return sendJson(res, 404, { error: 'unknown issuer' });
    return sendJson(res, 200, stats(me));
  }
  if (seg[0] === 'reset' && seg.length === 1 && m === 'POST') {
    reset();
    return sendNoContent(res);
  }
  if (seg[0] === 'dfe-roles' && seg.length === 2) {
    if (m === 'PUT') {
      if (!isObj(body) || typeof body.organisation !== 'string' || !Array.isArray(body.roles)
        || !body.roles.every((r) => typeof r === 'string')) {
        return sendJson(res, 400, { error: 'body must be {"organisation": "<orgId>", "roles": ["code", …]}' });
      }
      if (!state.dfeRoles.has(seg[1])) state.dfeRoles.set(seg[1], new Map());
      state.dfeRoles.get(seg[1]).set(body.organisation, body.roles);
      return sendNoContent(res);
    }
    if (m === 'DELETE') { state.dfeRoles.delete(seg[1]); return sendNoContent(res); }
  }
  if (seg[0] === 'dfe-api-status' && seg.length === 1 && m === 'PUT') {
    if (!isObj(body) || !Number.isInteger(body.status)) return sendJson(res, 400, { error: 'body must be {"status": <int>}' });
    state.dfeApiStatus = body.status;
    return sendNoContent(res);
  }
  if (seg[0] === 'dfe-api' && seg[1] === 'services' && seg[3] === 'organisations' && seg[5] === 'users'
    && seg.length === 7 && m === 'GET') {
    state.dfeApiCalls += 1;
    const [clientId, orgId, userId] = [seg[2], seg[4], seg[6]];
    if (state.dfeApiStatus !== 200) return sendJson(res, state.dfeApiStatus, { error: 'unavailable' });
    const why = checkDfeBearer(req.headers.authorization, clientId);
    if (why) { log('dfe-api refused', why); return sendJson(res, 401, { error: 'unauthorized', reason: why }); }
    const roles = state.dfeRoles.get(userId)?.get(orgId);
    if (!roles) return sendJson(res, 404, { error: 'not found' });
    return sendJson(res, 200, {
      userId,
      serviceId: clientId,
      organisationId: orgId,
      roles: roles.map((code) => ({
        id: uuidFrom(`role:${code}`),
        name: code,
        code,
        numericId: String(parseInt(crypto.createHash('sha256').update(code).digest('hex').slice(0, 6), 16)),
        status: { id: 1 },
      })),
    });
  }
  sendJson(res, 404, { error: 'not found' });
}

// The DfE Sign-in API bearer: HS256 with the API secret, iss = client id, aud = signin.education.gov.uk.
function checkDfeBearer(auth, clientId) {
  const m = /^Bearer\s+(\S+)$/i.exec(auth ?? '');
  if (!m) return 'no bearer token';
  const parts = m[1].split('.');
  if (parts.length !== 3) return 'not a JWS';
  let header, payload;
  try {
    header = JSON.parse(b64uDecode(parts[0]));
    payload = JSON.parse(b64uDecode(parts[1]));
  } catch {
    return 'not JSON';
  }
  if (header.alg !== 'HS256') return `alg ${header.alg}`;
  const sig = crypto.createHmac('sha256', DFE_API_SECRET).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== sig.length || !crypto.timingSafeEqual(given, sig)) return 'bad signature';
  if (payload.iss !== clientId) return 'iss is not the client id';
  const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!auds.includes(DFE_API_AUD)) return 'wrong aud';
  if (typeof payload.exp !== 'number' || payload.exp <= now() - SKEW) return 'expired or no exp';
  return null;
}

// ---------------------------------------------------------------------------------------
// Helpers.

function urlCombine(base, path) {
  return base.endsWith('/') ? `${base.slice(0, -1)}${path}` : `${base}${path}`;
}
function b64uDecode(s) {
  return Buffer.from(s, 'base64url').toString('utf8');
}
function b64uJson(o) {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}
function uuidFrom(s) {
  const h = crypto.createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
function safeEqual(a, b) {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
// Basic credentials of client_secret_basic: both halves form-urlencoded (RFC 6749 2.3.1).
// Returns undefined (no Basic header), false (malformed) or {name, pass}.
function parseBasic(auth) {
  if (!auth || !/^basic\s/i.test(auth)) return undefined;
  const dec = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
  const i = dec.indexOf(':');
  if (i < 0) return false;
  const form = (s) => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; } };
  return { name: form(dec.slice(0, i)), pass: form(dec.slice(i + 1)) };
}
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 1 << 20) { reject(new Error('body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
function sendJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
function sendNoContent(res) {
  res.writeHead(204);
  res.end();
}
function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => { server.off('error', reject); resolve(); });
  });
}

const control = http.createServer((req, res) => {
  handleControl(req, res).catch((e) => {
    console.error('[oidc-mock] control error', e);
    if (!res.headersSent) sendJson(res, 500, { error: String(e?.message ?? e) });
  });
});
await listen(control);

const servers = [control, ...Object.values(issuers).map((i) => i.server)];
let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  for (const s of servers) { s.close(); s.closeAllConnections(); }
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('SIGHUP', shutdown);
// Exit if the parent dies without killing us (e.g. a Rust test that panicked).
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) shutdown(); }, 1000).unref();

process.stdout.write(`${JSON.stringify({
  control: `http://${HOST}:${control.address().port}`,
  entra: issuers.entra.issuer.url,
  dfe: issuers.dfe.issuer.url,
  onelogin: issuers.onelogin.issuer.url,
  onelogin_private_key_pem: RP_PRIVATE_PEM,
  onelogin_key_id: ONELOGIN_KEY_ID,
})}\n`);
log(`ready in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
