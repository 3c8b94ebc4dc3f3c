// Times OpenID Connect sign-ins end to end against the test provider (e2e/oidc-mock.mjs):
// `mns demo` with an Entra-shaped provider, a linked caseworker, then N sign-ins, each
// GET /sign-in/oidc/entra -> the provider's /authorize -> GET /sign-in/oidc/entra/callback.
// Prints the first sign-in (discovery and keys fetched) and the rest (cached) in milliseconds.
// Usage: node scripts/oidc-latency.mjs [target/release/mns] [N]   (needs `npm ci` in e2e/)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(process.argv[2] || path.join(HERE, '../target/release/mns'));
const N = Number(process.argv[3] || 200);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mns-oidc-latency-'));

const mock = spawn(process.execPath, [path.join(HERE, '../e2e/oidc-mock.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const info = JSON.parse(await new Promise((resolve) => {
  let out = '';
  mock.stdout.on('data', (c) => { out += c; if (out.includes('\n')) resolve(out.split('\n')[0]); });
}));
const port = 18000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MNS_'))),
  MNS_DATA_DIR: dir, MNS_BIND: `127.0.0.1:${port}`, RUST_LOG: 'warn',
  MNS_OIDC_PROVIDERS: 'entra', MNS_OIDC_ENTRA_ISSUER: info.entra, MNS_OIDC_ENTRA_CLIENT_ID: 'mns-entra',
  MNS_OIDC_ENTRA_CLIENT_SECRET: 'mock-secret', MNS_OIDC_ENTRA_ROLES: 'caseworker', MNS_OIDC_ENTRA_TENANT_ID: 'tenant-1',
  MNS_OIDC_ENTRA_TRUST_MFA: 'true', MNS_OIDC_ENTRA_LINK_BY_EMAIL: 'true',
};
const server = spawn(BIN, ['demo'], { env, stdio: 'ignore' });
const stop = () => { server.kill(); mock.kill(); fs.rmSync(dir, { recursive: true, force: true }); };
try {
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Entra's email is not verified in real life; here linking by email only sets up the demo user.
  await fetch(`${info.control}/user/entra`, { method: 'PUT', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 's', oid: 'oid-sam', tid: 'tenant-1', email: 'caseworker@demo.invalid', email_verified: true }) });
  const signIn = async () => {
    const t0 = performance.now();
    const begin = await fetch(`${base}/sign-in/oidc/entra`, { redirect: 'manual' });
    const binding = begin.headers.get('set-cookie').split(';')[0];
    const authorize = await fetch(begin.headers.get('location'), { redirect: 'manual' });
    const back = new URL(authorize.headers.get('location'));
    const t1 = performance.now();
    const done = await fetch(`${base}${back.pathname}${back.search}`, { redirect: 'manual', headers: { cookie: binding } });
    const t2 = performance.now();
    if (done.status !== 303 || done.headers.get('location') !== '/home') throw new Error(`sign-in answered ${done.status}`);
    return { total: t2 - t0, callback: t2 - t1 };
  };
  const first = await signIn();
  const rest = [];
  for (let i = 0; i < N; i++) rest.push(await signIn());
  const q = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1);
  const totals = rest.map((r) => r.total);
  const callbacks = rest.map((r) => r.callback);
  console.log(`first sign-in (discovery, keys): ${first.total.toFixed(1)} ms, callback ${first.callback.toFixed(1)} ms`);
  console.log(`${N} further sign-ins: whole flow median ${q(totals, 0.5)} ms, p95 ${q(totals, 0.95)} ms; callback (code exchange, ID token check, session) median ${q(callbacks, 0.5)} ms, p95 ${q(callbacks, 0.95)} ms`);
} finally {
  stop();
}
