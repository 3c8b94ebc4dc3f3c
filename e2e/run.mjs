// End-to-end browser journeys for the Medical Needs Service.
//
// Starts `mns demo` on a free loopback port with a fresh data directory, drives
// Debian's chromium (/usr/bin/chromium) through playwright-core, and on every page
// visited runs axe-core (WCAG 2.0/2.1 A+AA, 2.2 AA), checks the <title>, checks
// 320px reflow (WCAG 1.4.10) and saves screenshots to e2e/screenshots/.
//
//   cd e2e && npm ci && npm test
//
// Env: MNS_BIN      the mns binary (default ../target/debug/mns, relative to this folder)
//      CHROMIUM     the browser (default /usr/bin/chromium)
//      E2E_KEEP=1   keep the temporary data directory and browser profile
//
// Exits non-zero when a journey step fails, a page check fails (axe violation,
// missing or duplicate title, horizontal scroll at 320px, console or asset error)
// or the server dies.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, 'screenshots');
const BIN = process.env.MNS_BIN ? path.resolve(process.env.MNS_BIN) : path.resolve(HERE, '../target/debug/mns');
const BROWSER = process.env.CHROMIUM || '/usr/bin/chromium';
const KEEP = process.env.E2E_KEEP === '1';
const PASSWORD = 'demo-password-2026';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const DESKTOP = { width: 1280, height: 800 };
const NARROW = { width: 320, height: 640 };

const started = Date.now();
const results = { passed: 0, failed: 0 };
const failures = []; // { journey, step, message }
const violations = []; // { page, id, impact, help, helpUrl, targets }
const warnings = []; // { page, message }
const incompleteRules = new Map(); // axe "needs review" rule id -> count of pages
const titles = new Map(); // title -> pathname
let server;
let serverLog = '';
let mock; // the OIDC test environment (e2e/oidc-mock.mjs), a child process
let mockLog = '';
const tmpDirs = [];

function log(msg) {
  process.stdout.write(`${msg}\n`);
}

function pass() {
  results.passed++;
}

function fail(journey, step, message) {
  results.failed++;
  failures.push({ journey, step, message });
  log(`  FAIL ${step}: ${message}`);
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

function freePort() {
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

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
  }
}

function stopMock() {
  if (mock && mock.exitCode === null && mock.signalCode === null) {
    mock.kill('SIGTERM');
  }
}

// Starts e2e/oidc-mock.mjs (three issuers shaped like Entra ID, DfE Sign-in and GOV.UK One
// Login, and a control server) and answers the JSON line it prints.
async function startMock() {
  if (!fs.existsSync(path.join(HERE, 'node_modules', 'oauth2-mock-server'))) {
    throw new Error('e2e/node_modules/oauth2-mock-server is missing: run `npm ci` in e2e/');
  }
  mock = spawn(process.execPath, [path.join(HERE, 'oidc-mock.mjs')], { stdio: ['ignore', 'pipe', 'pipe'] });
  mock.stderr.on('data', (chunk) => {
    mockLog += chunk.toString();
    if (mockLog.length > 100_000) mockLog = mockLog.slice(-50_000);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the OIDC mock printed nothing within 20 s')), 20_000);
    const onData = (chunk) => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      mock.stdout.off('data', onData);
      mock.stdout.resume(); // keep draining anything else it prints
      try {
        resolve(JSON.parse(out.slice(0, nl)));
      } catch (err) {
        reject(new Error(`the OIDC mock printed something other than JSON: ${out.slice(0, 200)}`));
      }
    };
    mock.stdout.on('data', onData);
    mock.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`the OIDC mock exited early (code ${code}, signal ${sig}): ${mockLog.slice(-500)}`));
    });
  });
}

// The MNS_OIDC_* variables that point mns at the mock's three issuers.
function oidcEnv(m) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mns-e2e-oidc-'));
  tmpDirs.push(dir);
  const keyFile = path.join(dir, 'onelogin.pem');
  fs.writeFileSync(keyFile, m.onelogin_private_key_pem, { mode: 0o600 });
  return {
    MNS_OIDC_PROVIDERS: 'entra,dfe,onelogin',
    MNS_OIDC_ENTRA_ISSUER: m.entra,
    MNS_OIDC_ENTRA_CLIENT_ID: 'mns-entra',
    MNS_OIDC_ENTRA_CLIENT_SECRET: 'mock-secret',
    MNS_OIDC_ENTRA_ROLES: 'coordinator,caseworker,finance,auditor,local_offer_officer',
    MNS_OIDC_ENTRA_TENANT_ID: 'tenant-1',
    MNS_OIDC_ENTRA_TRUST_MFA: 'true',
    MNS_OIDC_DFE_ISSUER: m.dfe,
    MNS_OIDC_DFE_CLIENT_ID: 'mns-dfe',
    MNS_OIDC_DFE_CLIENT_SECRET: 'mock-secret',
    MNS_OIDC_DFE_ROLES: 'school',
    MNS_OIDC_DFE_API_URL: `${m.control}/dfe-api`,
    MNS_OIDC_DFE_API_SECRET: 'mock-api-secret',
    MNS_OIDC_DFE_ROLE_CODES: 'MNS_SCHOOL',
    MNS_OIDC_DFE_TRUST_MFA: 'true',
    MNS_OIDC_ONELOGIN_ISSUER: m.onelogin,
    MNS_OIDC_ONELOGIN_CLIENT_ID: 'mns-onelogin',
    MNS_OIDC_ONELOGIN_PRIVATE_KEY_FILE: keyFile,
    MNS_OIDC_ONELOGIN_KEY_ID: m.onelogin_key_id,
    MNS_OIDC_ONELOGIN_ROLES: 'parent',
  };
}

async function startServer(extraEnv = {}) {
  if (!fs.existsSync(BIN)) throw new Error(`mns binary not found at ${BIN} (set MNS_BIN or build it first)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mns-e2e-data-'));
  tmpDirs.push(dataDir);
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MNS_')));
  Object.assign(env, { MNS_DATA_DIR: dataDir, MNS_BIND: `127.0.0.1:${port}`, NO_COLOR: '1' }, extraEnv);
  server = spawn(BIN, ['demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk) => {
    serverLog += chunk.toString();
    if (serverLog.length > 200_000) serverLog = serverLog.slice(-100_000);
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`mns demo exited early (code ${server.exitCode}, signal ${server.signalCode})`);
    }
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) return { base, dataDir };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('mns demo did not answer /readyz within 30 s');
}

function slugify(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'page';
}

// One journey: a fresh cookie jar and page, a step counter for screenshots, and
// per-page collection of console errors and failed asset requests.
class Journey {
  constructor(context, name, base) {
    this.context = context;
    this.name = name;
    this.base = base;
    this.n = 0;
    this.problems = [];
  }

  async open() {
    await this.context.clearCookies();
    this.page = await this.context.newPage();
    await this.page.setViewportSize(DESKTOP);
    this.page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
        this.problems.push(`console error: ${msg.text()}`);
      }
    });
    this.page.on('pageerror', (err) => this.problems.push(`script error: ${err.message}`));
    this.page.on('response', (res) => {
      const req = res.request();
      if (res.status() >= 400 && !(req.isNavigationRequest() && req.frame() === this.page.mainFrame())) {
        this.problems.push(`${res.status()} for ${req.resourceType()} ${res.url()}`);
      }
    });
    this.page.on('requestfailed', (req) => this.problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  }

  async close() {
    await this.page?.close().catch(() => {});
  }

  url(p) {
    return new URL(p, this.base).toString();
  }

  pathname() {
    return new URL(this.page.url()).pathname;
  }

  async goto(p, expectStatus = 200) {
    const res = await this.page.goto(this.url(p), { waitUntil: 'load' });
    check(res, `no response for ${p}`);
    check(res.status() === expectStatus, `GET ${p} answered ${res.status()}, expected ${expectStatus}`);
    return res;
  }

  // Submit a form by clicking its button and wait for the next page.
  async submit(buttonLocator) {
    await Promise.all([this.page.waitForNavigation({ waitUntil: 'load' }), buttonLocator.click()]);
  }

  async h1() {
    return (await this.page.locator('h1').first().textContent({ timeout: 2000 }).catch(() => '')).trim();
  }

  // The per-page checks: title, axe, 320px reflow, console/asset problems, screenshots.
  async audit(slug) {
    this.n++;
    const label = `${this.name}-${String(this.n).padStart(2, '0')}-${slugify(slug)}`;
    const where = `${label} (${this.pathname()})`;
    const page = this.page;
    const problems = this.problems.splice(0);
    let ok = true;
    const bad = (m) => {
      ok = false;
      problems.push(m);
    };

    await page.evaluate(() => document.fonts?.ready);

    const title = (await page.title()).trim();
    if (!title) bad('empty <title>');
    else if (/^[–-]/.test(title)) bad(`<title> has no page name: "${title}"`);
    else {
      const seen = titles.get(title);
      const here = this.pathname();
      if (seen && seen !== here) bad(`<title> "${title}" is also the title of ${seen}`);
      else titles.set(title, here);
    }
    const h1s = await page.locator('h1').allTextContents();
    if (h1s.length !== 1) warnings.push({ page: where, message: `${h1s.length} <h1> elements` });
    else if (title && !title.replace(/^Error: /, '').startsWith(h1s[0].trim())) {
      warnings.push({ page: where, message: `<title> "${title}" does not start with the <h1> "${h1s[0].trim()}"` });
    }

    const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    for (const v of axe.violations) {
      const nodes = v.nodes;
      ok = false;
      violations.push({
        page: where,
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: nodes.map((nd) => nd.target.join(' ')),
      });
      problems.push(`axe ${v.id} (${v.impact}): ${nodes.length} element(s)`);
    }
    for (const v of axe.incomplete) incompleteRules.set(v.id, (incompleteRules.get(v.id) || 0) + 1);

    // Focus is visible: tab through the first few controls; each must show the GOV.UK focus
    // style (a yellow highlight or an outline/box-shadow), never nothing.
    const unfocusable = [];
    await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const s = getComputedStyle(el);
        const visible = (s.outlineStyle !== 'none' && s.outlineWidth !== '0px' && s.outlineColor !== 'rgba(0, 0, 0, 0)')
          || (s.boxShadow && s.boxShadow !== 'none')
          || s.backgroundColor === 'rgb(255, 221, 0)';
        return { visible, name: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent || el.value || '').trim().slice(0, 30)}"` };
      });
      if (focus && !focus.visible) unfocusable.push(focus.name);
    }
    if (unfocusable.length) bad(`focus not visible on: ${unfocusable.join(', ')}`);
    // On a short page the tabbing wraps round to the skip link, which shows only while focused:
    // a later click's mousedown would move focus, hide it, shift the page up and let the mouseup
    // land on something else, so that the click does nothing. Leave nothing focused.
    await page.evaluate(() => document.activeElement?.blur());

    await page.screenshot({ path: path.join(SHOTS, `${label}.png`), fullPage: true });

    await page.setViewportSize(NARROW);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > NARROW.width) {
      const culprits = await page.evaluate((w) => {
        const out = [];
        for (const el of document.body.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.right > w + 1 && r.width > 0) {
            const parentOverflows = el.parentElement && el.parentElement.getBoundingClientRect().right > w + 1;
            if (!parentOverflows || out.length === 0) {
              out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (right ${Math.round(r.right)}px)`);
            }
          }
          if (out.length >= 5) break;
        }
        return out;
      }, NARROW.width);
      bad(`horizontal scroll at 320px: scrollWidth ${scrollWidth}; widest: ${culprits.join(', ')}`);
    }
    await page.screenshot({ path: path.join(SHOTS, `${label}-320.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);

    if (problems.length) ok = false;
    if (ok) {
      pass();
      log(`  ok   ${label}  "${title}"`);
    } else {
      fail(this.name, `${label} page checks`, problems.join('; '));
    }
  }

  // GOV.UK error summary: present, every link's #fragment names an element.
  async checkErrorSummary(expectedFields) {
    const summary = this.page.locator('.govuk-error-summary');
    check((await summary.count()) === 1, 'no error summary on the page');
    const hrefs = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check(hrefs.length > 0, 'error summary has no links');
    for (const href of hrefs) {
      check(href && href.startsWith('#') && href.length > 1, `error summary link href "${href}" is not a #fragment`);
      const id = decodeURIComponent(href.slice(1));
      const n = await this.page.evaluate((i) => (document.getElementById(i) ? 1 : 0), id);
      check(n === 1, `error summary link ${href} points at no element with id "${id}"`);
    }
    if (expectedFields) {
      for (const f of expectedFields) check(hrefs.includes(`#${f}`), `error summary has no link to #${f} (links: ${hrefs.join(', ')})`);
    }
    // govuk-frontend moves focus to the summary on load.
    const focused = await this.page.evaluate(() => !!document.activeElement?.closest('.govuk-error-summary'));
    if (!focused) warnings.push({ page: this.pathname(), message: 'error summary not focused on page load (govuk-frontend JS not initialised?)' });
    return hrefs;
  }

  // Run after audit() so the screenshot shows the page as it loaded.
  async checkErrorLinkFocus() {
    const link = this.page.locator('.govuk-error-summary a').first();
    const first = (await link.getAttribute('href')).slice(1);
    await link.click();
    const active = await this.page.evaluate(() => document.activeElement?.id || '');
    if (active !== first) warnings.push({ page: this.pathname(), message: `clicking error link #${first} focused "${active || 'nothing'}"` });
  }

  async signIn(email, { expectCode = false, password = PASSWORD } = {}) {
    await this.goto('/sign-in');
    await this.page.fill('#email', email);
    await this.page.fill('#password', password);
    await this.submit(this.page.locator('main button[type=submit]'));
    if (expectCode) {
      check(this.pathname() === '/sign-in/code', `after password expected /sign-in/code, got ${this.pathname()}`);
      await this.audit('one-time-code');
      for (let attempt = 1; ; attempt++) {
        const text = await this.page.locator('main').innerText();
        const m = text.match(/the code now is\s*(\d{6})/i);
        check(m, 'the demo one-time code is not shown on /sign-in/code');
        await this.page.fill('#code', m[1]);
        await this.submit(this.page.locator('main form[action="/sign-in/code"] button[type=submit]'));
        if (this.pathname() !== '/sign-in/code' || attempt >= 3) break;
        // Each code works once: a staff member who signed in moments ago (an earlier journey)
        // waits for the next code, as a person would. The code may also roll over mid-step.
        if ((await this.page.locator('main').innerText()).includes('already been used')) {
          await this.page.waitForTimeout((31 - (Math.floor(Date.now() / 1000) % 30)) * 1000);
          await this.goto('/sign-in/code');
        }
      }
    }
    check(this.pathname() === '/home', `after signing in as ${email} expected /home, got ${this.pathname()}`);
    await this.audit('home');
  }

  async signOut() {
    await this.submit(this.page.locator('form[action="/sign-out"] button'));
    const after = this.pathname();
    const res = await this.page.goto(this.url('/home'));
    const landed = this.pathname();
    check(landed !== '/home' || res.status() >= 400, `after signing out /home still shows (status ${res.status()})`);
    return after;
  }

  async pupilRows() {
    return this.page.locator('main table tbody tr').evaluateAll((rows) =>
      rows.map((tr) => {
        const a = tr.querySelector('a');
        const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent.trim());
        return { name: a?.textContent.trim(), href: a?.getAttribute('href'), school: cells[3] };
      }),
    );
  }
}

// E2E_ONLY=name,name runs only those journeys (while working on one; CI runs them all).
const ONLY = process.env.E2E_ONLY ? process.env.E2E_ONLY.split(',') : null;

async function runJourney(context, base, name, body) {
  if (ONLY && !ONLY.includes(name)) return;
  log(`\n${name}`);
  const j = new Journey(context, name, base);
  let step = 'start';
  const stepFn = async (label, fn) => {
    step = label;
    await fn();
    pass();
  };
  try {
    await j.open();
    await body(j, stepFn);
  } catch (err) {
    fail(name, step, err.message.split('\n')[0]);
    if (j.page) {
      await j.page
        .screenshot({ path: path.join(SHOTS, `${name}-FAILED-${slugify(step)}.png`), fullPage: true })
        .catch(() => {});
    }
  } finally {
    await j.close();
  }
}

const shared = { allPupils: [], shortlisted: null, feedback: null, dataDir: null, oidc: null, alert121003: null };

async function anonymous(j, step) {
  await step('start page', async () => {
    await j.goto('/');
    check((await j.h1()) !== '', 'start page has no h1');
    await j.audit('start');
  });
  await step('start button leads to sign in', async () => {
    await Promise.all([j.page.waitForNavigation(), j.page.locator('main a.govuk-button--start').click()]);
    check(j.pathname() === '/sign-in', `start button went to ${j.pathname()}`);
    await j.audit('sign-in');
  });
  await step('sign in with empty form shows errors', async () => {
    await j.submit(j.page.locator('main button[type=submit]'));
    check(j.pathname() === '/sign-in', `empty sign-in went to ${j.pathname()}`);
    await j.checkErrorSummary(['email']);
    check((await j.page.title()).startsWith('Error: '), 'title does not start with "Error: "');
    await j.audit('sign-in-empty-errors');
    await j.checkErrorLinkFocus();
  });
  await step('sign in with wrong password shows an error', async () => {
    await j.goto('/sign-in');
    await j.page.fill('#email', 'school@demo.invalid');
    await j.page.fill('#password', 'not-the-password');
    await j.submit(j.page.locator('main button[type=submit]'));
    check(j.pathname() === '/sign-in', `wrong password went to ${j.pathname()}`);
    await j.checkErrorSummary();
    await j.audit('sign-in-wrong-password');
    await j.checkErrorLinkFocus();
  });
  await step('accessibility statement', async () => {
    await j.goto('/accessibility');
    await j.audit('accessibility');
  });
  await step('privacy notice', async () => {
    await j.goto('/privacy');
    await j.audit('privacy');
  });
}

async function coordinator(j, step) {
  await step('sign in with one-time code', () => j.signIn('coordinator@demo.invalid', { expectCode: true }));
  await step('pupils list', async () => {
    await j.goto('/pupils');
    shared.allPupils = await j.pupilRows();
    check(shared.allPupils.length > 0, 'coordinator sees no pupils');
    await j.audit('pupils');
  });
  let pupilPath;
  await step('pupil page', async () => {
    const link = j.page.locator('main table a').first();
    await Promise.all([j.page.waitForNavigation(), link.click()]);
    pupilPath = j.pathname();
    check(/^\/pupils\/[^/]+$/.test(pupilPath), `pupil link went to ${pupilPath}`);
    await j.audit('pupil');
  });
  await step('access history', async () => {
    const link = j.page.getByRole('link', { name: 'Who has seen or changed this record' });
    check((await link.count()) === 1, 'no "Who has seen or changed this record" link');
    await Promise.all([j.page.waitForNavigation(), link.click()]);
    check(j.pathname() === `${pupilPath}/access-history`, `access history went to ${j.pathname()}`);
    check((await j.page.locator('main table tbody tr').count()) > 0, 'access history has no rows');
    await j.audit('access-history');
  });
  await step('users list', async () => {
    await j.goto('/users');
    await j.audit('users');
  });
  await step('add a user: empty form shows errors', async () => {
    await j.goto('/users/new');
    await j.audit('users-new');
    await j.submit(j.page.locator('main button[type=submit]'));
    await j.checkErrorSummary(['display_name', 'email', 'role']);
    await j.audit('users-new-errors');
    await j.checkErrorLinkFocus();
  });
  await step('add a user: parent or carer', async () => {
    await j.goto('/users/new');
    await j.page.fill('#display_name', 'Sam Example');
    await j.page.fill('#email', 'sam.example@demo.invalid');
    await j.page.getByLabel('Parent or carer', { exact: true }).check();
    await j.submit(j.page.locator('main button[type=submit]'));
    const panel = j.page.locator('.govuk-panel--confirmation');
    if ((await panel.count()) !== 1) {
      const errors = await j.page.locator('.govuk-error-summary').innerText({ timeout: 1000 }).catch(() => 'none');
      throw new Error(`no confirmation panel (error summary: ${errors.replace(/\s+/g, ' ')})`);
    }
    check((await panel.innerText()).includes('sam.example@demo.invalid'), 'confirmation panel does not show the email');
    await j.audit('users-added');
  });
  await step('users list shows the new user', async () => {
    await j.goto('/users');
    check((await j.page.locator('main').innerText()).includes('sam.example@demo.invalid'), 'new user not listed');
  });
  await step('schools', async () => {
    await j.goto('/schools');
    await j.audit('schools');
  });
  await step('term dates', async () => {
    await j.goto('/calendars');
    await j.audit('calendars');
  });
  await step('upload next year\'s term dates (a broken file first)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mns-e2e-calendar-'));
    tmpDirs.push(dir);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"name": "Norfolk 2027/28", "terms": [{"name": "Autumn", "start": "2027-12-17", "end": "2027-09-02"}]}');
    await j.page.setInputFiles('#calendar', bad);
    await j.submit(j.page.getByRole('button', { name: 'Upload term dates' }));
    check((await j.page.locator('.govuk-error-summary').innerText()).includes("Term 'Autumn' ends before it starts"), 'a broken calendar is not refused clearly');
    await j.audit('calendars-error');
    const good = path.join(dir, 'norfolk-2027-28.json');
    fs.writeFileSync(good, JSON.stringify({
      name: 'Norfolk 2027/28', provisional: true,
      terms: [
        { name: 'Autumn', start: '2027-09-02', end: '2027-12-17', half_term_start: '2027-10-25', half_term_end: '2027-10-29' },
        { name: 'Spring', start: '2028-01-04', end: '2028-03-24', half_term_start: '2028-02-14', half_term_end: '2028-02-18' },
        { name: 'Summer', start: '2028-04-10', end: '2028-07-21', half_term_start: '2028-05-29', half_term_end: '2028-06-02' },
      ],
    }));
    await j.page.setInputFiles('#calendar', good);
    await j.submit(j.page.getByRole('button', { name: 'Upload term dates' }));
    check((await j.page.getByText('Term dates saved').count()) === 1, 'no confirmation after saving term dates');
    check((await j.page.getByRole('heading', { name: /Norfolk 2027\/28/ }).count()) === 1, 'the new calendar is not listed');
  });
  await step('audit trail', async () => {
    await j.goto('/audit');
    check((await j.page.locator('.govuk-panel--confirmation').count()) === 1, 'audit trail not shown as intact');
    await j.audit('audit');
  });
  await step('sign out', async () => {
    const landed = await j.signOut();
    log(`       (sign-out landed on ${landed})`);
  });
}

async function school(j, step) {
  await step('sign in', () => j.signIn('school@demo.invalid'));
  let own = [];
  await step('pupils list shows 5 pupils', async () => {
    await j.goto('/pupils');
    own = await j.pupilRows();
    check(own.length === 5, `expected 5 pupils, saw ${own.length}`);
    await j.audit('pupils');
  });
  await step('pupil page', async () => {
    await Promise.all([j.page.waitForNavigation(), j.page.locator('main table a').first().click()]);
    check(/^\/pupils\/[^/]+$/.test(j.pathname()), `pupil link went to ${j.pathname()}`);
    await j.audit('pupil');
  });
  await step("another school's pupil is not found", async () => {
    const ownHrefs = new Set(own.map((p) => p.href));
    const other = shared.allPupils.find((p) => p.href && !ownHrefs.has(p.href));
    check(other, "no other school's pupil in the coordinator's list to try");
    await j.goto(other.href, 404);
    const text = await j.page.locator('main').innerText();
    check(!text.includes(other.name), `404 page shows the other pupil's name "${other.name}"`);
    await j.audit('other-school-pupil-404');
  });
}

async function parent(j, step) {
  await step('sign in', () => j.signIn('parent@demo.invalid'));
  await step('pupils list shows 3 children', async () => {
    await j.goto('/pupils');
    const rows = await j.pupilRows();
    check(rows.length === 3, `expected 3 children, saw ${rows.length}`);
    await j.audit('pupils');
  });
  await step('child page', async () => {
    await Promise.all([j.page.waitForNavigation(), j.page.locator('main table a').first().click()]);
    await j.audit('pupil');
  });
}

// Cases after acceptance, the whole journey in the browser, each step as the role that does
// it: the desk journey accepted Amelia's referral; her school writes Part A (drafted from the
// referral, errors first), the coordinator walks the case page's parts, opens the end and start
// forms (each with an error first) and starts provision through its check page, the provider
// logs a session on its own page, the school holds the review and asks to continue, the
// coordinator agrees the continuation and ends provision (with its last day) through their
// check pages, and the parent reads Part A and the End of Provision letter. Also the
// dashboard, resources and finance's invoices.
async function cases(j, step) {
  const fillDate = async (name, d) => {
    await j.page.locator(`#${name}-day`).fill(String(d.getDate()));
    await j.page.locator(`#${name}-month`).fill(String(d.getMonth() + 1));
    await j.page.locator(`#${name}-year`).fill(String(d.getFullYear()));
  };
  const today = new Date();
  const openAmelia = async () => {
    await j.goto('/cases');
    // The list shows open cases; once provision has ended, the case is under "Show ended cases".
    if ((await j.page.getByRole('link', { name: 'Amelia Barnes' }).count()) === 0) {
      await Promise.all([j.page.waitForNavigation(), j.page.getByRole('link', { name: 'Show ended cases' }).click()]);
    }
    await Promise.all([j.page.waitForNavigation(), j.page.getByRole('link', { name: 'Amelia Barnes' }).click()]);
  };
  const follow = (name) => Promise.all([j.page.waitForNavigation(), j.page.getByRole('link', { name, exact: true }).click()]);
  const state = async () => (await j.page.locator('#case-state').innerText()).trim();
  const banner = async (words) => {
    const b = j.page.locator('.govuk-notification-banner--success[role=alert]');
    check((await b.count()) === 1, 'no success banner on the case page');
    const text = await b.innerText();
    check(text.includes(words), `the banner says "${text}", not "${words}"`);
  };
  const h1Is = async (want) => check((await j.h1()) === want, `expected the page "${want}", got "${await j.h1()}"`);
  // A staff member signing in again within the same 30-second window would reuse the code.
  const nextCodeWindow = () => j.page.waitForTimeout((31 - (Math.floor(Date.now() / 1000) % 30)) * 1000);

  await step('school writes Part A (drafted from the referral, errors first)', async () => {
    await j.signIn('school@demo.invalid');
    await openAmelia();
    check((await state()) === 'Accepted', `Amelia's case is ${await state()}`);
    await Promise.all([j.page.waitForNavigation(), j.page.getByRole('link', { name: /Write Part A/ }).click()]);
    check((await j.page.locator('#drafted').count()) === 1, 'Part A does not say what came from the referral');
    check((await j.page.locator('#attendee_1_name').inputValue()) !== '', 'the health professional is not filled in from the referral');
    await j.audit('case-plan');
    await j.submit(j.page.getByRole('button', { name: 'Finalise and send the record' }));
    await j.checkErrorSummary(['meeting_date', 'place', 'joint_approach']);
    await j.audit('case-plan-errors');
    await fillDate('meeting_date', today);
    await j.page.check('#place-home');
    await j.page.selectOption('#attendee_2_kind', 'parent_carer');
    await j.page.fill('#attendee_2_name', 'Pat Green');
    await j.page.fill('#learning_needs', 'Reading and number work, in short sessions');
    await j.page.fill('#online_hours', '32.5');
    await j.page.fill('#dsl_name', 'Jo Turner');
    await j.page.fill('#joint_approach', 'A weekly call between the school and the family');
    // The condition group, from the medical evidence: for the service's figures only.
    await j.page.getByLabel('Long-term physical condition').check();
    await j.submit(j.page.getByRole('button', { name: 'Finalise and send the record' }));
    check((await state()) === 'Planning meeting', `after Part A the case is ${await state()}`);
    await banner('Part A of the record is finalised');
    await j.audit('case-planned');
  });
  await step('coordinator: dashboard, resources, the case page and the start of provision', async () => {
    await j.signOut();
    await nextCodeWindow();
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    await j.goto('/cases/dashboard');
    check((await j.page.locator('#open-cases').innerText()).trim() !== '0', 'the dashboard shows no open cases');
    check((await j.page.getByText('review proposed').count()) >= 1, 'no lack-of-engagement flag on the dashboard');
    await j.audit('cases-dashboard');
    await j.goto('/resources');
    check((await j.page.locator('#robots-waiting').innerText()).trim() !== '0', 'nobody waits for a robot in the demo');
    await j.audit('resources');
    await openAmelia();
    // The summary, who is involved, and the parts of the page.
    check((await j.page.getByRole('heading', { name: 'Who is involved' }).count()) === 1, 'no "who is involved"');
    const parts = j.page.locator('nav[aria-label="Parts of this case"]');
    for (const part of ['The plan', 'Documents', 'Welfare checks', 'Hospital', 'History']) {
      check((await parts.getByRole('link', { name: part, exact: true }).count()) === 1, `no link to the part "${part}"`);
    }
    await parts.getByRole('link', { name: 'History', exact: true }).click();
    check(new URL(j.page.url()).hash === '#timeline', `the History link went to ${j.page.url()}`);
    check((await parts.getByRole('link', { name: 'The referral', exact: true }).count()) === 1, 'no link to the referral');
    check((await j.page.locator('.govuk-button--warning').count()) === 0, 'a red button on the case page');
    await j.audit('case-coordinator');
    // Ending is a page of its own, with an error first.
    await follow('End provision');
    await h1Is('End provision');
    await j.audit('case-end-form');
    await j.submit(j.page.getByRole('button', { name: 'Continue' }));
    await j.checkErrorSummary(['reason', 'ends_on']);
    await j.audit('case-end-error');
    await follow('Back to the case');
    // Starting provision: the form (an error first), the check page, then the banner.
    await follow('Start provision');
    await h1Is('Start provision');
    await j.audit('case-start-form');
    await j.submit(j.page.getByRole('button', { name: 'Continue' }));
    await j.checkErrorSummary(['start']);
    await j.audit('case-start-error');
    await fillDate('start', today);
    await j.submit(j.page.getByRole('button', { name: 'Continue' }));
    await h1Is('Check before you start provision');
    check((await j.page.getByText('Who will be told').count()) === 1, 'the check page does not say who is told');
    await j.audit('case-start-check');
    await j.submit(j.page.getByRole('button', { name: 'Confirm and start provision' }));
    check((await state()) === 'In provision', `after starting the case is ${await state()}`);
    await banner('Provision starts on');
    await j.audit('case-started');
  });
  await step('provider logs a session on its own page', async () => {
    await j.signOut();
    await j.signIn('provider@demo.invalid');
    await openAmelia();
    await follow('Log a session');
    await h1Is('Log a session');
    await j.audit('case-session-form');
    await fillDate('held_on', today);
    await j.page.getByLabel('Delivered', { exact: true }).check();
    await j.page.locator('#hours').fill('2');
    await j.submit(j.page.getByRole('button', { name: 'Log the session' }));
    await banner('The session is logged');
    check((await j.page.locator('#sessions ~ .app-table-scroll tbody tr').count()) > 0, 'the session is not listed');
    await j.audit('case-provider');
  });
  await step('school holds the review and asks to continue', async () => {
    await j.signOut();
    await j.signIn('school@demo.invalid');
    await openAmelia();
    await j.submit(j.page.getByRole('button', { name: 'Arrange the review meeting' }));
    check((await state()) === 'Review and reintegration', `after arranging the review: ${await state()}`);
    await Promise.all([j.page.waitForNavigation(), j.page.getByRole('link', { name: /Record the review/ }).click()]);
    await j.audit('case-review');
    await fillDate('held_on', today);
    await j.page.fill('#progress', 'Settled into online lessons');
    await j.page.check('#steps-break_or_lunch_times');
    await j.submit(j.page.getByRole('button', { name: 'Record the review' }));
    check((await state()) === 'In provision', `after the review: ${await state()}`);
    await Promise.all([j.page.waitForNavigation(), j.page.getByRole('link', { name: 'Request continuation' }).click()]);
    await j.audit('case-continuation');
    await fillDate('evidence_dated', today);
    await j.page.check('#has_attendance');
    await j.page.check('#has_healthcare_plan-no');
    await j.submit(j.page.getByRole('button', { name: 'Send the request' }));
    check((await state()) === 'Continuation requested', `after the request: ${await state()}`);
  });
  await step('coordinator agrees the continuation, then ends provision, each through its check page', async () => {
    await j.signOut();
    await nextCodeWindow();
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    await openAmelia();
    await follow('Agree the continuation');
    await h1Is('Check before you agree the continuation');
    await j.audit('case-continuation-check');
    await j.submit(j.page.getByRole('button', { name: 'Confirm and agree the continuation' }));
    check((await state()) === 'Continued', `after agreeing: ${await state()}`);
    await banner('Continuation agreed');
    await follow('End provision');
    await j.page.check('#reason-well_enough_to_return');
    await j.page.check('#outcome-back_full_time');
    await fillDate('ends_on', today);
    await j.submit(j.page.getByRole('button', { name: 'Continue' }));
    await h1Is('Check before you end provision');
    await j.audit('case-end-check');
    await j.submit(j.page.getByRole('button', { name: 'Confirm and end provision' }));
    check((await state()) === 'Ended', `after ending: ${await state()}`);
    await banner('The last day of provision is');
    await j.audit('case-ended');
  });
  await step('the Section 19 report lists children by name, filters, and downloads suppressed figures', async () => {
    await follow('Reports');
    await h1Is('Section 19: education for children too ill to attend school');
    check((await j.page.locator('#no-reason').innerText()).includes('Ruby Norris'), 'Ruby is not listed as part time without a medical reason');
    check((await j.page.locator('#late').innerText()).includes('Evie Parker'), 'Evie is not listed as a late start');
    check((await j.page.locator('svg.app-chart[role=img]').count()) === 2, 'the report has no charts');
    check((await j.page.locator('#table-outcomes').innerText()).includes('Back at school full time'), 'the outcomes table is missing');
    check((await j.page.locator('#table-conditions').innerText()).includes('Long-term physical condition'), 'Amelia\'s condition group is not counted');
    check((await j.page.locator('#period').innerText()).includes('1 April'), 'the report does not say it covers the financial year to date');
    await j.audit('report-section19');
    // A period that ends before it starts: the problem is named, what was entered is kept.
    await fillDate('from', new Date(2026, 8, 10));
    await fillDate('to', new Date(2026, 8, 9));
    await j.submit(j.page.getByRole('button', { name: 'Apply filters' }));
    check((await j.page.locator('.govuk-error-summary').innerText()).includes('The end of the period must be the same as or after its start'), 'no error for a backwards period');
    check((await j.page.locator('#from-day').inputValue()) === '10', 'the period was not kept');
    await j.audit('report-section19-error');
    await j.goto('/reports/section-19');
    await j.page.locator('#district').selectOption('Broadland');
    await j.submit(j.page.getByRole('button', { name: 'Apply filters' }));
    check((await j.page.locator('#applied').innerText()).includes('Broadland'), 'the district filter is not summarised');
    check((await j.page.getByText('Evie Parker').count()) === 0, 'a Norwich pupil is shown under Broadland');
    const href = await j.page.locator('#table-service ~ p a, a[href^="/reports/section-19.csv?table=service"]').first().getAttribute('href');
    check(href.includes('district=Broadland'), `the download does not keep the filters: ${href}`);
    const res = await j.page.request.get(new URL(href, j.page.url()).toString());
    check(res.status() === 200, `the download's status is ${res.status()}`);
    check(res.headers()['content-type'].startsWith('text/csv'), 'the download is not CSV');
    check((await res.text()).includes('fewer than 5'), 'small numbers are not suppressed in the download');
  });
  await step('parent reads Part A and the letter, in plain English', async () => {
    await j.signOut();
    await j.signIn('parent@demo.invalid');
    await openAmelia();
    await j.audit('case-parent');
    check(!/MN-[A-Z]+-\d/.test(await j.page.locator('main').innerText()), 'a rule id on the parent\'s case page');
    for (const name of [/Planning and Review Record/, /End of Provision letter/]) {
      const href = await j.page.getByRole('link', { name }).getAttribute('href');
      const res = await j.page.request.get(new URL(href, j.page.url()).toString());
      check(res.status() === 200, `${name} status ${res.status()}`);
      check((await res.body()).subarray(0, 4).toString() === '%PDF', `${name} is not a PDF`);
    }
    await follow("The pupil's record");
    check((await j.page.getByRole('link', { name: /Planning and Review Record/ }).count()) === 1, 'the pupil page has no link to Part A');
    check((await j.page.getByRole('link', { name: /End of Provision letter/ }).count()) === 1, 'the pupil page has no link to the letter');
    await j.audit('pupil-parent-letters');
  });
  await step('finance sees hospital invoices', async () => {
    await j.signOut();
    await j.signIn('finance@demo.invalid', { expectCode: true });
    await j.goto('/invoices');
    check((await j.page.getByText('needs the timetable').count()) === 1, 'the held invoice does not say what it needs');
    await j.audit('invoices');
  });
  await step('finance reads what the service spends and keeps the price list', async () => {
    await follow('Finance');
    await h1Is('Finance report');
    check(!(await j.page.locator('#total').innerText()).startsWith('£0.00'), 'the finance report costs nothing');
    check((await j.page.locator('#invoices-note').innerText()).includes('hospital invoice'), 'paid invoices are not counted');
    check((await j.page.locator('#table-sources').innerText()).includes('High needs block'), 'no spend by source');
    check(!(await j.page.locator('main').innerText()).includes('Amelia Barnes'), 'the finance report names a child');
    await j.audit('report-finance');
    await follow('price list');
    await h1Is('Prices and budgets');
    // A price that overlaps one already on the list: named, and nothing saved.
    await j.page.locator('#kind').selectOption('hlsa_hour');
    await j.page.locator('#amount').fill('26');
    await j.page.check('#source-high_needs_block');
    await fillDate('valid_from', new Date(today.getFullYear() - 1, 5, 1));
    await fillDate('valid_to', new Date(today.getFullYear() - 1, 5, 30));
    await j.submit(j.page.getByRole('button', { name: 'Add the price' }));
    check((await j.page.locator('.govuk-error-summary').innerText()).includes('This overlaps the price from'), 'no error for an overlapping price');
    await j.audit('finance-prices-error');
    await j.page.locator('#budget_year').fill(String(today.getFullYear() + 1));
    await j.page.check('#budget_source-service_budget');
    await j.page.locator('#budget_amount').fill('125,000');
    await j.submit(j.page.getByRole('button', { name: 'Set the budget' }));
    check((await j.page.locator('.govuk-notification-banner--success').innerText()).includes('The budget is set'), 'no confirmation for the budget');
    check((await j.page.locator('#budgets').innerText()).includes('£125,000.00'), 'the budget is not listed');
    await j.audit('finance-prices');
  });
}

function summary() {
  log('\n──────── summary ────────');
  if (violations.length) {
    log(`\naxe violations (${violations.length}):`);
    for (const v of violations) {
      log(`  ${v.page}\n    ${v.id} [${v.impact}] ${v.help}\n    ${v.helpUrl}`);
      for (const t of v.targets) log(`      → ${t}`);
    }
  }
  if (failures.length) {
    log(`\nfailures (${failures.length}):`);
    for (const f of failures) log(`  ${f.journey} › ${f.step}: ${f.message}`);
  }
  if (warnings.length) {
    log(`\nwarnings (${warnings.length}, not failing):`);
    for (const w of warnings) log(`  ${w.page}: ${w.message}`);
  }
  if (incompleteRules.size) {
    log(`\naxe "needs review" (not failing): ${[...incompleteRules].map(([id, n]) => `${id}×${n}`).join(', ')}`);
  }
  log(`\nscreenshots: ${SHOTS}`);
  log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`e2e: ${results.passed} passed, ${results.failed} failed`);
}


// The coordinator's desk: the queue (filtered by school, and its CSV), a new referral with its
// checks and the school's answers, assigning it, the attendance export and herringbone, a
// decision (its error first, then the page that confirms it and the banner), the decision
// letter, and a parent's enquiry.
async function desk(j, step) {
  await step('sign in with one-time code', () => j.signIn('coordinator@demo.invalid', { expectCode: true }));
  await step('referral queue', async () => {
    await j.goto('/referrals');
    check((await j.page.locator('main table tbody tr').count()) >= 5, 'the queue shows fewer than 5 referrals');
    check((await j.page.getByText('Days since referral').count()) === 1, 'the queue has no days-since-referral column');
    await j.audit('queue');
  });
  await step('queue filtered by school', async () => {
    await j.page.selectOption('#school', { label: 'Wensum Valley Primary School' });
    await j.submit(j.page.getByRole('button', { name: 'Search', exact: true }));
    check(new URL(j.page.url()).searchParams.get('school') === '121001', `the school filter is not in the URL: ${j.page.url()}`);
    const schools = await j.page.locator('main table tbody tr td:nth-child(2)').allInnerTexts();
    check(schools.length >= 1 && schools.every((t) => t.trim() === 'Wensum Valley Primary School'), `the queue filtered by school shows ${schools.join(', ')}`);
    const csvHref = await j.page.getByRole('link', { name: /Download these referrals/ }).getAttribute('href');
    check(csvHref.includes('school=121001'), `the CSV link does not keep the school filter: ${csvHref}`);
    await j.audit('queue-school');
  });
  await step('download the queue as CSV', async () => {
    const href = await j.page.getByRole('link', { name: /Download these referrals/ }).getAttribute('href');
    const res = await j.page.request.get(j.url(href));
    check(res.status() === 200, `CSV status ${res.status()}`);
    check((res.headers()['content-type'] || '').startsWith('text/csv'), `CSV type ${res.headers()['content-type']}`);
    const [header, ...lines] = (await res.text()).trim().split(/\r?\n/);
    const expected = 'Pupil,School,Status,Referral date,Days since the referral,Waiting for evidence since,Days waiting for evidence,Assigned to';
    check(header === expected, `the CSV header is "${header}"`);
    check(lines.length >= 1 && lines.every((l) => l.includes('Wensum Valley Primary School')), 'the CSV does not hold only the filtered school');
  });
  await step('queue filtered to new referrals', async () => {
    await j.goto('/referrals?status=submitted');
    check((await j.page.locator('main table tbody tr').count()) >= 1, 'no new referrals');
    await j.audit('queue-new');
  });
  await step('a new referral with its checks', async () => {
    const link = j.page.getByRole('link', { name: 'Amelia Barnes' });
    await Promise.all([j.page.waitForNavigation(), link.click()]);
    check(/^\/referrals\/[^/]+$/.test(j.pathname()), `the referral link went to ${j.pathname()}`);
    check((await j.page.getByRole('heading', { name: 'Checks against the policy' }).count()) === 1, 'no checks on the referral page');
    check((await j.page.locator('main table').filter({ hasText: 'MN-EV-2' }).count()) === 1, 'the checks do not include MN-EV-2');
    await j.audit('referral');
  });
  const referralPath = j.pathname();
  await step("reading what the school told us", async () => {
    const heading = j.page.getByRole('heading', { name: 'What the school told us' });
    check((await heading.count()) === 1, 'no "What the school told us" section');
    const cards = j.page.locator('#answers ~ .govuk-summary-card');
    check((await cards.count()) >= 5, `the school's answers show ${await cards.count()} cards`);
    const pupilCard = await cards.first().innerText();
    check(pupilCard.includes('Amelia'), `the first answer card does not name the pupil: ${pupilCard.slice(0, 80)}`);
  });
  await step('assign the referral to a caseworker', async () => {
    check((await j.page.locator('#assigned-to-now').innerText()).trim() === 'Nobody yet', 'the referral is already assigned');
    await j.page.selectOption('#assigned_to', { label: 'Sam Patel (Caseworker)' });
    await j.submit(j.page.getByRole('button', { name: 'Save the assignment' }));
    check(j.pathname() === referralPath, `assigning went to ${j.pathname()}`);
    const banner = await j.page.locator('.govuk-notification-banner--success').innerText();
    check(banner.includes('The referral is assigned to Sam Patel, Caseworker.'), `the assignment banner says "${banner}"`);
    check((await j.page.locator('#assigned-to-now').innerText()).includes('Sam Patel'), 'the referral does not show who has it');
    await j.audit('assigned');
    await j.goto('/referrals?assigned=nobody');
    check((await j.page.getByRole('link', { name: 'Amelia Barnes' }).count()) === 0, 'an assigned referral is listed as unassigned');
  });
  await step('attach the attendance export and see the herringbone', async () => {
    await j.goto(`${referralPath}/attendance`);
    await j.audit('attendance-empty');
    await j.page.setInputFiles('#attendance', path.join(HERE, '../crates/mns/tests/fixtures/attendance-long.csv'));
    await j.submit(j.page.locator('main form[enctype] button[type=submit]'));
    check(j.pathname() === `${referralPath}/attendance`, `after upload: ${j.pathname()}`);
    check((await j.page.locator('table.app-herringbone tbody tr').count()) > 10, 'no herringbone weeks shown');
    await j.audit('attendance-herringbone');
  });
  await step('deciding without choosing shows an error', async () => {
    await j.goto(referralPath);
    // The follow-up questions show only under the answer chosen.
    check(!(await j.page.locator('#conditional-decision-decline').isVisible()), 'the reasons to decline show before Decline is chosen');
    await j.submit(j.page.getByRole('button', { name: 'Continue', exact: true }));
    check((await j.page.locator('.govuk-error-summary').count()) === 1, 'no error summary for an empty decision');
    await j.audit('decision-error');
    await j.checkErrorLinkFocus();
  });
  await step('declining reveals the reasons; without one it is refused', async () => {
    await j.page.check('#decision-decline');
    check(await j.page.locator('#conditional-decision-decline').isVisible(), 'choosing Decline does not reveal the reasons');
    check(!(await j.page.locator('#conditional-decision-ask').isVisible()), 'choosing Decline reveals the questions');
    check((await j.page.locator('#decision-decline').getAttribute('aria-expanded')) === null, 'the radio has aria-expanded');
    await j.submit(j.page.getByRole('button', { name: 'Continue', exact: true }));
    await j.checkErrorSummary(['reasons']);
    check(await j.page.locator('#conditional-decision-decline').isVisible(), 'the reasons are hidden when they have an error');
    await j.audit('decision-decline-error');
  });
  await step('accept the referral: the check page, then the banner', async () => {
    await j.page.check('#decision');
    await j.submit(j.page.getByRole('button', { name: 'Continue', exact: true }));
    check(j.pathname() === `${referralPath}/decision`, `"Continue" went to ${j.pathname()}`);
    const main = await j.page.locator('main').innerText();
    check(main.includes('a case is opened'), 'the check page does not say a case is opened');
    check(main.includes('Who will be told') && main.includes('Wensum Valley Primary School'), 'the check page does not say who will be told');
    check((await j.page.locator('#chosen-decision').innerText()).trim() === 'Accept', 'the check page does not show the decision');
    await j.audit('decision-check');
    // Nothing is recorded yet: the referral is still new.
    const still = await j.page.request.get(j.url(referralPath));
    check((await still.text()).includes('>New</strong>'), 'the referral changed before the decision was confirmed');
    await j.submit(j.page.getByRole('button', { name: 'Confirm and record the decision' }));
    check(j.pathname() === referralPath, `after confirming: ${j.pathname()}`);
    const banner = await j.page.locator('.govuk-notification-banner--success').innerText();
    check(banner.includes('Referral accepted. The case is open'), `the banner says "${banner}"`);
    check((await j.page.locator('.govuk-notification-banner--success a').getAttribute('href')) === referralPath.replace('/referrals/', '/cases/'), 'the banner does not link the case');
    check((await j.page.getByText('Accepted', { exact: true }).count()) >= 1, 'the decision is not shown');
    await j.audit('accepted');
  });
  await step('the decision letter is a PDF', async () => {
    const res = await j.page.request.get(j.url(`${referralPath}/letter.pdf`));
    check(res.status() === 200, `letter status ${res.status()}`);
    check(res.headers()['content-type'] === 'application/pdf', `letter type ${res.headers()['content-type']}`);
    const body = await res.body();
    check(body.subarray(0, 5).toString() === '%PDF-', 'the letter is not a PDF');
  });
  await step('log a parent enquiry (errors first)', async () => {
    await j.goto('/enquiries');
    await j.audit('enquiries');
    await j.submit(j.page.getByRole('button', { name: 'Log enquiry' }));
    check((await j.page.locator('.govuk-error-summary li').count()) >= 3, 'an empty enquiry does not list its problems');
    await j.audit('enquiries-errors');
    await j.page.fill('#enquirer_name', 'Sam Example');
    await j.page.check('#enquirer');
    await j.page.fill('#child_name', 'Alex Example');
    await j.page.check('#consent');
    await j.page.fill('#summary', 'Asked how the school makes a referral.');
    await j.submit(j.page.getByRole('button', { name: 'Log enquiry' }));
    check((await j.page.getByText('Enquiry logged').count()) === 1, 'no confirmation after logging');
    await j.audit('enquiry-logged');
  });
  await step('sign out', () => j.signOut());
}

// The emails the demo wrote (no SMTP server: the data directory's outbox folder), newest last,
// as { to, subject, body } with the quoted-printable soft breaks undone.
function outboxEmails() {
  const dir = path.join(shared.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => a.t - b.t)
    .map(({ f }) => {
      const raw = fs.readFileSync(path.join(dir, f), 'utf8');
      const [head, ...rest] = raw.split(/\r?\n\r?\n/);
      const header = (name) => (head.match(new RegExp(`^${name}: (.*)$`, 'mi')) || [])[1] || '';
      const body = rest.join('\n\n').replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      return { to: header('To'), subject: header('Subject'), body };
    });
}

// A parent follows the link in the email they were sent when the coordinator decided on their
// child's referral (the desk journey accepted Amelia's): it opens a page the parent can see,
// in plain English, with no UPN.
async function parentEmail(j, step) {
  let link;
  await step('the parent was emailed a link', async () => {
    const deadline = Date.now() + 15_000;
    let mail;
    while (Date.now() < deadline && !mail) {
      mail = outboxEmails().reverse().find((m) => m.to.includes('parent@demo.invalid') && /https?:\/\/\S+\/(cases|pupils)\/\S+/.test(m.body));
      if (!mail) await sleep(250);
    }
    check(mail, 'no email with a link reached parent@demo.invalid in the outbox');
    check(!/Amelia|Barnes/.test(mail.subject + mail.body), 'the email names the child');
    link = new URL(mail.body.match(/https?:\/\/\S+\/(cases|pupils)\/[^\s>)]+/)[0]);
  });
  await step('sign in', () => j.signIn('parent@demo.invalid'));
  await step('the link opens the child\'s page', async () => {
    await j.goto(link.pathname);
    check((await j.h1()).includes('Amelia'), `the email link opened "${await j.h1()}"`);
    const text = await j.page.locator('main').innerText();
    check(!/\bMN-[A-Z]+-\d/.test(text), 'the parent sees a rule id');
    check(!/\bUPN\b/.test(text), 'the parent sees a UPN');
    await j.audit('email-link');
  });
  await step('sign out', () => j.signOut());
}

// Access to a child, given and taken (issue 14): the coordinator gives a parent who has no
// account access to a child from the child's page ("People who can see this child", the add
// form with its errors first), which sends them an invitation (no child named); the parent
// opens the link, is told what is wrong (another address, no name, passwords that differ),
// creates the account, finds the link refused a second time, signs in and sees the child; the coordinator removes the access through its confirmation page, the access
// history names the grant and the removal, and the parent then sees no child and the child's
// page is not found.
async function childAccess(j, step) {
  const email = 'new.parent@example.org';
  const password = 'three random words for jamie';
  let pupilPath;
  let childName;
  let link;
  await step('coordinator signs in', () => j.signIn('coordinator@demo.invalid', { expectCode: true }));
  await step('the child\'s page lists the people who can see them', async () => {
    await j.goto('/pupils');
    const rows = await j.pupilRows();
    const row = rows.find((r) => /Freya/.test(r.name)) || rows[0];
    pupilPath = row.href;
    childName = row.name;
    await j.goto(pupilPath);
    const heading = j.page.locator('#people');
    check((await heading.count()) === 1, 'no "People who can see this child" section');
    await j.audit('pupil-people');
  });
  await step('the add form names its problems in order', async () => {
    await Promise.all([j.page.waitForNavigation(), j.page.getByRole('button', { name: 'Add a person' }).click()]);
    check(j.pathname() === `${pupilPath}/access/new`, `"Add a person" went to ${j.pathname()}`);
    await j.audit('access-new');
    await j.submit(j.page.locator('main button[type=submit]'));
    await j.checkErrorSummary(['email', 'kind', 'relationship', 'reason']);
    await j.audit('access-new-errors');
    await j.checkErrorLinkFocus();
  });
  await step('the coordinator invites a parent who has no account', async () => {
    await j.page.fill('#email', email);
    await j.page.check('#kind-parent');
    await j.page.fill('#relationship', 'Father');
    await j.page.check('#parental_responsibility-yes');
    await j.page.fill('#reason', 'Named on the referral');
    await j.submit(j.page.locator('main button[type=submit]'));
    check(j.pathname() === pupilPath, `after adding went to ${j.pathname()}`);
    const text = await j.page.locator('main').innerText();
    check(text.includes(email) && text.includes('Invited'), 'the invitation is not listed');
    check(text.includes('emailed them an invitation'), 'no success banner');
    await j.audit('access-invited');
  });
  await step('the parent was emailed a link, without the child\'s name', async () => {
    const deadline = Date.now() + 15_000;
    let mail;
    while (Date.now() < deadline && !mail) {
      mail = outboxEmails().reverse().find((m) => m.to.includes(email) && /\/invitations\/[0-9a-f]+/.test(m.body));
      if (!mail) await sleep(250);
    }
    check(mail, `no invitation email reached ${email}`);
    const first = childName.split(' ')[0];
    check(!(mail.subject + mail.body).includes(first), 'the email names the child');
    link = new URL(mail.body.match(/https?:\/\/\S+\/invitations\/[0-9a-f]+/)[0]);
  });
  await step('coordinator signs out', () => j.signOut());
  await step('the invitation asks for the address it went to; problems are named', async () => {
    await j.goto(link.pathname);
    check((await j.h1()) === 'Create your account', `the link's page says "${await j.h1()}"`);
    await j.audit('invitation');
    await j.page.fill('#email', 'someone.else@example.org');
    await j.page.fill('#password', password);
    await j.page.fill('#confirm_password', 'not the same password');
    await j.submit(j.page.locator('main button[type=submit]'));
    await j.checkErrorSummary(['email', 'display_name', 'confirm_password']);
    await j.audit('invitation-errors');
    await j.checkErrorLinkFocus();
  });
  await step('the parent creates the account', async () => {
    await j.page.fill('#email', email);
    await j.page.fill('#display_name', 'Jamie Rivers');
    await j.page.fill('#password', password);
    await j.page.fill('#confirm_password', password);
    await j.submit(j.page.locator('main button[type=submit]'));
    check((await j.h1()) === 'Your account has been created', `after creating: "${await j.h1()}"`);
    await j.audit('invitation-accepted');
  });
  await step('the link does not work twice', async () => {
    await j.goto(link.pathname, 410);
    check((await j.h1()) === 'This invitation link does not work', 'a used link is not refused');
    await j.audit('invitation-used');
  });
  await step('the parent signs in and sees the child', async () => {
    await j.signIn(email, { password });
    await j.goto('/pupils');
    const rows = await j.pupilRows();
    check(rows.length === 1, `expected 1 child, saw ${rows.length}`);
    await j.audit('parent-pupils');
    await j.goto(pupilPath);
    await j.audit('parent-pupil');
  });
  await step('parent signs out', () => j.signOut());
  await step('the coordinator removes the access after a confirmation', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    await j.goto(pupilPath);
    const remove = j.page.locator('main a', { hasText: 'Remove' }).filter({ hasText: 'Jamie Rivers' });
    check((await remove.count()) === 1, 'no Remove link for the parent');
    await Promise.all([j.page.waitForNavigation(), remove.click()]);
    check(/\/access\/[^/]+\/remove$/.test(j.pathname()), `Remove went to ${j.pathname()}`);
    await j.audit('access-remove');
    await j.submit(j.page.locator('main button[type=submit]'));
    check(j.pathname() === pupilPath, `after removing went to ${j.pathname()}`);
    check(!(await j.page.locator('main').innerText()).includes('Jamie Rivers'), 'the person is still listed');
    await j.audit('access-removed');
  });
  await step('the access history shows the grant and the removal', async () => {
    await j.goto(`${pupilPath}/access-history`);
    const text = await j.page.locator('main').innerText();
    check(text.includes('Invited a person'), 'the invitation is not in the access history');
    check(text.includes('Accepted an invitation'), 'the acceptance is not in the access history');
    check(text.includes('Removed a person'), 'the removal is not in the access history');
    await j.audit('access-history');
  });
  await step('coordinator signs out again', () => j.signOut());
  await step('the parent sees nothing', async () => {
    await j.signIn(email, { password });
    await j.goto('/pupils');
    const rows = await j.pupilRows();
    check(rows.length === 0, `expected no children, saw ${rows.length}`);
    await j.audit('parent-no-pupils');
    await j.goto(pupilPath, 404);
  });
  await step('sign out', () => j.signOut());
}

// Getting back into an account (issue 14). A parent who has forgotten their password asks for a
// link, follows the one emailed to them, chooses a new password and signs in with it; the link
// does not work twice; they change their password back on "Change your password" (so the other
// journeys still sign in with the demo password). The coordinator's pages for helping a user,
// and "Sign in as someone else" on the one-time code page, are visited too.
async function accountRecovery(j, step) {
  const NEW = 'three random words in a row';
  let link;
  await step('"Forgotten your password?" on the sign-in page', async () => {
    await j.goto('/sign-in');
    await j.submit(j.page.getByRole('link', { name: 'Forgotten your password?' }));
    check(j.pathname() === '/forgotten-password', `the link went to ${j.pathname()}`);
    await j.audit('forgotten-password');
  });
  await step('an empty address is an error', async () => {
    await j.submit(j.page.locator('main button[type=submit]'));
    await j.checkErrorSummary(['email']);
    await j.audit('forgotten-password-errors');
    await j.checkErrorLinkFocus();
  });
  await step('asking for a link gives the same answer for any address', async () => {
    await j.page.fill('#email', 'parent@demo.invalid');
    await j.submit(j.page.locator('main button[type=submit]'));
    check((await j.h1()) === 'Check your email', `the answer page says "${await j.h1()}"`);
    await j.audit('check-your-email');
  });
  await step('the parent was emailed a reset link', async () => {
    const deadline = Date.now() + 15_000;
    let mail;
    while (Date.now() < deadline && !mail) {
      mail = outboxEmails().reverse().find((m) => m.to.includes('parent@demo.invalid') && /\/reset-password\/[0-9a-f]+/.test(m.body));
      if (!mail) await sleep(250);
    }
    check(mail, 'no email with a reset link reached parent@demo.invalid in the outbox');
    link = new URL(mail.body.match(/https?:\/\/\S+\/reset-password\/[0-9a-f]+/)[0]);
  });
  await step('the link asks for a new password; mismatched ones are an error', async () => {
    await j.goto(link.pathname);
    await j.audit('reset-password');
    await j.page.fill('#new_password', NEW);
    await j.page.fill('#confirm_password', `${NEW}!`);
    await j.submit(j.page.locator('main button[type=submit]'));
    await j.checkErrorSummary(['confirm_password']);
    await j.audit('reset-password-errors');
    await j.checkErrorLinkFocus();
  });
  await step('the new password is set', async () => {
    await j.page.fill('#new_password', NEW);
    await j.page.fill('#confirm_password', NEW);
    await j.submit(j.page.locator('main button[type=submit]'));
    check((await j.h1()) === 'Your password has been changed', `after the reset: "${await j.h1()}"`);
    await j.audit('reset-password-done');
  });
  await step('the link does not work twice', async () => {
    await j.goto(link.pathname, 410);
    check((await j.h1()) === 'This link does not work', `the replayed link shows "${await j.h1()}"`);
    await j.audit('reset-link-used');
  });
  await step('the parent signs in with the new password', async () => {
    await j.goto('/sign-in');
    await j.page.fill('#email', 'parent@demo.invalid');
    await j.page.fill('#password', NEW);
    await j.submit(j.page.locator('main button[type=submit]'));
    check(j.pathname() === '/home', `signing in with the new password went to ${j.pathname()}`);
  });
  await step('and changes it back on "Change your password"', async () => {
    await j.submit(j.page.getByRole('link', { name: 'Change your password' }));
    check(j.pathname() === '/account/password', `the link went to ${j.pathname()}`);
    await j.audit('change-password');
    await j.page.fill('#current_password', 'not my password');
    await j.page.fill('#new_password', PASSWORD);
    await j.page.fill('#confirm_password', PASSWORD);
    await j.submit(j.page.locator('main button[type=submit]'));
    await j.checkErrorSummary(['current_password']);
    await j.audit('change-password-errors');
    await j.page.fill('#current_password', NEW);
    await j.page.fill('#new_password', PASSWORD);
    await j.page.fill('#confirm_password', PASSWORD);
    await j.submit(j.page.locator('main button[type=submit]'));
    check((await j.h1()) === 'You have changed your password', `after changing: "${await j.h1()}"`);
    await j.audit('change-password-done');
  });
  await step('sign out', () => j.signOut());
  await step('"Sign in as someone else" ends a half-finished sign-in', async () => {
    await j.goto('/sign-in');
    await j.page.fill('#email', 'coordinator@demo.invalid');
    await j.page.fill('#password', PASSWORD);
    await j.submit(j.page.locator('main button[type=submit]'));
    check(j.pathname() === '/sign-in/code', `after the password: ${j.pathname()}`);
    await j.submit(j.page.getByRole('button', { name: 'Sign in as someone else' }));
    check(j.pathname() === '/sign-in', `"Sign in as someone else" went to ${j.pathname()}`);
  });
  await step('the coordinator signs in', () => j.signIn('coordinator@demo.invalid', { expectCode: true }));
  await step('the coordinator\'s pages for helping a user sign in', async () => {
    await j.goto('/users');
    const row = j.page.locator('main tr', { hasText: 'caseworker@demo.invalid' });
    await j.submit(row.getByRole('link', { name: /Signing in/ }));
    check(/^\/users\/[^/]+\/account$/.test(j.pathname()), `"Signing in" went to ${j.pathname()}`);
    const account = j.pathname();
    await j.audit('user-account');
    for (const [what, slug] of [['reset-password', 'user-reset-password'], ['reset-code', 'user-reset-code'], ['self-reset', 'user-self-reset']]) {
      await j.goto(account.replace(/account$/, what));
      await j.audit(slug);
    }
    // Cancelling changes nothing.
    await j.submit(j.page.getByRole('link', { name: 'Cancel' }));
    check(j.pathname() === account, `Cancel went to ${j.pathname()}`);
  });
  await step('sign out', () => j.signOut());
}

// A request for more information answered without the clock starting again (MN-DEC-1,
// MN-DEC-2): the demo's coordinator asked Leo's school for the consultant's letter nine days
// after the referral; the school reads the question, answers and sends the referral again, and
// the coordinator's queue and the referral's history still count from the referral date.
async function clock(j, step) {
  const page = j.page;
  let referralPath;
  let daysBefore;
  const leoDays = async () => {
    await j.goto('/referrals');
    await j.page.fill('#search', 'leo grant');
    await j.submit(j.page.getByRole('button', { name: 'Search', exact: true }));
    check(new URL(j.page.url()).searchParams.get('search') === 'leo grant', `the search is not in the URL: ${j.page.url()}`);
    const row = page.locator('main table tbody tr', { hasText: 'Leo Grant' });
    check((await row.count()) === 1, 'Leo Grant is not in the queue');
    const days = (await row.locator('td.govuk-table__cell--numeric').innerText()).trim();
    check(/^\d+$/.test(days), `no days in Leo's row: ${await row.innerText()}`);
    return { days: Number(days), href: await row.locator('a').first().getAttribute('href') };
  };
  await step('the coordinator sees the request waiting', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    const { days, href } = await leoDays();
    daysBefore = days;
    referralPath = href;
    check(daysBefore >= 9, `Leo's referral is ${daysBefore} days old, expected at least 9`);
    await j.audit('queue-search');
    await j.signOut();
  });
  await step('the school reads the question', async () => {
    await j.signIn('school2@demo.invalid');
    await j.goto(referralPath);
    check((await page.locator('main').innerText()).includes("consultant's letter"), "the school does not see the coordinator's question");
    await j.audit('information-requested');
  });
  await step('the school answers and sends the referral again', async () => {
    await j.goto(`${referralPath}/check-answers`);
    await j.audit('answer-check');
    await j.submit(page.getByRole('button', { name: 'Submit referral' }));
    check(j.pathname() === `${referralPath}/sent`, `sending again went to ${j.pathname()}: ${await page.locator('.govuk-error-summary').innerText().catch(() => '')}`);
    check((await page.locator('main').innerText()).includes('do not start again'), 'the confirmation does not say the days do not start again');
    await j.audit('answer-sent');
    await j.signOut();
  });
  await step('the clock has not started again', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    const { days } = await leoDays();
    check(days === daysBefore, `after the answer the queue counts ${days} days, before it counted ${daysBefore}`);
    await j.goto(referralPath);
    const history = page.locator('#history ~ .app-table-scroll table');
    const answered = history.locator('tr', { hasText: 'The school answered the request' });
    check((await answered.count()) === 1, 'the history does not show the answer');
    check((await answered.locator('td').last().innerText()).trim() === String(daysBefore), `the answer is not counted ${daysBefore} days from the referral`);
    await j.audit('history');
    await j.signOut();
  });
}

// --- A school's referral, from a new draft to the coordinator's queue ------------------------

// A valid UPN for 12 digits: DfE check letter (weights 2..13, mod 23; no I, O, S).
function upnWithCheckLetter(stem) {
  const letters = 'ABCDEFGHJKLMNPQRTUVWXYZ';
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(stem[i]) * (i + 2);
  return `${letters[sum % 23]}${stem}`;
}

// A date `days` before today (UTC), as the three parts of a GOV.UK date input.
function daysAgo(days) {
  const t = new Date(Date.now() - days * 86_400_000);
  return { d: t.getUTCDate(), m: t.getUTCMonth() + 1, y: t.getUTCFullYear() };
}

// The year group a date of birth puts a child in this school year (from 1 September):
// Reception (0) is the school year starting five years after the school year of birth.
function yearGroupByAge(born, today = new Date()) {
  const schoolYear = today.getUTCMonth() >= 8 ? today.getUTCFullYear() : today.getUTCFullYear() - 1;
  const bornIn = born.m >= 9 ? born.y : born.y - 1;
  return schoolYear - bornIn - 5;
}

// A school starts a referral, meets every problem of the empty form at once, fills each section
// on its own page (with one date error on the way; no answer chosen for it, follow-up questions
// revealed by their answers), is refused without the attendance export, attaches it, submits,
// deletes a draft it no longer needs, and the coordinator sees the referral.
// About 12 audits, to keep the suite quick: the consent, health-need and support pages and the
// evidence list add no markup the audited pages do not have, so they are filled, not audited.
// The school's referral form, for the journeys that fill it in: field locators, a date, the
// error summary's text, and the task list's sections opened and saved.
function referralForm(j, formPath) {
  const page = j.page;
  const byId = (id) => page.locator(`[id="${id}"]`);
  const radio = (name, value) => page.locator(`input[type=radio][name="${name}"][value="${value}"]`);
  const fillDate = async (id, { d, m, y }) => {
    await byId(id).fill(String(d));
    await byId(`${id}-month`).fill(String(m));
    await byId(`${id}-year`).fill(String(y));
  };
  const errorText = () =>
    page.locator('.govuk-error-summary').innerText({ timeout: 1000 }).then((t) => t.replace(/\s+/g, ' ')).catch(() => 'none');
  const form = { page, byId, radio, fillDate, errorText, path: formPath };
  // Follow the task list's link to a section.
  form.openSection = async (slug) => {
    check(j.pathname() === form.path, `expected the task list, on ${j.pathname()}`);
    await Promise.all([page.waitForNavigation(), page.locator(`main a[href="${form.path}/${slug}"]`).click()]);
    check(j.pathname() === `${form.path}/${slug}`, `the ${slug} task went to ${j.pathname()}`);
  };
  // "Save and continue", back on the task list with the section complete.
  form.saveSection = async (slug) => {
    await j.submit(page.getByRole('button', { name: 'Save and continue' }));
    if (j.pathname() !== form.path) throw new Error(`saving ${slug} stayed on ${j.pathname()} (errors: ${await errorText()})`);
    const status = (await page.locator(`[id="task-${slug}-status"]`).innerText()).trim();
    check(status === 'Completed', `the ${slug} task is "${status}" after saving it`);
  };
  return form;
}

// The school's sections after "About the pupil", each opened from the task list, answered as a
// school would and saved: shared by the school's own referral and a health notification's.
const schoolSections = {
  async school(j, f) {
    await f.openSection('school');
    check((await f.byId('school.urn').innerText()).includes('121001'), "the school's URN is not shown");
    await j.audit('school');
    await f.byId('pupil.enrolment').check();
    await f.radio('school.school_type', 'maintained').check();
    await f.byId('pupil.send-sen_support').check();
    await f.byId('pupil.send.sen_support_summary').fill('SEN support plan for anxiety: a key adult, a quiet space and a reduced timetable.');
    await f.byId('pupil.looked_after').check();
    await f.saveSection('school');
  },
  async checklist(j, f) {
    await f.openSection('checklist');
    await j.audit('checklist');
    const names = await f.page
      .locator('main input[type=radio][name^="checklist."]')
      .evaluateAll((inputs) => [...new Set(inputs.map((i) => i.name))]);
    check(names.length === 18, `the checklist has ${names.length} items, expected 18`);
    // Every item done, with a note now and then, except the last, which does not apply.
    for (const [n, name] of names.entries()) {
      const last = n === names.length - 1;
      await f.radio(name, last ? 'not_applicable' : 'done').check();
      const note = name.replace(/\.answer$/, '.note');
      if (last) await f.byId(note).fill('Does not apply to this pupil.');
      else if (n % 6 === 0) await f.byId(note).fill('Done this term; see the pupil file.');
    }
    await f.saveSection('checklist');
  },
  async consent(j, f) {
    await f.openSection('consent');
    await f.byId('healthy_child_programme.contacted').check();
    await f.fillDate('healthy_child_programme.contacted_on', daysAgo(42));
    await f.byId('healthy_child_programme.parental_consent_before_contact').check();
    await f.byId('healthy_child_programme.outcome').fill('Advised a referral to the paediatrician and to this service.');
    await f.byId('consent.given').check();
    await f.fillDate('consent.given_on', daysAgo(45));
    await f.byId('consent.withdrawn-no').check();
    await f.saveSection('consent');
  },
  async healthNeed(j, f) {
    await f.openSection('health-need');
    await f.byId('health_need.description').fill('Chronic fatigue since the spring; cannot manage a full school day.');
    await f.byId('health_need.absence_expected').check();
    await f.byId('health_need.expected_absence.further_school_days').fill('20');
    await f.radio('health_need.expected_absence.reason', 'ongoing_condition').check();
    await f.byId('health_need.expected_absence.details').fill('The paediatrician expects at least four more weeks.');
    await f.byId('awaiting_specialist_place-no').check();
    await f.saveSection('health-need');
  },
  async evidence(j, f) {
    await f.openSection('evidence');
    await Promise.all([f.page.waitForNavigation(), f.page.getByRole('button', { name: 'Add evidence' }).click()]);
    check(j.pathname() === `${f.path}/evidence` && new URL(f.page.url()).search === '?add=1', `"Add evidence" went to ${f.page.url()}`);
    await j.audit('evidence-add');
    await f.byId('professional-paediatrician').check();
    await f.byId('professional_name').fill("Dr A Patel, Jenny Lind Children's Hospital");
    await f.radio('document', 'letter').check();
    await f.fillDate('date_seen', daysAgo(21));
    await f.byId('seen_in_person').check();
    await f.byId('content.condition_and_treatment').fill('Chronic fatigue syndrome, diagnosed at clinic; graded activity. Cannot attend full days.');
    await f.byId('content.referrals_to_other_services').fill('Referred to the Norfolk and Suffolk ME/CFS service.');
    await f.byId('content.reintegration').fill('A phased return, starting with two mornings a week.');
    await j.submit(f.page.getByRole('button', { name: 'Add this evidence' }));
    if (j.pathname() !== `${f.path}/evidence` || new URL(f.page.url()).search !== '') {
      throw new Error(`adding evidence went to ${f.page.url()} (errors: ${await f.errorText()})`);
    }
    check((await f.page.locator('main .govuk-summary-card').count()) === 1, 'the evidence list does not show one piece');
    check((await f.page.locator('main .govuk-summary-card__title').innerText()).includes('paediatrician'), 'the evidence is not shown as from a paediatrician');
    await f.byId('repeat_referral-no').check();
    await f.saveSection('evidence');
  },
  async support(j, f) {
    await f.openSection('support');
    await f.byId('support_meanwhile.learning_supported_by').fill('Ms J Turner, class teacher');
    await f.byId('support_meanwhile.welfare_checks_by').fill('Mr P Green, designated safeguarding lead');
    await f.saveSection('support');
  },
};

// A pupil's attendance export, written to a file: six weeks of this term, ill for the last two.
function attendanceExport(upn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mns-e2e-files-'));
  tmpDirs.push(dir);
  const rows = ['UPN,Date,Session,Mark'];
  const monday = new Date();
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7) - 42);
  for (let d = 0; d < 42; d++) {
    const day = new Date(monday.getTime() + d * 86400000);
    if (day.getDay() === 0 || day.getDay() === 6) continue;
    const iso = day.toISOString().slice(0, 10);
    const ill = d >= 28;
    rows.push(`${upn},${iso},AM,${ill ? 'I' : '/'}`, `${upn},${iso},PM,${ill ? 'I' : '\\'}`);
  }
  const csv = path.join(dir, 'attendance.csv');
  fs.writeFileSync(csv, rows.join('\n') + '\n');
  return { dir, csv };
}

async function schoolReferral(j, step) {
  const page = j.page;
  const f = referralForm(j, null);
  const { byId, radio, fillDate, errorText } = f;

  const upn = upnWithCheckLetter('926200126014');
  check(upnWithCheckLetter('801200005001') === 'B801200005001', 'the UPN check letter helper is wrong');
  const born = { d: 14, m: 5, y: 2014 };
  const yearGroup = yearGroupByAge(born);
  const pupilName = 'Robin Example';
  let id;
  let formPath;

  const { openSection, saveSection } = f;

  await step('sign in', () => j.signIn('school@demo.invalid'));
  await step('referrals, start a new one', async () => {
    await j.goto('/referrals');
    await j.audit('referrals');
    await j.submit(page.getByRole('button', { name: 'Start a new referral' }));
    const m = j.pathname().match(/^\/referrals\/([^/]+)\/form$/);
    check(m, `"Start a new referral" went to ${j.pathname()}`);
    id = m[1];
    formPath = j.pathname();
    f.path = formPath;
    check((await page.locator('.govuk-task-list__item').count()) === 9, 'the task list does not show 7 sections and 2 files');
    check((await page.getByText('You have completed 0 of 8 tasks').count()) === 1, 'a new referral is not 0 of 8 tasks complete');
    const attendanceStatus = (await page.locator('[id="task-attendance-status"]').innerText()).trim();
    check(attendanceStatus === 'Not started', `the attendance export task is "${attendanceStatus}" on a new referral`);
    await j.audit('task-list');
  });

  await step('submitting the empty referral lists every problem', async () => {
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Check your answers' }).click()]);
    check(j.pathname() === `/referrals/${id}/check-answers`, `"Check your answers" went to ${j.pathname()}`);
    await j.submit(page.getByRole('button', { name: 'Submit referral' }));
    check((await page.title()).startsWith('Error: '), `title "${await page.title()}" does not start with "Error: "`);
    const hrefs = await page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check(hrefs.length >= 30, `the error summary lists ${hrefs.length} problems, expected the empty form's 30 or more`);
    const shape = new RegExp(`^/referrals/${id}/(form/[a-z-]+(\\?[^#]*)?|attendance)#[a-z_.\\[\\]0-9-]+$`);
    check(shape.test(hrefs[0]), `the first error link "${hrefs[0]}" is not /referrals/${id}/form/…#field`);
    check(hrefs[0] === `/referrals/${id}/form/pupil#pupil.first_name`, `the first error link is ${hrefs[0]}, expected the pupil's first name`);
    check(hrefs.at(-1) === `/referrals/${id}/attendance#attendance`, `the last error link is ${hrefs.at(-1)}, expected the attendance export`);
    await j.audit('submit-empty-errors');
    // Every link lands on an element of its section's page.
    const pages = new Map();
    for (const href of hrefs) {
      check(shape.test(href), `error link "${href}" is not /referrals/${id}/form/…#field`);
      const [p, fragment] = href.split('#');
      if (!pages.has(p)) pages.set(p, []);
      pages.get(p).push(decodeURIComponent(fragment));
    }
    for (const [p, ids] of pages) {
      const res = await page.request.get(j.url(p));
      check(res.status() === 200, `GET ${p} (an error link's page) answered ${res.status()}`);
      const html = await res.text();
      const lost = ids.filter((i) => !html.includes(`id="${i}"`));
      check(lost.length === 0, `error links to ${p} name no element: #${lost.join(', #')}`);
    }
    await j.goto(formPath);
  });

  await step('about the pupil: no answer chosen, and the due date revealed only by "yes"', async () => {
    await openSection('pupil');
    check((await page.locator('main input[type=radio]:checked').count()) === 0, 'a radio is chosen on a new referral');
    check((await page.locator('main input[type=radio][aria-expanded]').count()) === 0, 'a radio has aria-expanded, which ARIA does not allow on a radio');
    check(await byId('pupil.pregnant').getAttribute('aria-controls') === 'conditional-pupil.pregnant', 'the "yes" radio does not name the question it reveals');
    const due = byId('pupil.expected_due_date');
    check(!(await due.isVisible()), 'the due date shows before "yes" is chosen');
    await byId('pupil.pregnant').check();
    check(await due.isVisible(), 'choosing "yes" does not reveal the due date');
    await byId('pupil.pregnant-no').check();
    check(!(await due.isVisible()), 'choosing "no" does not hide the due date again');
  });
  await step('about the pupil: an impossible date of birth is refused', async () => {
    await byId('pupil.first_name').fill('Robin');
    await byId('pupil.last_name').fill('Example');
    await fillDate('pupil.date_of_birth', { d: 31, m: 2, y: 2014 });
    await byId('pupil.upn').fill(upn);
    await byId('pupil.home_address.line_1').fill('12 Example Road');
    await byId('pupil.home_address.town').fill('Norwich');
    await byId('pupil.home_address.postcode').fill('NR3 1AB');
    await byId('pupil.ordinarily_resident').check();
    await radio('pupil.year_group', String(yearGroup)).check();
    await byId('pupil.repeating_year_11_for_medical_reasons-no').check();
    await byId('pupil.pregnant-no').check();
    await j.submit(page.getByRole('button', { name: 'Save and continue' }));
    check(j.pathname() === `${formPath}/pupil`, `a date of birth of 31 2 2014 went to ${j.pathname()}`);
    await j.checkErrorSummary(['pupil.date_of_birth']);
    check((await byId('pupil.date_of_birth-error').innerText()).includes('must be a real date'), 'the date of birth error does not say it must be a real date');
    check((await byId('pupil.first_name').inputValue()) === 'Robin', 'what was typed is not kept');
    await j.audit('pupil-date-error');
    await j.checkErrorLinkFocus();
  });
  await step('about the pupil: corrected and saved', async () => {
    await fillDate('pupil.date_of_birth', born);
    await saveSection('pupil');
  });

  await step('school, SEND and looked-after status', () => schoolSections.school(j, f));
  await step("schools' checklist: all 18 items", () => schoolSections.checklist(j, f));
  await step('Healthy Child Programme and consent', () => schoolSections.consent(j, f));
  await step('health need and expected absence', () => schoolSections.healthNeed(j, f));
  await step('medical evidence: one letter from a paediatrician', () => schoolSections.evidence(j, f));
  await step('support until provision starts', () => schoolSections.support(j, f));

  const referralPath = () => `/referrals/${id}`;
  await step('every question answered: submitting without the attendance export is refused', async () => {
    check((await page.getByText('You have completed 7 of 8 tasks').count()) === 1, 'the task list is not 7 of 8 tasks with every section complete');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Check your answers' }).click()]);
    await j.submit(page.getByRole('button', { name: 'Submit referral' }));
    check(j.pathname() === `/referrals/${id}/submit`, `submitting without the export went to ${j.pathname()}`);
    const hrefs = await page.locator('.govuk-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check(hrefs.length === 1 && hrefs[0] === `/referrals/${id}/attendance#attendance`, `the error summary links ${hrefs.join(', ')}, expected only the attendance export`);
    check((await errorText()).includes('attendance export'), `the error does not name the attendance export: ${await errorText()}`);
    await j.audit('submit-no-attendance');
    // The link goes to where the export is attached.
    await Promise.all([page.waitForNavigation(), page.locator('.govuk-error-summary a').first().click()]);
    check(j.pathname() === `/referrals/${id}/attendance`, `the error link went to ${j.pathname()}`);
    await j.goto(formPath);
  });
  await step('attach the attendance export (a wrong file first) and the clinic letter', async () => {
    const { dir, csv } = attendanceExport(upn);
    // Another pupil's export is refused, naming the reason; nothing is stored.
    await page.getByRole('link', { name: /Attendance export/ }).click();
    await page.waitForURL(`**/referrals/${id}/attendance`);
    await page.setInputFiles('#attendance', path.join(HERE, '../crates/mns/tests/fixtures/attendance-long.csv'));
    await j.submit(page.locator('main form[enctype] button[type=submit]'));
    check((await errorText()).includes(`no rows for the pupil's UPN ${upn}`), `a wrong export is not refused clearly: ${await errorText()}`);
    await j.audit('attendance-wrong-file');
    // This pupil's own export: six weeks of this term, ill for the last two.
    await page.setInputFiles('#attendance', csv);
    await j.submit(page.locator('main form[enctype] button[type=submit]'));
    check((await page.locator('table.app-herringbone tbody tr').count()) >= 6, 'the herringbone does not show six weeks');
    check((await page.getByText('10 days').count()) >= 1, 'ten days of illness are not counted');
    // The clinic letter, as a PDF.
    const pdf = path.join(dir, 'clinic-letter.pdf');
    // A real one-page PDF: uploads must read as a whole file of their kind, not only start like one.
    fs.copyFileSync(new URL('../crates/mns-domain/src/documents_fixtures/letter.pdf', import.meta.url), pdf);
    await j.goto(`/referrals/${id}/documents`);
    await page.setInputFiles('#document', pdf);
    await j.submit(page.locator('main form[enctype] button[type=submit]'));
    check((await page.getByRole('link', { name: 'clinic-letter.pdf' }).count()) === 1, 'the uploaded letter is not listed');
    await j.audit('documents');
    await j.goto(`/referrals/${id}/form`);
    // The task list shows the files: the export by name, the letters counted.
    const status = (await page.locator('[id="task-attendance-status"]').innerText()).trim();
    check(status === 'Attached', `the attendance export task is "${status}" once attached`);
    check((await page.locator('[id="task-attendance-hint"]').innerText()).includes('attendance.csv'), 'the task list does not name the attendance file');
    const letters = (await page.locator('[id="task-documents-status"]').innerText()).trim();
    check(letters === '1 attached', `the documents task is "${letters}" with one letter attached`);
  });
  await step('check your answers, then submit', async () => {
    check((await page.getByText('You have completed 8 of 8 tasks').count()) === 1, 'the task list is not 8 of 8 tasks complete');
    check((await page.getByText('Referral ready to check').count()) === 1, 'the task list does not say the referral is ready to check');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Check your answers' }).click()]);
    check((await page.locator('.govuk-error-summary').count()) === 0, `a complete referral still has problems: ${await errorText()}`);
    check((await j.h1()).includes(pupilName), `the check-answers heading is "${await j.h1()}"`);
    await j.audit('check-answers');
    await j.submit(page.getByRole('button', { name: 'Submit referral' }));
    if (j.pathname() !== `${referralPath()}/sent`) throw new Error(`submitting went to ${j.pathname()} (errors: ${await errorText()})`);
    const panel = page.locator('.govuk-panel--confirmation');
    check((await panel.count()) === 1, 'no confirmation panel after sending');
    check(/Your reference is\s*[A-Z0-9]{8}/.test(await panel.innerText()), `the panel shows no reference: ${await panel.innerText()}`);
    check((await page.getByRole('heading', { name: 'What happens next' }).count()) === 1, 'no "What happens next"');
    check((await page.locator('main').innerText()).includes('do not start again'), 'the page does not say the days do not start again');
    await j.audit('sent');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'See the referral' }).click()]);
    check(j.pathname() === referralPath(), `"See the referral" went to ${j.pathname()}`);
    check((await j.h1()) === `Referral for ${pupilName}`, `the referral page heading is "${await j.h1()}"`);
    check((await page.locator('main .govuk-tag').first().innerText()).trim() === 'New', 'the referral is not shown as New');
    await j.audit('submitted');
    // A submitted referral is no longer the school's to change.
    await j.goto(formPath);
    check(j.pathname() === referralPath(), `the form of a submitted referral opened at ${j.pathname()}`);
  });

  await step('a draft no longer needed is deleted through its confirmation page', async () => {
    await j.goto('/referrals');
    await j.submit(page.getByRole('button', { name: 'Start a new referral' }));
    const m = j.pathname().match(/^\/referrals\/([^/]+)\/form$/);
    check(m, `"Start a new referral" went to ${j.pathname()}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Delete this draft referral' }).click()]);
    check(j.pathname() === `/referrals/${m[1]}/delete`, `"Delete this draft referral" went to ${j.pathname()}`);
    check((await j.h1()) === 'Are you sure you want to delete the draft referral for an unnamed pupil?', `the confirmation asks "${await j.h1()}"`);
    await j.audit('delete-draft');
    await j.submit(page.getByRole('button', { name: 'Yes, delete this draft' }));
    check(j.pathname() === '/referrals', `deleting went to ${j.pathname()}`);
    const banner = page.locator('.govuk-notification-banner--success');
    check((await banner.count()) === 1 && (await banner.innerText()).includes('The draft referral has been deleted'), 'no success banner after deleting the draft');
    check((await page.locator(`main a[href="/referrals/${m[1]}"]`).count()) === 0, 'the deleted draft is still listed');
    await j.audit('draft-deleted');
    await j.goto(`/referrals/${m[1]}/form`, 404);
  });

  await step('sign out', () => j.signOut());
  await step('the coordinator sees it in the queue', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    await j.goto('/referrals?status=submitted');
    const link = page.locator('main table a', { hasText: pupilName });
    check((await link.count()) === 1, `"${pupilName}" is not in the queue of new referrals`);
    check((await link.getAttribute('href')) === referralPath(), `the queue links ${pupilName} to ${await link.getAttribute('href')}`);
    await Promise.all([page.waitForNavigation(), link.click()]);
    const main = await page.locator('main').innerText();
    check(main.includes('Checks against the policy'), 'no checks on the new referral');
    check(main.includes(`Year ${yearGroup} by age`), `the checks do not put the pupil in Year ${yearGroup} by age`);
    check(!/The school records .*, but the date of birth puts the pupil in/.test(main), `the year group entered (${yearGroup}) does not match the date of birth`);
    // A pupil in Year 7 or above at Wensum Valley Primary (4 to 11) is flagged, not failed.
    if (yearGroup > 6) {
      check((await page.locator('#phase-flag').count()) === 1, `a Year ${yearGroup} pupil at a primary school is not flagged`);
      check((await page.locator('#phase-flag').innerText()).includes("statutory age range is 4 to 11"), 'the phase flag does not give the school\'s age range');
      await j.audit('phase-flag');
    }
  });
  await step('coordinator signs out', () => j.signOut());
}

// Health professionals as an entry point (issue 14). The demo health professional tells the
// service about a child who cannot attend school: an NHS number with a wrong check digit first
// (its error), then a valid one, the school found by name; check, send, and the confirmation,
// whose next step is giving the medical evidence, which they do. The coordinator sees a
// health notification waiting for the school; the school completes its part (the health
// professional's evidence already in place) and sends it; the
// coordinator sees it as new, dated the day of the notification.
async function healthNotification(j, step) {
  const page = j.page;
  const child = { first: 'Sasha', last: 'Quill' };
  const childName = `${child.first} ${child.last}`;
  const born = { d: 3, m: 2, y: 2013 };
  const upn = upnWithCheckLetter('926200126015');
  const f = referralForm(j, null);
  const { byId, radio } = f;
  let id;
  let referred;
  const fillDateInput = async (name, { d, m, y }) => {
    await byId(`${name}-day`).fill(String(d));
    await byId(`${name}-month`).fill(String(m));
    await byId(`${name}-year`).fill(String(y));
  };

  await step('the health professional signs in and opens "Tell us about a child"', async () => {
    await j.signIn('health@demo.invalid');
    await Promise.all([page.waitForNavigation(), page.locator('main a[href="/notifications/new"]').first().click()]);
    check(j.pathname() === '/notifications/new', `"Tell us about a child" went to ${j.pathname()}`);
    check((await byId('notifier_name').inputValue()) === 'Dr Kim Shaw', "the form does not start with the account's name");
    await j.audit('notification-new');
  });
  await step('the school is found by its name and chosen from the matches', async () => {
    await byId('first_name').fill(child.first);
    await byId('last_name').fill(child.last);
    await fillDateInput('date_of_birth', born);
    await byId('nhs_number').fill('943 476 5918');
    await byId('postcode').fill('NR2 4TT');
    await byId('school').fill('Wensum');
    await j.submit(page.getByRole('button', { name: 'Find school' }));
    const choice = radio('school_urn', '121001');
    check((await choice.count()) === 1, 'searching "Wensum" does not offer school 121001');
    check((await byId('first_name').inputValue()) === child.first, 'finding the school lost what was typed');
    await j.audit('notification-school-found');
    await choice.check();
    await byId('condition').fill('Post-viral fatigue since September; cannot manage more than an hour of activity.');
    await byId('expected_weeks_absent').fill('8');
    await byId('parent_agreed').check();
    await byId('agreed_by').fill('Jo Quill');
    await fillDateInput('agreed_on', daysAgo(2));
    await byId('notifier_role').fill('Consultant paediatrician');
    await byId('notifier_organisation').fill('Norfolk and Norwich University Hospital');
  });
  await step('an NHS number failing its check digit is refused, what was typed kept', async () => {
    await j.submit(page.getByRole('button', { name: 'Continue' }));
    check(j.pathname() === '/notifications/new', `a bad NHS number went to ${j.pathname()}`);
    await j.checkErrorSummary(['nhs_number']);
    check((await byId('nhs_number-error').innerText()).includes('last digit should be'), 'the NHS number error does not say what is wrong');
    check((await byId('agreed_by').inputValue()) === 'Jo Quill', 'what was typed is not kept');
    await j.audit('notification-nhs-error');
    await j.checkErrorLinkFocus();
  });
  await step('check your answers, then send', async () => {
    // The demo allows the 999 test range.
    await byId('nhs_number').fill('999 000 0018');
    await j.submit(page.getByRole('button', { name: 'Continue' }));
    check((await j.h1()).startsWith('Check your answers'), `continuing went to "${await j.h1()}"`);
    const answers = await page.locator('main .govuk-summary-list').innerText();
    check(answers.includes(childName) && answers.includes('121001') && answers.includes('999 000 0018'), `the answers do not show the child, school and NHS number: ${answers}`);
    await j.audit('notification-check');
    await j.submit(page.getByRole('button', { name: 'Send' }));
    const m = j.pathname().match(/^\/notifications\/([^/]+)\/sent$/);
    check(m, `sending went to ${j.pathname()}`);
    id = m[1];
    check((await page.locator('.govuk-panel--confirmation').innerText()).includes('Health notification sent'), 'no confirmation panel');
    const next = page.getByRole('button', { name: 'Give your medical evidence' });
    check((await next.getAttribute('href')) === `/referrals/${id}/evidence/new`, 'the next step is not the evidence page');
    await j.audit('notification-sent');
  });
  await step('the health professional gives their evidence from the confirmation page', async () => {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Give your medical evidence' }).click()]);
    check(j.pathname() === `/referrals/${id}/evidence/new`, `"Give your medical evidence" went to ${j.pathname()}`);
    check((await j.h1()).includes(`Give medical evidence for ${childName}`), `the evidence form is "${await j.h1()}"`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mns-e2e-notified-'));
    tmpDirs.push(dir);
    const pdf = path.join(dir, 'clinic-letter-sasha.pdf');
    fs.copyFileSync(new URL('../crates/mns-domain/src/documents_fixtures/letter.pdf', import.meta.url), pdf);
    const seen = daysAgo(3);
    await page.check('#profession-paediatrician');
    await page.check('#registration_body');
    await page.fill('#registration_number', '1234567');
    await page.fill('#organisation_code', 'RM1');
    await page.fill('#organisation_name', 'Norfolk and Norwich University Hospital');
    await page.fill('#date_seen', String(seen.d));
    await page.fill('#date_seen-month', String(seen.m));
    await page.fill('#date_seen-year', String(seen.y));
    await page.check('#seen_in_person');
    await page.fill('#condition_and_treatment', 'Post-viral fatigue since September, managed with activity pacing. Cannot manage a school day.');
    await page.fill('#referrals_to_other_services', 'Norfolk and Suffolk ME/CFS service');
    await page.fill('#reintegration', 'Short sessions at home first, then a phased return.');
    await page.check('#document_kind');
    await page.setInputFiles('#document', pdf);
    await j.submit(page.locator('main form[enctype] button[type=submit]'));
    check((await j.h1()).startsWith(`Check your evidence for ${childName}`), `after the evidence form: "${await j.h1()}"`);
    await j.audit('notification-evidence-check');
    await j.submit(page.getByRole('button', { name: 'Confirm and send the evidence' }));
    check((await page.locator('main').innerText()).includes(`Evidence sent for ${childName}`), 'no "Evidence sent" banner');
    await j.audit('notification-evidence-sent');
  });
  await step('health professional signs out', () => j.signOut());

  await step('the coordinator sees a health notification waiting for the school', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    await j.goto('/referrals?status=awaiting_school');
    const row = page.locator('main table tbody tr', { hasText: childName });
    check((await row.count()) === 1, `${childName} is not in the queue waiting for the school`);
    const text = await row.innerText();
    check(text.includes('Health notification') && text.includes('Waiting for the school'), `the queue shows ${text}`);
    referred = (await row.locator('td').nth(3).innerText()).trim();
    await j.audit('queue-health-notification');
    await Promise.all([page.waitForNavigation(), row.locator('a').first().click()]);
    check((await page.locator('#health-notification').innerText()).includes('by Dr Kim Shaw'), 'the referral does not say who sent the notification');
    await j.audit('referral-health-notification');
  });
  await step('coordinator signs out', () => j.signOut());

  await step('the school opens "Complete the school\'s part"', async () => {
    await j.signIn('school@demo.invalid');
    await j.goto('/referrals');
    const link = page.locator(`main a[href="/referrals/${id}/form"]`);
    check((await link.innerText()).includes("Complete the school's part"), 'the school is not asked to complete its part');
    await j.audit('school-referrals-notified');
    await Promise.all([page.waitForNavigation(), link.click()]);
    f.path = `/referrals/${id}/form`;
    check(j.pathname() === f.path, `"Complete the school's part" went to ${j.pathname()}`);
    check((await j.h1()).includes(childName), `the task list is for "${await j.h1()}"`);
    check((await page.locator('#health-notification').count()) === 1, 'the task list does not say a health professional sent it');
    await j.audit('school-notified-task-list');
  });
  await step('about the pupil: the notification filled in the name and date of birth', async () => {
    await f.openSection('pupil');
    check((await byId('pupil.first_name').inputValue()) === child.first, 'the first name is not filled in');
    await byId('pupil.upn').fill(upn);
    await byId('pupil.home_address.line_1').fill('4 Notification Lane');
    await byId('pupil.home_address.town').fill('Norwich');
    await byId('pupil.ordinarily_resident').check();
    await radio('pupil.year_group', String(yearGroupByAge(born))).check();
    await byId('pupil.repeating_year_11_for_medical_reasons-no').check();
    await byId('pupil.pregnant-no').check();
    await f.saveSection('pupil');
  });
  await step("the school's part: school, checklist, consent, health need", async () => {
    for (const section of ['school', 'checklist', 'consent', 'healthNeed']) {
      await schoolSections[section](j, f);
    }
  });
  await step('the health professional\'s evidence is already in place', async () => {
    await f.openSection('evidence');
    const cards = page.locator('main .govuk-summary-card');
    check((await cards.count()) === 1, `the evidence list shows ${await cards.count()} pieces, not the health professional's one`);
    check((await cards.first().innerText()).includes('Dr Kim Shaw'), 'the evidence does not say the health professional gave it');
    await j.audit('school-notified-evidence');
    await f.byId('repeat_referral-no').check();
    await f.saveSection('evidence');
  });
  await step("the school's part: support meanwhile", () => schoolSections.support(j, f));
  await step('the attendance export, then send', async () => {
    await j.goto(`/referrals/${id}/attendance`);
    await page.setInputFiles('#attendance', attendanceExport(upn).csv);
    await j.submit(page.locator('main form[enctype] button[type=submit]'));
    check((await page.locator('table.app-herringbone tbody tr').count()) >= 6, 'the herringbone does not show six weeks');
    await j.goto(`/referrals/${id}/check-answers`);
    check((await page.locator('.govuk-error-summary').count()) === 0, `the completed referral still has problems: ${await f.errorText()}`);
    await j.audit('school-notified-check');
    await j.submit(page.getByRole('button', { name: 'Submit referral' }));
    if (j.pathname() !== `/referrals/${id}/sent`) throw new Error(`sending went to ${j.pathname()} (errors: ${await f.errorText()})`);
    await j.audit('school-notified-sent');
  });
  await step('school signs out', () => j.signOut());

  await step('the coordinator sees it new, dated the day of the notification', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    await j.goto('/referrals?status=submitted');
    const row = page.locator('main table tbody tr', { hasText: childName });
    check((await row.count()) === 1, `${childName} is not in the queue of new referrals`);
    check((await row.innerText()).includes('Health notification'), 'the referral no longer says it came from a health notification');
    const date = (await row.locator('td').nth(3).innerText()).trim();
    check(date === referred, `the referral date is ${date}, not the notification's ${referred}`);
    await j.audit('queue-notified-submitted');
  });
  await step('coordinator signs out again', () => j.signOut());

  // Without an account: the public form, then the coordinator's triage.
  await step('a health professional without an account uses the public form', async () => {
    await j.goto('/health-notification');
    check((await page.locator('main').innerText()).includes('You cannot attach documents here'), 'the public form does not say documents come afterwards');
    await j.audit('public-notification');
    await byId('first_name').fill('Rowan');
    await byId('last_name').fill('Public');
    await fillDateInput('date_of_birth', born);
    await byId('nhs_number').fill('999 000 0026');
    await byId('postcode').fill('NR2 4TT');
    await byId('school').fill('121001');
    await j.submit(page.getByRole('button', { name: 'Find school' }));
    await radio('school_urn', '121001').check();
    await byId('condition').fill('Recovering from surgery.');
    await byId('expected_weeks_absent').fill('4');
    await byId('parent_agreed').check();
    await byId('agreed_by').fill('Sam Public');
    await fillDateInput('agreed_on', daysAgo(1));
    await byId('notifier_name').fill('Pat Nurse');
    await byId('notifier_role').fill('School nurse');
    await byId('notifier_organisation').fill('Norfolk Community Health and Care');
    await byId('notifier_email').fill('pat.nurse@example.nhs.uk');
    await j.submit(page.getByRole('button', { name: 'Continue' }));
    check((await j.h1()).startsWith('Check your answers'), `continuing went to "${await j.h1()}" (errors: ${await f.errorText()})`);
    await j.submit(page.getByRole('button', { name: 'Send' }));
    check(j.pathname() === '/health-notification/sent', `sending went to ${j.pathname()}`);
    await j.audit('public-notification-sent');
  });
  await step('the coordinator closes it from the enquiries, with a reason', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    await j.goto('/enquiries');
    const link = page.locator('#health-notifications a', { hasText: 'Rowan Public' });
    check((await link.count()) === 1, 'the public notification is not on the enquiries page');
    await j.audit('enquiries-notifications');
    await Promise.all([page.waitForNavigation(), link.click()]);
    await j.audit('public-notification-triage');
    await j.submit(page.getByRole('button', { name: 'Close' }));
    await j.checkErrorSummary(['reason']);
    await j.audit('public-notification-close-error');
    await byId('reason').fill('The school has already referred the child.');
    await j.submit(page.getByRole('button', { name: 'Close' }));
    check(j.pathname() === '/enquiries', `closing went to ${j.pathname()}`);
    check((await page.locator('#health-notifications a', { hasText: 'Rowan Public' }).count()) === 0, 'the closed notification is still listed');
  });
  await step('coordinator signs out at the end', () => j.signOut());
}

// --- The SEND Local Offer directory ----------------------------------------------------------

// A family, not signed in: a filtered search, the shortlist, feedback on a service (its error
// first), the guided questions (with their errors), the printable and emailed shortlist, and the
// glossary. Leaves feedback that the Local Offer officer reads in localOfferEditAndApprove.
async function localOfferFamily(j, step) {
  const page = j.page;
  const main = page.locator('main');
  const results = main.locator('ul.app-results > li.app-result');
  const errorText = () =>
    page.locator('.govuk-error-summary').innerText({ timeout: 1000 }).then((t) => t.replace(/\s+/g, ' ')).catch(() => 'none');
  const banner = () => main.locator('.govuk-notification-banner--success');
  let service; // { name, href }

  await step('search page', async () => {
    await j.goto('/local-offer');
    check((await j.h1()).includes('Find support'), `the search page heading is "${await j.h1()}"`);
    await j.audit('search');
  });
  await step('search near NR2 within 5 miles for a 9-year-old with autism', async () => {
    await page.fill('#postcode', 'NR2');
    await page.selectOption('#distance', { label: '5 miles' });
    await page.fill('#age', '9');
    // The needs are one of the filters folded away below the Search button.
    await main.locator('summary', { hasText: 'Needs' }).click();
    await main.getByLabel('Autism', { exact: true }).check();
    await j.submit(main.getByRole('button', { name: 'Search', exact: true }));
    check(j.pathname() === '/local-offer', `searching went to ${j.pathname()}`);
    const q = new URL(page.url()).searchParams;
    check(q.get('postcode') === 'NR2' && q.get('distance') === '5' && q.get('age') === '9' && q.getAll('need').includes('autism'),
      `the search URL does not carry the filters: ${page.url()}`);
    check((await page.locator('.govuk-error-summary').count()) === 0, `the search has errors: ${await errorText()}`);
    const heading = (await page.locator('#results').innerText()).trim();
    check(heading.includes('services found near NR2'), `the results heading is "${heading}"`);
    const n = await results.count();
    check(n >= 1, 'no results');
    const facts = await results.evaluateAll((lis) => lis.map((li) => li.innerText));
    const without = facts.findIndex((t) => !t.includes('Distance:'));
    check(without === -1, `result ${without + 1} of ${n} shows no "Distance:"`);
    await j.audit('results-nr2');
  });
  await step('add the first result to the shortlist', async () => {
    const first = results.first();
    const link = first.locator('h3 a');
    service = { name: (await link.innerText()).trim(), href: await link.getAttribute('href') };
    check(/^\/local-offer\/services\/[^/]+$/.test(service.href), `the first result links to ${service.href}`);
    // Back to the same results: the same path and filters (empty ones may be dropped).
    const filters = (u) => [...new URL(u).searchParams].filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).sort().join('&');
    const before = page.url();
    await j.submit(first.getByRole('button', { name: /^Add to shortlist/ }));
    check(j.pathname() === '/local-offer' && filters(page.url()) === filters(before), `adding to the shortlist went to ${page.url()}, not back to ${before}`);
    check((await results.first().innerText()).includes('In your shortlist'), 'the first result does not say it is in the shortlist');
    shared.shortlisted = service;
  });
  await step('the service page', async () => {
    await Promise.all([page.waitForNavigation(), results.first().locator('h3 a').click()]);
    check(j.pathname() === service.href, `the result link went to ${j.pathname()}`);
    check((await j.h1()) === service.name, `the service page heading is "${await j.h1()}", expected "${service.name}"`);
    check((await main.getByRole('link', { name: 'your shortlist' }).count()) === 1, 'the service page does not say it is in the shortlist');
    await j.audit('service');
  });
  await step('empty feedback is refused', async () => {
    await j.submit(main.getByRole('button', { name: 'Send feedback' }));
    await j.checkErrorSummary(['comment']);
    check((await page.title()).startsWith('Error: '), `title "${await page.title()}" does not start with "Error: "`);
    await j.audit('feedback-empty-error');
    await j.checkErrorLinkFocus();
  });
  const comment = `Browser suite feedback ${Date.now()}: the Saturday session times look out of date.`;
  await step('feedback is sent', async () => {
    await page.fill('#comment', comment);
    await page.fill('#email', 'family@example.com');
    await j.submit(main.getByRole('button', { name: 'Send feedback' }));
    if (j.pathname() !== service.href) throw new Error(`sending feedback went to ${j.pathname()} (errors: ${await errorText()})`);
    check((await banner().count()) === 1, 'no success banner after sending feedback');
    check((await banner().innerText()).includes('Thank you'), 'the success banner does not thank the family');
    shared.feedback = { comment, service };
    await j.audit('feedback-sent');
  });

  // A failure here is recorded without ending the journey: the rest of it starts afresh.
  await step('guided: Continue with no age is refused', async () => {
    await j.goto('/local-offer/guided');
    check((await main.innerText()).includes('Question 1 of 4'), 'the guided search does not start at question 1 of 4');
    await j.audit('guided-age');
    await j.submit(main.getByRole('button', { name: 'Continue' }));
    const where = `${j.pathname()}${new URL(page.url()).search}`;
    check((await main.innerText()).includes('Question 1 of 4'), `Continue with no age went on to "${await j.h1()}" (${where}) instead of asking again with an error`);
    await j.checkErrorSummary(['age']);
    await j.audit('guided-age-error');
    await j.checkErrorLinkFocus();
  }).catch(async (err) => {
    fail(j.name, 'guided: Continue with no age is refused', err.message.split('\n')[0]);
    await page.screenshot({ path: path.join(SHOTS, `${j.name}-FAILED-guided-no-age.png`), fullPage: true }).catch(() => {});
  });
  await step('guided: Continue with no need chosen is refused', async () => {
    await j.goto('/local-offer/guided');
    await page.fill('#age', '9');
    await j.submit(main.getByRole('button', { name: 'Continue' }));
    check((await main.innerText()).includes('Question 2 of 4'), `after the age: ${await j.h1()}`);
    await j.audit('guided-need');
    await j.submit(main.getByRole('button', { name: 'Continue' }));
    check((await main.innerText()).includes('Question 2 of 4'), `Continue with no need chosen went on to "${await j.h1()}"`);
    await j.checkErrorSummary(['need']);
    check((await errorText()).includes('Select at least one'), `the need error is "${await errorText()}"`);
    await j.audit('guided-need-error');
    await j.checkErrorLinkFocus();
  });
  await step('guided: autism, then activities', async () => {
    await main.getByLabel('Autism', { exact: true }).check();
    await j.submit(main.getByRole('button', { name: 'Continue' }));
    check((await main.innerText()).includes('Question 3 of 4'), `after the need: ${await j.h1()}`);
    await j.audit('guided-category');
    await main.getByLabel('Activities, clubs and holidays', { exact: true }).check();
    await j.submit(main.getByRole('button', { name: 'Continue' }));
    check((await main.innerText()).includes('Question 4 of 4'), `after the kind of help: ${await j.h1()}`);
    await j.audit('guided-postcode');
  });
  await step('guided: an unknown postcode is refused', async () => {
    await page.fill('#postcode', 'ZZ9');
    await j.submit(main.getByRole('button', { name: 'Continue' }));
    check(j.pathname() === '/local-offer/guided', `postcode ZZ9 went to ${j.pathname()}`);
    await j.checkErrorSummary(['postcode']);
    check((await errorText()).includes('We do not know that postcode'), `the postcode error is "${await errorText()}"`);
    check((await page.inputValue('#postcode')) === 'ZZ9', 'what was typed is not kept');
    await j.audit('guided-postcode-error');
    await j.checkErrorLinkFocus();
  });
  await step('guided: NR2 lands on results', async () => {
    await page.fill('#postcode', 'NR2');
    await j.submit(main.getByRole('button', { name: 'Continue' }));
    check(j.pathname() === '/local-offer', `postcode NR2 went to ${j.pathname()}`);
    const q = new URL(page.url()).searchParams;
    check(q.get('age') === '9' && q.getAll('need').includes('autism') && q.getAll('category').includes('activities') && q.get('postcode') === 'NR2',
      `the guided answers are not all in the results URL: ${page.url()}`);
    check((await results.count()) >= 1, `the guided search found nothing: ${(await page.locator('#results').innerText().catch(() => 'no results heading')).trim()}`);
    // The same /local-offer as the search above, with other filters; a look, not another audit.
  });

  await step('the shortlist shows the service', async () => {
    await j.goto('/local-offer/shortlist');
    const link = main.getByRole('link', { name: service.name, exact: true });
    check((await link.count()) === 1, `"${service.name}" is not in the shortlist`);
    check((await link.getAttribute('href')) === service.href, `the shortlist links "${service.name}" to ${await link.getAttribute('href')}`);
    await j.audit('shortlist');
  });
  await step('the version to print', async () => {
    await Promise.all([page.waitForNavigation(), main.getByRole('link', { name: 'Show a version to print' }).click()]);
    check(new URL(page.url()).search === '?print=yes', `"Show a version to print" went to ${page.url()}`);
    check((await main.getByRole('link', { name: service.name, exact: true }).count()) === 1, 'the print version does not list the service');
    check((await main.getByRole('button').count()) === 0, 'the print version still has buttons');
    await j.audit('shortlist-print');
  });
  await step('emailing the shortlist to a bad address is refused', async () => {
    await j.goto('/local-offer/shortlist');
    await page.fill('#email', 'not-an-email-address');
    await j.submit(main.getByRole('button', { name: 'Send', exact: true }));
    await j.checkErrorSummary(['email']);
    await j.audit('shortlist-email-error');
    await j.checkErrorLinkFocus();
  });
  await step('the shortlist is emailed', async () => {
    await page.fill('#email', 'family@example.com');
    await j.submit(main.getByRole('button', { name: 'Send', exact: true }));
    if (j.pathname() !== '/local-offer/shortlist') throw new Error(`emailing went to ${j.pathname()} (errors: ${await errorText()})`);
    check((await banner().count()) === 1, `no success banner after emailing (errors: ${await errorText()})`);
    check((await banner().innerText()).includes('We have emailed your shortlist of 1 service'), `the banner says "${(await banner().innerText()).trim()}"`);
    await j.audit('shortlist-emailed');
  });
  // Searching as a family types: the word they mean, spelt wrong; another word for it; the
  // best match first; and taking a filter away again.
  const names = () => results.locator('h3 a').allInnerTexts();
  const searchFor = async (words) => {
    await j.goto('/local-offer');
    await page.fill('#q', words);
    await j.submit(main.getByRole('button', { name: 'Search', exact: true }));
    check(j.pathname() === '/local-offer', `searching for "${words}" went to ${j.pathname()}`);
  };
  await step('a search for "autism" puts services named for autism first', async () => {
    await searchFor('autism');
    const found = await names();
    check(found.length >= 1, 'a search for autism found nothing');
    check(/autis/i.test(found[0]), `the first result for "autism" is "${found[0]}"`);
    check((await main.innerText()).includes('Sorted most relevant first'), 'the results do not say they are sorted by relevance');
    await j.audit('search-relevance');
  });
  await step('a misspelt "autsim" is searched as "autism", and says so', async () => {
    const expected = await names();
    await searchFor('autsim');
    const text = await main.innerText();
    check(text.includes('No services matched ‘autsim’') && text.includes('autism’ instead'), 'the page does not say it searched for autism instead of autsim');
    const found = await names();
    check(found.length >= 1 && found[0] === expected[0], `"autsim" found "${found[0]}" first, "autism" found "${expected[0]}"`);
    await j.audit('search-misspelt');
  });
  await step('"ASD" finds the autism services', async () => {
    await searchFor('ASD');
    const found = await names();
    check(found.length >= 1 && found.some((n) => /autis/i.test(n)), `"ASD" found ${found.length} services, none named for autism: ${found.slice(0, 3).join('; ')}`);
  });
  await step('a filter is removed from the search', async () => {
    await j.goto('/local-offer?q=autism&age=9&free=yes');
    const applied = main.locator('#applied-filters li');
    check((await applied.count()) === 3, `the search shows ${await applied.count()} filters applied, not 3`);
    const before = await main.locator('#results').innerText();
    await Promise.all([page.waitForNavigation(), main.getByRole('link', { name: 'Remove Free services only' }).click()]);
    const q = new URL(page.url()).searchParams;
    check(q.get('q') === 'autism' && q.get('age') === '9' && !q.has('free'), `removing "Free services only" went to ${page.url()}`);
    check((await applied.count()) === 2, `after removing one filter the search shows ${await applied.count()}`);
    const after = await main.locator('#results').innerText();
    check(parseInt(after, 10) >= parseInt(before, 10), `removing a filter found fewer: "${before}" then "${after}"`);
    await j.audit('search-filter-removed');
  });
  await step('glossary', async () => {
    await j.goto('/local-offer/glossary');
    check((await main.innerText()).includes('SENDIASS'), 'the glossary does not explain SENDIASS');
    await j.audit('glossary');
  });
}

// A provider sends a change to one of their services (an age error first); the Local Offer
// officer sees it waiting, refuses to send it back without a reason, approves it, sees it
// published, restores the version before it, and reads the family's feedback.
async function localOfferEditAndApprove(j, step) {
  const page = j.page;
  const main = page.locator('main');
  const errorText = () =>
    page.locator('.govuk-error-summary').innerText({ timeout: 1000 }).then((t) => t.replace(/\s+/g, ' ')).catch(() => 'none');
  const banner = () => main.locator('.govuk-notification-banner--success');
  const appended = ' Test change from the browser suite.';
  let svc; // { id, name, editPath, publicPath }
  let before; // the published description
  let proposed; // the description sent for approval

  await step('provider signs in', () => j.signIn('provider@demo.invalid'));
  await step("provider's Local Offer entries", async () => {
    await j.goto('/local-offer/manage');
    check((await page.getByRole('heading', { name: 'Your services' }).count()) === 1, 'no "Your services" heading');
    check((await page.getByRole('heading', { name: 'Changes you have sent' }).count()) === 1, 'no "Changes you have sent" heading');
    const link = main.locator('table a').first();
    check((await link.count()) === 1, 'the provider has no services');
    const href = await link.getAttribute('href');
    const m = href.match(/^\/local-offer\/manage\/services\/([^/]+)$/);
    check(m, `the first service links to ${href}`);
    svc = { id: m[1], name: (await link.innerText()).trim(), editPath: href, publicPath: `/local-offer/services/${m[1]}` };
    await j.audit('manage-provider');
    await Promise.all([page.waitForNavigation(), link.click()]);
    check(j.pathname() === svc.editPath, `the service link went to ${j.pathname()}`);
    check((await j.h1()) === `Edit ${svc.name}`, `the edit page heading is "${await j.h1()}"`);
    await j.audit('edit');
  });
  let oldest;
  await step('an oldest age of 40 is refused', async () => {
    before = await page.inputValue('#description');
    proposed = `${before}${appended}`;
    oldest = await page.inputValue('#maximum_age');
    await page.fill('#description', proposed);
    await page.fill('#maximum_age', '40');
    await j.submit(main.getByRole('button', { name: 'Send changes for approval' }));
    check(j.pathname() === svc.editPath, `sending an oldest age of 40 went to ${j.pathname()}`);
    await j.checkErrorSummary(['maximum_age']);
    check((await page.inputValue('#description')) === proposed, 'the changed description is not kept after the error');
    await j.audit('edit-age-error');
    await j.checkErrorLinkFocus();
  });
  await step('the change is sent for approval', async () => {
    await page.fill('#maximum_age', oldest);
    await j.submit(main.getByRole('button', { name: 'Send changes for approval' }));
    if (j.pathname() !== '/local-offer/manage') throw new Error(`sending went to ${j.pathname()} (errors: ${await errorText()})`);
    check(new URL(page.url()).search === '?submitted=yes', `sending went to ${page.url()}`);
    check((await banner().count()) === 1, 'no success banner after sending the change');
    check((await main.locator('ul.govuk-list a', { hasText: svc.name }).count()) >= 1, `"Changes you have sent" does not list ${svc.name}`);
    await j.audit('manage-submitted');
    // Not published yet.
    const res = await page.request.get(j.url(svc.publicPath));
    check(!(await res.text()).includes('Test change from the browser suite'), 'the change is published before it is approved');
  });
  const newName = 'Browser Suite Sensory Swim';
  await step('the provider adds a new service, which waits for approval', async () => {
    await j.goto('/local-offer/manage');
    await Promise.all([page.waitForNavigation(), main.getByRole('button', { name: 'Add a service' }).click()]);
    check(j.pathname() === '/local-offer/manage/services/new', `"Add a service" went to ${j.pathname()}`);
    check((await j.h1()) === 'Add a service', `the new service page heading is "${await j.h1()}"`);
    await j.audit('new-service');
    const send = () => j.submit(main.getByRole('button', { name: 'Send the service for approval' }));
    await send();
    await j.checkErrorSummary(['name', 'description', 'free', 'local_offer']);
    await j.audit('new-service-errors');
    await j.checkErrorLinkFocus();
    await page.fill('#name', newName);
    await page.fill('#description', 'Quiet swimming sessions for autistic children.');
    await main.locator('#free').check();
    await main.locator('#local_offer-no').check();
    await page.fill('#place-0-name', 'Riverside Pool');
    await page.fill('#place-0-address_1', 'Marine Parade');
    await page.fill('#place-0-city', 'Great Yarmouth');
    await page.fill('#place-0-postal_code', 'NR30 2ER');
    await main.locator('#times-0-day-sat').check();
    await page.fill('#times-0-opens_at', '10:00');
    await page.fill('#times-0-closes_at', '11:30');
    await send();
    if (j.pathname() !== '/local-offer/manage') throw new Error(`sending the new service went to ${j.pathname()} (errors: ${await errorText()})`);
    check((await main.locator('ul.govuk-list a', { hasText: newName }).count()) === 1, `"Changes you have sent" does not list ${newName}`);
  });
  await step('provider signs out', () => j.signOut());

  await step('the Local Offer officer signs in with a one-time code', () => j.signIn('localoffer@demo.invalid', { expectCode: true }));
  let changePath;
  await step('changes waiting for approval', async () => {
    await j.goto('/local-offer/manage');
    check((await page.getByRole('heading', { name: 'Changes waiting for approval' }).count()) === 1, 'no "Changes waiting for approval" heading');
    const rows = main.locator('table tbody tr');
    check((await rows.count()) >= 2, `${await rows.count()} change(s) waiting, expected the demo's and the provider's`);
    await j.audit('manage-officer');
    // The edited service may have more than one change waiting: take the one with our text.
    const hrefs = await main.locator('table tbody tr a', { hasText: svc.name }).evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check(hrefs.length >= 1, `no change waiting for ${svc.name}`);
    for (const href of hrefs.reverse()) {
      const res = await page.request.get(j.url(href));
      if ((await res.text()).includes('Test change from the browser suite')) {
        changePath = href;
        break;
      }
    }
    check(changePath, `none of the ${hrefs.length} change(s) to ${svc.name} has the browser suite's text`);
  });
  await step('the import page names what is wrong with a file and imports nothing', async () => {
    await j.goto('/local-offer/manage');
    await Promise.all([page.waitForNavigation(), main.getByRole('link', { name: 'import services' }).click()]);
    check(j.pathname() === '/local-offer/manage/import', `"import services" went to ${j.pathname()}`);
    check((await j.h1()) === 'Import services', `the import page heading is "${await j.h1()}"`);
    await j.audit('import');
    await page.setInputFiles('#file', { name: 'nameless.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ id: '5c9b5cf4-2f3c-4b7e-9f0e-0d5a0c1e0003', organization_id: 'd9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610' })) });
    await j.submit(main.getByRole('button', { name: 'Import the file' }));
    await j.checkErrorSummary(['file']);
    check((await page.locator('.govuk-error-summary').innerText()).includes('name'), 'the problem does not name the missing name');
    await j.audit('import-error');
    await j.checkErrorLinkFocus();
  });
  await step('a new service waiting shows the whole entry', async () => {
    await j.goto('/local-offer/manage');
    const link = main.locator('table tbody tr a', { hasText: newName });
    check((await link.count()) === 1, `no new service ${newName} waiting`);
    await Promise.all([page.waitForNavigation(), link.click()]);
    check((await j.h1()) === `New service: ${newName}`, `the new service's page heading is "${await j.h1()}"`);
    const text = await main.innerText();
    check(text.includes('Quiet swimming sessions for autistic children.') && text.includes('Saturday'), 'the new entry does not show its description and days');
    await j.audit('change-new-service');
  });
  await step('the change shows what differs', async () => {
    await j.goto(changePath);
    const table = main.locator('table');
    check((await table.count()) === 1, 'no table of differences');
    const description = table.locator('tbody tr', { has: page.locator('th', { hasText: 'Description' }) });
    check((await description.count()) === 1, `the differences have no Description row: ${(await table.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
    check((await description.innerText()).includes('Test change from the browser suite'), 'the Description row does not show the appended text');
    await j.audit('change');
  });
  await step('sending it back without a reason is refused', async () => {
    await main.getByLabel('No, send it back').check();
    await j.submit(main.getByRole('button', { name: 'Save decision' }));
    check(j.pathname() === changePath, `sending back without a reason went to ${j.pathname()}`);
    await j.checkErrorSummary(['reason']);
    await j.audit('change-reason-error');
    await j.checkErrorLinkFocus();
  });
  await step('approve and publish', async () => {
    await main.getByLabel('Yes, approve and publish it').check();
    await j.submit(main.getByRole('button', { name: 'Save decision' }));
    if (j.pathname() !== '/local-offer/manage') throw new Error(`approving went to ${j.pathname()} (errors: ${await errorText()})`);
    check((await main.locator(`table a[href="${changePath}"]`).count()) === 0, 'the approved change is still waiting');
  });
  await step('the public page shows the new description', async () => {
    await j.goto(svc.publicPath);
    check((await j.h1()) === svc.name, `the service page heading is "${await j.h1()}"`);
    check((await main.innerText()).includes(proposed.trim()), 'the public page does not show the approved description');
    await j.audit('service-approved');
  });
  await step('history shows the new version; restore the one before', async () => {
    await j.goto(`${svc.editPath}/history`);
    const current = main.locator('h2', { hasText: '(published now)' });
    check((await current.count()) === 1, 'the history does not mark one version as published now');
    const n = Number((await current.innerText()).match(/Version (\d+)/)?.[1]);
    check(n >= 2, `the published version is "${(await current.innerText()).trim()}"`);
    check((await main.innerText()).includes('Test change from the browser suite'), 'the history does not show the approved change');
    await j.audit('history');
    const restore = main.getByRole('button', { name: `Restore version ${n - 1}`, exact: true });
    check((await restore.count()) === 1, `no "Restore version ${n - 1}" button`);
    await j.submit(restore);
    check(j.pathname() === `${svc.editPath}/history`, `restoring went to ${j.pathname()}`);
    const now = (await main.locator('h2', { hasText: '(published now)' }).innerText()).trim();
    check(now.startsWith(`Version ${n + 1}`), `after restoring, the published version is "${now}", expected version ${n + 1}`);
    await j.audit('history-restored');
  });
  await step('the public page shows the old description again', async () => {
    await j.goto(svc.publicPath);
    const text = await main.innerText();
    check(!text.includes('Test change from the browser suite'), 'the public page still shows the change after restoring');
    check(text.includes(before.trim()), 'the public page does not show the old description');
  });
  await step("the family's feedback, marked as read", async () => {
    check(shared.feedback, 'no feedback was left by localOfferFamily');
    await j.goto('/local-offer/manage/feedback');
    const item = main.locator('.app-result', { hasText: shared.feedback.comment });
    check((await item.count()) === 1, "the family's feedback is not listed");
    check((await item.getByRole('link', { name: shared.feedback.service.name }).count()) === 1, 'the feedback does not name its service');
    check((await item.locator('.govuk-tag', { hasText: 'New' }).count()) === 1, 'the feedback is not marked New');
    await j.audit('feedback');
    await j.submit(item.getByRole('button', { name: /^Mark as read/ }));
    check(j.pathname() === '/local-offer/manage/feedback', `"Mark as read" went to ${j.pathname()}`);
    const after = main.locator('.app-result', { hasText: shared.feedback.comment });
    check((await after.count()) === 1, 'the feedback is gone after marking it read');
    check((await after.locator('.govuk-tag', { hasText: 'New' }).count()) === 0, 'the feedback is still New after marking it read');
    check((await after.getByRole('button', { name: /^Mark as read/ }).count()) === 0, 'the feedback still has "Mark as read"');
  });
  await step('officer signs out', () => j.signOut());
}

// Health professionals give medical evidence (issue 14). The demo's health professional opens
// "Evidence requests", finds Noah's referral (from Yare Bank, waiting for evidence), first sends
// a GMC number and an ODS code in the wrong format (the page names both and keeps what was
// typed), then gives the evidence properly with a clinic letter, checks it and sends it. The
// coordinator then sees the referral no longer waiting, with the evidence and who gave it; the
// emails name no child.
async function healthEvidence(j, step) {
  const page = j.page;
  let formPath;
  await step('the health professional signs in', () => j.signIn('health@demo.invalid'));
  await step('evidence requests list the waiting referral', async () => {
    const nav = page.locator('.govuk-service-navigation, header, nav').getByRole('link', { name: 'Evidence requests' });
    check((await nav.count()) >= 1, 'no "Evidence requests" in the navigation');
    await j.goto('/evidence');
    check((await j.h1()) === 'Evidence requests', `the list's heading is "${await j.h1()}"`);
    const link = page.locator('#requests a', { hasText: 'Give evidence' }).filter({ hasText: 'Noah' });
    check((await link.count()) === 1, 'Noah\'s referral is not listed as waiting for evidence');
    const row = (await page.locator('#requests tbody tr', { hasText: 'Noah' }).innerText());
    check(/Yare Bank/.test(row), `the row does not name the school: ${row}`);
    await j.audit('evidence-requests');
    formPath = await link.getAttribute('href');
    await Promise.all([page.waitForNavigation(), link.click()]);
    check(j.pathname() === formPath, `"Give evidence" went to ${j.pathname()}`);
    check((await j.h1()).includes('Give medical evidence for Noah'), `the form's heading is "${await j.h1()}"`);
    await j.audit('evidence-form');
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mns-e2e-evidence-'));
  tmpDirs.push(dir);
  const pdf = path.join(dir, 'clinic-letter-noah.pdf');
  fs.copyFileSync(new URL('../crates/mns-domain/src/documents_fixtures/letter.pdf', import.meta.url), pdf);
  const today = new Date();
  const fill = async (gmc, ods) => {
    await page.check('#profession-paediatrician');
    await page.check('#registration_body');
    await page.fill('#registration_number', gmc);
    await page.fill('#organisation_code', ods);
    await page.fill('#organisation_name', 'Norfolk and Norwich University Hospitals');
    await page.fill('#date_seen', String(today.getDate()));
    await page.fill('#date_seen-month', String(today.getMonth() + 1));
    await page.fill('#date_seen-year', String(today.getFullYear()));
    await page.check('#seen_in_person');
    await page.fill('#condition_and_treatment', 'Crohn\'s disease, treated with infliximab every 8 weeks. Fatigue keeps him from full school days.');
    await page.fill('#referrals_to_other_services', 'Paediatric dietitian');
    await page.check('#document_kind');
    await page.setInputFiles('#document', pdf);
    await j.submit(page.locator('main form[enctype] button[type=submit]'));
  };
  await step('a GMC number and an ODS code in the wrong format are named', async () => {
    await fill('12345', 'R-MY');
    check(j.pathname() === `${formPath.replace(/\/new$/, '')}`, `the bad form went to ${j.pathname()}`);
    await j.checkErrorSummary(['registration_number', 'organisation_code', 'document']);
    const text = await page.locator('main').innerText();
    check(text.includes('A GMC reference number is 7 digits'), 'the GMC number\'s problem is not named');
    check(text.includes('An ODS code contains only letters and numbers'), 'the ODS code\'s problem is not named');
    check(text.includes('Choose the document again'), 'the page does not say the file must be chosen again');
    check((await page.inputValue('#organisation_name')) === 'Norfolk and Norwich University Hospitals', 'what was typed is not kept');
    await j.audit('evidence-errors');
    await j.checkErrorLinkFocus();
  });
  await step('the evidence is checked, then sent', async () => {
    await fill('1234567', 'RMY');
    check((await j.h1()).startsWith('Check your evidence for Noah'), `after the form: "${await j.h1()}"`);
    const answers = await page.locator('#answers').innerText();
    check(answers.includes('(GMC 1234567), organisation RMY'), 'the check page does not say who is giving it');
    check(answers.includes('clinic-letter-noah.pdf'), 'the check page does not name the document');
    await j.audit('evidence-check');
    await j.submit(page.getByRole('button', { name: 'Confirm and send the evidence' }));
    check(j.pathname() === '/evidence', `after sending went to ${j.pathname()}`);
    const text = await page.locator('main').innerText();
    check(text.includes('Evidence sent for Noah'), 'no "Evidence sent" banner');
    check(/We have told .* and Yare Bank/.test(text), 'the banner does not say who was told');
    check((await page.locator('#requests a', { hasText: 'Noah' }).count()) === 0, 'Noah\'s referral still waits for evidence');
    await j.audit('evidence-sent');
  });
  await step('the emails name no child', async () => {
    const deadline = Date.now() + 15_000;
    let mails = [];
    while (Date.now() < deadline && mails.length < 2) {
      mails = outboxEmails().filter((m) => /Medical evidence has been given/.test(m.subject));
      if (mails.length < 2) await sleep(250);
    }
    check(mails.some((m) => m.to.includes('school2@demo.invalid')), 'the school was not emailed');
    check(mails.length >= 2, 'the coordinator was not emailed');
    for (const m of mails) check(!/Noah|Ellis/.test(m.subject + m.body), 'an email names the child');
  });
  await step('health professional signs out', () => j.signOut());
  await step('the coordinator sees the evidence and the referral no longer waiting', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    const referral = formPath.replace(/\/evidence\/new$/, '');
    await j.goto(referral);
    const text = await page.locator('main').innerText();
    check(!/waiting for evidence for \d+ days/.test(text), 'the referral still shows days waiting for evidence');
    check(text.includes('Given by Dr Kim Shaw'), 'the evidence does not say who gave it');
    check(text.includes('(GMC 1234567), organisation RMY'), 'the evidence does not give the registration and ODS code');
    check(text.includes('The medical evidence arrived'), 'the history does not say the evidence arrived');
    check((await page.getByRole('link', { name: 'clinic-letter-noah.pdf' }).count()) === 1, 'the letter is not among the documents');
    await j.audit('coordinator-referral');
  });
  await step('sign out', () => j.signOut());
}

// Early identification (issue 16). The demo imports this school year's attendance for schools
// 121002 and 121003, with a pupil file naming pupils the service has no record of. The
// coordinator finds "Attendance alerts" from the home page, reads the triage list (priority
// tags, most urgent first), filters it by rule and by school, opens an alert and records what
// they did (nothing chosen, then "No action" with no reason, each an error first); opens an
// assessment from an alert of a pupil the service has no record of (the names come from the
// pupil file; errors first), records its outcome (a referral made with none chosen first) and
// reads the pupil's new record. The school sees only its own pupils' alerts, tells the service
// what it is doing (an error first), and cannot open another school's alert or the assessment
// form; the auditor sees no alerts at all.
async function earlyIdentification(j, step) {
  const page = j.page;
  const fillDate = async (name, d) => {
    await page.locator(`#${name}-day`).fill(String(d.getDate()));
    await page.locator(`#${name}-month`).fill(String(d.getMonth() + 1));
    await page.locator(`#${name}-year`).fill(String(d.getFullYear()));
  };
  const follow = (name) => Promise.all([page.waitForNavigation(), page.getByRole('link', { name, exact: true }).first().click()]);
  const h1Is = async (want) => check((await j.h1()) === want, `expected the page "${want}", got "${await j.h1()}"`);
  const banner = async (words) => {
    const b = page.locator('.govuk-notification-banner--success[role=alert]');
    check((await b.count()) === 1, `no success banner on ${j.pathname()}`);
    const text = await b.innerText();
    check(text.includes(words), `the banner says "${text.replace(/\s+/g, ' ')}", not "${words}"`);
  };
  const errorsSay = async (fields, messages) => {
    await j.checkErrorSummary(fields);
    check((await page.title()).startsWith('Error: '), `the title "${await page.title()}" does not start with "Error: "`);
    const text = await page.locator('.govuk-error-summary').innerText();
    for (const m of messages) check(text.includes(m), `the error summary does not say "${m}": ${text.replace(/\s+/g, ' ')}`);
    // Each message also shows by its field.
    for (const f of fields) {
      check((await page.locator(`#${f}-error`).count()) === 1, `no error message by the field ${f}`);
    }
  };
  const count = async () => {
    const text = (await page.locator('#alert-count').innerText()).trim();
    const m = text.match(/^(\d+) alerts?$/);
    check(m, `the count says "${text}"`);
    return Number(m[1]);
  };
  const rows = () => page.locator('#alerts tbody tr').evaluateAll((trs) => trs.map((tr) => {
    const td = [...tr.querySelectorAll('td')];
    const a = td[1]?.querySelector('a');
    return {
      tag: td[0]?.querySelector('strong.govuk-tag')?.textContent.trim() || '',
      pupil: a?.textContent.trim() || '',
      href: a?.getAttribute('href') || '',
      school: td[2]?.textContent.trim() || '',
      rule: td[3]?.textContent.trim() || '',
      status: td[5]?.textContent.trim() || '',
    };
  }));
  const applyFilters = () => j.submit(page.getByRole('button', { name: 'Apply filters' }));
  const menu = () => page.locator('nav[aria-label="Menu"]').getByRole('link', { name: 'Attendance alerts', exact: true });
  const nextCodeWindow = () => page.waitForTimeout((31 - (Math.floor(Date.now() / 1000) % 30)) * 1000);
  const rank = { Urgent: 0, Soon: 1, Routine: 2 };
  // The not-found page has the same title wherever it shows, and the school journey audits it
  // in full; here axe alone checks it (a full audit would fail as a duplicate title).
  const axeOnly = async (what) => {
    const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    check(axe.violations.length === 0, `axe on ${what}: ${axe.violations.map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`).join('; ')}`);
  };
  // The assessment's outcome as its summary list shows it (not by id: #outcome belongs to the form).
  const outcomeRow = () => page.locator('#assessment .govuk-summary-list__row', { has: page.locator('dt', { hasText: /^Outcome$/ }) }).locator('dd');
  const isName = (s) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(s);
  let known = []; // the names of pupils the service has a record of
  let all = []; // the coordinator's open alerts
  let decidedHref; // the alert decided with "Contacted the school"
  let unknown; // the alert of a pupil the service has no record of
  let assessmentPath;

  await step('coordinator finds the alerts from the home page', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    check((await menu().count()) === 1, 'no "Attendance alerts" in the navigation');
    const card = page.locator('main h2 a[href="/alerts"]');
    check((await card.count()) === 1, 'no "Attendance alerts" card on the home page');
    check((await card.innerText()).trim() === 'Attendance alerts', `the card says "${await card.innerText()}"`);
    await j.goto('/pupils');
    known = (await j.pupilRows()).map((p) => p.name);
    check(known.includes('Noah Ellis'), 'the demo pupil Noah Ellis is not in the coordinator\'s pupils');
    await j.goto('/home');
    await Promise.all([page.waitForNavigation(), card.click()]);
    check(j.pathname() === '/alerts', `the card went to ${j.pathname()}`);
  });
  await step('the triage list: priorities, most urgent first, pupils from the pupil file', async () => {
    await h1Is('Attendance alerts');
    check((await page.locator('nav[aria-label="Menu"] .govuk-service-navigation__item--active').innerText()).trim() === 'Attendance alerts', 'the menu does not show "Attendance alerts" as the current page');
    for (const id of ['status', 'priority', 'rule', 'school']) {
      check((await page.locator(`label[for="${id}"]`).count()) === 1, `the filter #${id} has no label`);
    }
    check((await page.locator('#status').inputValue()) === 'open', 'the list does not start with open alerts');
    all = await rows();
    const total = await count();
    check(all.length > 0, 'the demo has no alerts');
    check(total === all.length || (all.length === 50 && total > 50), `the count says ${total} but the page lists ${all.length}`);
    for (const r of all) {
      check(r.tag in rank, `the row for ${r.pupil} has the priority tag "${r.tag}"`);
      check(/^\/alerts\/[^/]+$/.test(r.href), `the row for ${r.pupil} links to ${r.href}`);
      check(/\((121002|121003)\)$/.test(r.school), `an alert at "${r.school}", not a demo school with attendance`);
      check(r.status === 'Open', `the open list shows ${r.pupil}'s alert as ${r.status}`);
    }
    for (let i = 1; i < all.length; i++) {
      check(rank[all[i - 1].tag] <= rank[all[i].tag], `"${all[i].tag}" (${all[i].pupil}) is listed after "${all[i - 1].tag}" (${all[i - 1].pupil}): not most urgent first`);
    }
    // Pupils the service has no record of are named by the county's pupil file.
    const fromFile = all.filter((r) => isName(r.pupil) && !known.includes(r.pupil));
    check(fromFile.some((r) => r.school.endsWith('(121002)')) && fromFile.some((r) => r.school.endsWith('(121003)')), `no pupil named by the pupil file at each school: ${all.map((r) => r.pupil).join(', ')}`);
    const byUpn = all.filter((r) => !isName(r.pupil));
    if (byUpn.length) warnings.push({ page: '/alerts', message: `${byUpn.length} alerts name the pupil by UPN only (${byUpn.slice(0, 3).map((r) => r.pupil).join(', ')}…), pupils the service may have a record of` });
    const at121003 = all.find((r) => r.school.endsWith('(121003)'));
    check(at121003, 'no alert at school 121003');
    shared.alert121003 = at121003;
    await j.audit('alerts');
  });
  await step('filter by rule, then by school', async () => {
    const before = await count();
    check(all.some((r) => !r.rule.includes('EI-RUN')), 'every alert is EI-RUN: the filter would show nothing');
    await page.selectOption('#rule', { label: 'Off ill for days in a row (EI-RUN)' });
    await applyFilters();
    check(new URL(page.url()).searchParams.get('rule') === 'EI-RUN', `the rule is not in the URL: ${page.url()}`);
    check((await page.locator('#rule').inputValue()) === 'EI-RUN', 'the rule filter is not kept selected');
    const run = await rows();
    check(run.length > 0, 'no EI-RUN alerts');
    check(run.every((r) => r.rule.startsWith('Off ill for days in a row') && r.rule.endsWith('EI-RUN')), `the rule filter shows ${[...new Set(run.map((r) => r.rule))].join(', ')}`);
    const after = await count();
    check(after === run.length && after < before, `the count went from ${before} to ${after} for ${run.length} rows`);
    await j.audit('alerts-rule');
    await page.selectOption('#rule', { label: 'Any rule' });
    await page.fill('#school', '121003');
    await applyFilters();
    const there = await rows();
    check(there.length > 0 && there.every((r) => r.school.endsWith('(121003)')), `the school filter shows ${[...new Set(there.map((r) => r.school))].join(', ')}`);
    check(there.length === all.filter((r) => r.school.endsWith('(121003)')).length, 'the school filter does not show all the school\'s alerts');
    check((await page.locator('#school').inputValue()) === '121003', 'the school filter is not kept');
  });
  // An alert at 121003, so that school 121002's alerts stay open for the school.
  const target = () => shared.alert121003;
  await step('an alert: deciding with nothing chosen is refused', async () => {
    const t = target();
    decidedHref = t.href;
    await j.goto(t.href);
    check((await page.locator('.govuk-caption-l').innerText()).trim() === t.pupil, `the alert is not ${t.pupil}'s`);
    check((await page.locator('#why').innerText()).trim() !== '', 'the alert does not say why');
    check((await page.locator('#figures').innerText()).includes('UPN'), 'the alert shows no figures');
    check((await page.locator('#history').innerText()).includes('Alert opened by the attendance import'), 'the history does not say the import opened it');
    check((await page.getByRole('group', { name: 'What did you do?' }).count()) === 1, 'no "What did you do?" question');
    check((await page.getByLabel('Notes', { exact: true }).count()) === 1, 'no Notes field');
    check((await page.getByRole('button', { name: 'Open an assessment' }).getAttribute('href')) === `${t.href}/assessment`, 'no "Open an assessment" button');
    await j.audit('alert');
    await j.submit(page.getByRole('button', { name: 'Record and decide' }));
    check(j.pathname() === t.href, `an empty decision went to ${j.pathname()}`);
    await errorsSay(['action'], ['Select what you did']);
    await j.audit('alert-errors');
    await j.checkErrorLinkFocus();
  });
  await step('"No action" needs a reason; "Contacted the school" decides the alert', async () => {
    await page.getByLabel('No action', { exact: true }).check();
    await j.submit(page.getByRole('button', { name: 'Record and decide' }));
    await errorsSay(['reason'], ['Enter why no action is needed']);
    check(await page.getByLabel('No action', { exact: true }).isChecked(), 'the answer chosen is not kept');
    await j.audit('alert-no-action-error');
    await page.getByLabel('Contacted the school', { exact: true }).check();
    await page.fill('#reason', 'Spoke to the attendance officer, who will call the family this week.');
    await j.submit(page.getByRole('button', { name: 'Record and decide' }));
    check(j.pathname() === '/alerts' && new URL(page.url()).searchParams.get('done') === '1', `deciding went to ${page.url()}`);
    await banner('What you did was recorded and the alert is decided');
    check(!(await rows()).some((r) => r.href === decidedHref), 'the decided alert is still in the open list');
    check((await count()) === all.length - 1, `the open list counts ${await count()}, expected ${all.length - 1}`);
    await j.audit('alerts-decided');
    await page.selectOption('#status', { label: 'Decided' });
    await applyFilters();
    const decided = (await rows()).find((r) => r.href === decidedHref);
    check(decided && decided.status.startsWith('Decided'), 'the alert is not in the decided list');
    await j.goto(decidedHref);
    const history = await page.locator('#history').innerText();
    check(history.includes('Contacted the school (by you)') && history.includes('call the family this week'), `the history does not show the decision: ${history.replace(/\s+/g, ' ')}`);
  });
  await step('open an assessment for a pupil the service has no record of (errors first)', async () => {
    // One of school 121002's pupils from the pupil file, so that the school sees it too.
    unknown = all.find((r) => r.school.endsWith('(121002)') && isName(r.pupil) && !known.includes(r.pupil) && r.href !== decidedHref);
    check(unknown, 'no alert at 121002 for a pupil the service has no record of');
    check(!known.includes(unknown.pupil), `${unknown.pupil} already has a record`);
    await j.goto(unknown.href);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Open an assessment' }).click()]);
    check(j.pathname() === `${unknown.href}/assessment`, `"Open an assessment" went to ${j.pathname()}`);
    await h1Is('Open an assessment');
    check((await page.locator('main').innerText()).includes('The service has no record of this pupil yet'), 'the form does not say the service has no record of the pupil');
    const [given, family] = unknown.pupil.split(' ');
    check((await page.getByLabel('First name', { exact: true }).inputValue()) === given, `the first name is not ${given} from the pupil file`);
    check((await page.getByLabel('Last name', { exact: true }).inputValue()) === family, `the last name is not ${family} from the pupil file`);
    check((await page.locator('#date_of_birth-day').inputValue()) === '', 'the date of birth is filled in');
    await j.audit('assessment-new');
    await page.getByLabel('First name', { exact: true }).fill('');
    await j.submit(page.getByRole('button', { name: 'Open the assessment' }));
    check(j.pathname() === `${unknown.href}/assessment`, `an empty assessment went to ${j.pathname()}`);
    await errorsSay(['given_name', 'date_of_birth', 'concern', 'advice'], [
      "Enter the pupil's first name",
      "Enter the pupil's date of birth",
      'Enter the concern',
      'Enter the advice and strategies agreed',
    ]);
    check((await page.getByLabel('Last name', { exact: true }).inputValue()) === family, 'the last name typed is not kept');
    await j.audit('assessment-new-errors');
    await j.checkErrorLinkFocus();
  });
  await step('an action with nobody to do it, and a review date in the past, are refused', async () => {
    const [given] = unknown.pupil.split(' ');
    await page.getByLabel('First name', { exact: true }).fill(given);
    const born = new Date();
    born.setFullYear(born.getFullYear() - 12);
    born.setMonth(2, 14);
    await fillDate('date_of_birth', born);
    await page.getByLabel('The concern', { exact: true }).fill('Off ill for the last six school days, with no word from the family.');
    await page.getByLabel('Advice and strategies agreed', { exact: true }).fill('Work sent home each day; the school nurse to call the family.');
    await page.locator('#action_0').fill('Send work home and call the family');
    const past = new Date(Date.now() - 7 * 86_400_000);
    await fillDate('review_date', past);
    await j.submit(page.getByRole('button', { name: 'Open the assessment' }));
    await errorsSay(['owner_0', 'review_date'], ['Select who will do action 1', 'The review date must be today or in the future']);
    check((await page.locator('#action_0').inputValue()) === 'Send work home and call the family', 'the action typed is not kept');
    await j.audit('assessment-new-owner-error');
  });
  await step('the assessment is opened, with its banner', async () => {
    await page.locator('fieldset', { hasText: 'Action 1' }).getByLabel('The school', { exact: true }).check();
    const review = new Date(Date.now() + 14 * 86_400_000);
    await fillDate('review_date', review);
    await j.submit(page.getByRole('button', { name: 'Open the assessment' }));
    check(/^\/assessments\/[^/]+$/.test(j.pathname()), `opening went to ${j.pathname()}: ${await page.locator('.govuk-error-summary').innerText().catch(() => '')}`);
    check(new URL(page.url()).searchParams.get('done') === 'opened', `no done=opened in ${page.url()}`);
    assessmentPath = j.pathname();
    await banner('The assessment has been opened');
    await h1Is('Assessment');
    const summary = await page.locator('#assessment').innerText();
    check(summary.includes('Off ill for the last six school days'), 'the assessment does not show the concern');
    check(summary.includes('the school nurse to call the family'), 'the assessment does not show the advice');
    check(summary.includes(review.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })), `the review date is not shown: ${summary.replace(/\s+/g, ' ')}`);
    check((await page.locator('#assessment a', { hasText: 'an attendance alert' }).getAttribute('href')) === unknown.href, 'the assessment does not link its alert');
    const action = page.locator('#actions tbody tr');
    check((await action.count()) === 1, `the assessment lists ${await action.count()} actions`);
    check((await action.innerText()).includes('The school'), 'the action is not the school\'s');
    check((await outcomeRow().innerText()).trim() === 'Not recorded yet', 'the outcome is already recorded');
    check((await page.locator('.govuk-back-link').innerText()).trim() === unknown.pupil, `the back link is not the pupil's name`);
    await j.audit('assessment');
  });
  await step('record the outcome: nothing chosen, and "Referral made" with no referral, are refused', async () => {
    await j.submit(page.getByRole('button', { name: 'Record the outcome' }));
    check(j.pathname() === `${assessmentPath}/outcome`, `an empty outcome went to ${j.pathname()}`);
    await errorsSay([], ['Select the outcome']);
    const href = await page.locator('.govuk-error-summary a').first().getAttribute('href');
    const target = await page.evaluate((id) => document.getElementById(id)?.tagName.toLowerCase(), href.slice(1));
    check(target === 'input', `the error link ${href} goes to a <${target}>, not the outcome's first radio`);
    await j.audit('assessment-outcome-empty');
    await page.getByLabel('Referral made', { exact: true }).check();
    await j.submit(page.getByRole('button', { name: 'Record the outcome' }));
    await errorsSay(['referral_id'], ['Select the referral that was made']);
    check(await page.getByLabel('Referral made', { exact: true }).isChecked(), 'the outcome chosen is not kept');
    check((await page.locator('#referral_id option').count()) === 1, 'a pupil new to the service has referrals to choose from');
    await j.audit('assessment-outcome-error');
    await j.checkErrorLinkFocus();
  });
  await step('resolved: no referral needed', async () => {
    await page.getByLabel('Resolved: no referral needed', { exact: true }).check();
    await page.fill('#note', 'Back in school; the school keeps an eye on attendance.');
    await j.submit(page.getByRole('button', { name: 'Record the outcome' }));
    check(j.pathname() === assessmentPath && new URL(page.url()).searchParams.get('done') === 'outcome', `recording went to ${page.url()}`);
    await banner('The outcome has been recorded');
    const outcome = await outcomeRow().innerText();
    check(outcome.includes('Resolved: no referral needed') && outcome.includes('keeps an eye on attendance'), `the outcome says "${outcome}"`);
    check((await page.getByRole('button', { name: 'Record the outcome' }).count()) === 0, 'the outcome can be recorded again');
    await j.audit('assessment-resolved');
  });
  await step("the pupil's new record shows the assessment and the alerts", async () => {
    await follow(unknown.pupil);
    check(/^\/pupils\/[^/]+$/.test(j.pathname()), `the back link went to ${j.pathname()}`);
    await h1Is(unknown.pupil);
    const assessments = page.locator('#assessments + ul');
    check((await page.getByRole('heading', { name: 'Assessments with the school' }).count()) === 1, 'no "Assessments with the school"');
    check((await assessments.locator(`a[href="${assessmentPath}"]`).count()) === 1, 'the pupil page does not link the assessment');
    check((await assessments.innerText()).includes('Resolved: no referral needed'), 'the pupil page does not show the outcome');
    check((await page.getByRole('heading', { name: 'Attendance alerts' }).count()) === 1, 'no "Attendance alerts" on the pupil page');
    const alerts = page.locator('#attendance-alerts + ul');
    const line = alerts.locator('li', { has: page.locator(`a[href="${unknown.href}"]`) });
    check((await line.count()) === 1, "the pupil page does not link the alert");
    check((await line.innerText()).includes('Decided'), `the alert is not decided by the assessment: ${await line.innerText()}`);
    await j.audit('pupil-assessed');
    await j.goto(unknown.href);
    check((await page.locator('#history').innerText()).includes('(by you)'), 'the alert\'s history does not show the assessment opened');
    await j.goto('/pupils');
    check((await j.pupilRows()).some((p) => p.name === unknown.pupil), `${unknown.pupil} is not in the pupils list`);
    await j.signOut();
  });
  await step("the school sees its own pupils' alerts", async () => {
    await j.signIn('school2@demo.invalid');
    check((await menu().count()) === 1, 'no "Attendance alerts" in the school\'s navigation');
    await Promise.all([page.waitForNavigation(), menu().click()]);
    await h1Is("Pupils we've asked you about");
    check((await page.locator('#school').count()) === 0, 'the school has a School URN filter');
    check((await page.getByRole('button', { name: 'Apply filters' }).count()) === 1, 'the school has no filters');
    const own = await rows();
    check(own.length > 0, 'the school sees no alerts');
    check(own.every((r) => r.school.endsWith('(121002)')), `the school sees alerts at ${[...new Set(own.map((r) => r.school))].join(', ')}`);
    check(own.length === all.filter((r) => r.school.endsWith('(121002)') && r.href !== unknown.href).length, `the school sees ${own.length} open alerts`);
    check(!own.some((r) => r.href === unknown.href), 'the alert decided by the assessment is still open for the school');
    await j.audit('school-alerts');
    await Promise.all([page.waitForNavigation(), page.locator(`#alerts a[href="${own[0].href}"]`).click()]);
    check(j.pathname() === own[0].href, `the alert link went to ${j.pathname()}`);
    check((await page.getByRole('button', { name: 'Record and decide' }).count()) === 0, 'the school can decide the alert');
    check((await page.getByRole('button', { name: 'Open an assessment' }).count()) === 0, 'the school can open an assessment');
    check((await page.getByLabel('Tell us what the school is doing').count()) === 1, 'no "Tell us what the school is doing"');
    await j.audit('school-alert');
    await j.submit(page.getByRole('button', { name: 'Send to the Medical Needs Service' }));
    check(j.pathname() === own[0].href, `an empty answer went to ${j.pathname()}`);
    await errorsSay(['response'], ['Enter what the school is doing']);
    await j.audit('school-alert-error');
    await j.checkErrorLinkFocus();
    await page.getByLabel('Tell us what the school is doing').fill('We met the family on Monday and are sending work home while they are unwell.');
    await j.submit(page.getByRole('button', { name: 'Send to the Medical Needs Service' }));
    check(j.pathname() === own[0].href && new URL(page.url()).searchParams.get('done') === 'told', `answering went to ${page.url()}`);
    await banner('Thank you');
    const history = await page.locator('#history').innerText();
    check(history.includes('The school said what it is doing') && history.includes('We met the family on Monday'), `the history does not keep the answer: ${history.replace(/\s+/g, ' ')}`);
    check((await page.locator('main p.govuk-body').first().innerText()).includes('Open'), 'the school\'s answer decided the alert');
    await j.audit('school-alert-told');
  });
  await step("the school cannot open another school's alert, nor an assessment", async () => {
    const other = shared.alert121003;
    check(other, 'no alert at 121003 to try');
    await j.goto(other.href, 404);
    check(!(await page.locator('main').innerText()).includes(other.pupil), `the 404 page names ${other.pupil}`);
    await axeOnly("another school's alert (not found)");
    const res = await page.goto(j.url(`${unknown.href}/assessment`));
    check([403, 404].includes(res.status()), `the school opening an assessment form got ${res.status()}`);
    await j.signOut();
  });
  await step('the auditor sees no alerts', async () => {
    await nextCodeWindow();
    await j.signIn('auditor@demo.invalid', { expectCode: true });
    check((await menu().count()) === 0, '"Attendance alerts" is in the auditor\'s navigation');
    check((await page.locator('main a[href="/alerts"]').count()) === 0, 'the auditor\'s home page links the alerts');
    // Refused as not found, like any page outside the role.
    await j.goto('/alerts', 404);
    check((await page.locator('#alerts').count()) === 0, 'the auditor sees the alerts table');
    check((await j.h1()) === 'Page not found', `the auditor's /alerts is "${await j.h1()}"`);
    await axeOnly("the auditor's /alerts (not found)");
    await j.goto(shared.alert121003.href, 404);
    check(!(await page.locator('main').innerText()).includes(shared.alert121003.pupil), 'the auditor sees the alert');
    await j.signOut();
  });
}

// Signing in through OpenID Connect (issue 15), against e2e/oidc-mock.mjs. The coordinator sends
// each person a link to connect a sign-in account (the council's Entra ID for the caseworker,
// DfE Sign-in for a school, GOV.UK One Login for a parent); each opens the emailed link, signs in
// at the provider and lands on their home page, signs out (through the provider's end-session
// page back to "You have signed out") and, the caseworker, signs in again with the button alone.
// The refusals: a school user whose DfE organisation is another school, and a One Login user who
// was never connected. Last, the coordinator sees the parent's connected account.
async function oidcSignIn(j, step) {
  const control = shared.oidc.control;
  const ctl = async (method, p, body) => {
    const res = await fetch(`${control}${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    check(res.ok, `OIDC mock ${method} ${p} answered ${res.status}`);
    return res;
  };
  const ctlJson = async (method, p, body) => (await ctl(method, p, body)).json();
  const setUser = (issuer, claims) => ctl('PUT', `/user/${issuer}`, claims);
  const org = (urn) => ({
    id: urn === '121001' ? 'org-1' : 'org-2',
    name: urn === '121001' ? 'Wensum Valley Primary School' : 'Another Primary School',
    urn,
    category: { id: '001', name: 'Establishment' },
  });
  const people = {
    entra: { email: 'caseworker@demo.invalid', name: 'Sam Patel', label: 'Sign in with your council account', account: 'council Microsoft account' },
    dfe: { email: 'school@demo.invalid', name: 'Jo Turner', label: 'Sign in with DfE Sign-in', account: 'DfE Sign-in' },
    onelogin: { email: 'parent@demo.invalid', name: 'Pat Green', label: 'Sign in with GOV.UK One Login', account: 'GOV.UK One Login' },
  };
  const accountPaths = {};
  const links = {};

  // The link the coordinator sent to `email` for `provider`, newest first.
  const emailedLink = async (provider, email) => {
    const re = new RegExp(`https?://\\S+/sign-in/oidc/${provider}\\?link=[0-9a-f]{64}`);
    const deadline = Date.now() + 15_000;
    let mail;
    while (Date.now() < deadline && !mail) {
      mail = outboxEmails().reverse().find((m) => m.to.includes(email) && re.test(m.body));
      if (!mail) await sleep(250);
    }
    check(mail, `no email with a ${provider} sign-in link reached ${email}`);
    return new URL(mail.body.match(re)[0]);
  };
  // Signed in and on /home as `name`.
  const checkHome = async (name) => {
    check(j.pathname() === '/home', `expected /home, got ${j.pathname()} ("${await j.h1()}")`);
    const bar = await j.page.locator('.app-account-bar').innerText().catch(() => '');
    check(bar.includes(`Signed in as ${name}`), `the header does not name ${name}: "${bar.replace(/\s+/g, ' ')}"`);
  };
  // A button on /sign-in, through the provider and back.
  const clickProvider = async (label, until) => {
    await j.goto('/sign-in');
    const button = j.page.locator('main a.govuk-button', { hasText: label });
    check((await button.count()) === 1, `no "${label}" button on /sign-in`);
    await Promise.all([j.page.waitForURL(until, { waitUntil: 'load' }), button.click()]);
  };
  // Sign out through the provider: mns ends its session and answers with a "Signing you out"
  // page that moves on at once (a redirect from the form's POST to another site would break the
  // CSP's form-action) to the provider's end-session page, with the ID token as a hint, which
  // sends the browser back to "You have signed out"; /home is then gone.
  const signOutThroughProvider = async (issuer, slug) => {
    const before = await ctlJson('GET', `/stats/${issuer}`);
    await Promise.all([
      // The provider sends the browser back with its `state`: /signed-out?state=…
      j.page.waitForURL((u) => u.pathname === '/signed-out', { waitUntil: 'load', timeout: 15_000 }),
      j.page.locator('form[action="/sign-out"] button').click(),
    ]);
    const after = await ctlJson('GET', `/stats/${issuer}`);
    check(after.endsession && JSON.stringify(after.endsession) !== JSON.stringify(before.endsession),
      `the browser did not pass through ${issuer}'s end-session page`);
    check(after.endsession.id_token_hint, `mns sent no id_token_hint to ${issuer}'s end-session page`);
    check(new URL(after.endsession.post_logout_redirect_uri || '/', j.base).pathname === '/signed-out',
      `the end-session request comes back to ${after.endsession.post_logout_redirect_uri}, not /signed-out`);
    check((await j.h1()) === 'You have signed out', `after signing out the page says "${await j.h1()}"`);
    check((await j.page.locator('.app-account-bar').count()) === 0, 'the signed-out page still shows who is signed in');
    if (slug) await j.audit(slug);
    await j.goto('/home');
    check(j.pathname() === '/sign-in', `after signing out /home went to ${j.pathname()}`);
  };
  const refusal = async (code, heading) => {
    check((await j.h1()) === heading, `the refusal page says "${await j.h1()}", expected "${heading}"`);
    check((await j.page.locator('main').innerText()).includes('You have not been signed in.'), 'the refusal page does not say no one was signed in');
    const shown = (await j.page.locator('main code').first().textContent().catch(() => '')).trim();
    check(shown === code, `the refusal's reason is "${shown}", expected ${code}`);
    check((await j.page.locator('.app-account-bar').count()) === 0, 'the refusal page shows someone signed in');
  };

  await step('the sign-in page offers the three providers and the password form', async () => {
    await j.goto('/sign-in');
    for (const p of Object.values(people)) {
      check((await j.page.locator('main a.govuk-button', { hasText: p.label }).count()) === 1, `no "${p.label}" button`);
    }
    check((await j.page.getByRole('heading', { name: 'Or sign in with your email address and password' }).count()) === 1,
      'no heading above the password form');
    check((await j.page.locator('#email').count()) === 1 && (await j.page.locator('#password').count()) === 1, 'no password form');
  });
  await step('coordinator signs in', () => j.signIn('coordinator@demo.invalid', { expectCode: true }));
  await step('the coordinator finds each person\'s "Signing in" page', async () => {
    await j.goto('/users');
    for (const [provider, p] of Object.entries(people)) {
      const row = j.page.locator('main table tbody tr', { hasText: p.email });
      check((await row.count()) === 1, `no row for ${p.email} on /users`);
      accountPaths[provider] = await row.locator('a', { hasText: 'Signing in' }).getAttribute('href');
      check(/^\/users\/[^/]+\/account$/.test(accountPaths[provider] || ''), `odd "Signing in" link for ${p.email}: ${accountPaths[provider]}`);
    }
  });
  for (const [provider, p] of Object.entries(people)) {
    await step(`the coordinator sends ${p.name} a link to connect ${provider}`, async () => {
      await j.goto(accountPaths[provider]);
      check((await j.h1()) === `Signing in: ${p.name}`, `the page says "${await j.h1()}"`);
      check((await j.page.getByRole('heading', { name: 'Sign-in accounts' }).count()) === 1, 'no "Sign-in accounts" section');
      // Each demo role fits one provider: it is named, with no one-option radio list.
      const offered = await j.page.locator('input[name=provider]').evaluateAll((rs) => rs.map((r) => `${r.type}:${r.value}`));
      check(JSON.stringify(offered) === JSON.stringify([`hidden:${provider}`]),
        `the providers offered for ${p.name} are ${offered.join(', ') || 'none'}, expected only ${provider}`);
      check((await j.page.getByRole('heading', { name: `Connect a ${p.account}` }).count()) === 1, `no "Connect a ${p.account}" heading`);
      await j.audit(`account-${provider}`);
      await j.submit(j.page.getByRole('button', { name: 'Send the link' }));
      check(j.pathname() === accountPaths[provider], `after sending went to ${j.pathname()}`);
      const banner = await j.page.locator('.govuk-notification-banner--success').innerText().catch(() => '');
      check(banner.includes(`We have emailed ${p.email} a link to connect their sign-in account`),
        `no success banner (saw "${banner.replace(/\s+/g, ' ')}")`);
      await j.audit(`account-${provider}-link-sent`);
      links[provider] = await emailedLink(provider, p.email);
      check(links[provider].origin === new URL(j.base).origin, `the link points at ${links[provider].origin}, not ${j.base}`);
    });
  }
  await step('coordinator signs out', () => j.signOut());

  // The caseworker, through the council's Entra ID.
  await step('the caseworker opens the emailed link and is signed in', async () => {
    await setUser('entra', { sub: 'pairwise-sam', oid: 'oid-sam', tid: 'tenant-1', name: 'Sam Patel', email: 'caseworker@demo.invalid' });
    await j.goto(links.entra.pathname + links.entra.search);
    await checkHome('Sam Patel');
    await j.audit('caseworker-home');
  });
  await step('the caseworker signs out through Entra', () => signOutThroughProvider('entra', 'signed-out'));
  await step('the caseworker signs in again with the button', async () => {
    await clickProvider(people.entra.label, '**/home');
    await checkHome('Sam Patel');
  });
  await step('the caseworker signs out again', () => signOutThroughProvider('entra'));
  await step('the link does not work twice', async () => {
    const res = await j.page.goto(j.url(links.entra.pathname + links.entra.search), { waitUntil: 'load' });
    check(res.status() >= 400, `a used link answered ${res.status()} at ${j.pathname()}`);
    await refusal('link_not_usable', 'The link to connect your account does not work');
    await j.goto('/home');
    check(j.pathname() === '/sign-in', `after the used link /home went to ${j.pathname()}`);
  });

  // The school user, through DfE Sign-in.
  await step('Jo Turner opens the emailed link and is signed in', async () => {
    await ctl('PUT', '/dfe-roles/dfe-jo', { organisation: 'org-1', roles: ['MNS_SCHOOL'] });
    await setUser('dfe', { sub: 'dfe-jo', email: 'school@demo.invalid', given_name: 'Jo', family_name: 'Turner', organisation: org('121001') });
    await j.goto(links.dfe.pathname + links.dfe.search);
    await checkHome('Jo Turner');
    await j.audit('school-home');
  });
  await step('Jo Turner signs out through DfE Sign-in', () => signOutThroughProvider('dfe'));
  await step('signing in for another school is refused', async () => {
    await ctl('PUT', '/dfe-roles/dfe-jo', { organisation: 'org-2', roles: ['MNS_SCHOOL'] });
    await setUser('dfe', { sub: 'dfe-jo', email: 'school@demo.invalid', given_name: 'Jo', family_name: 'Turner', organisation: org('121002') });
    await clickProvider(people.dfe.label, '**/sign-in/oidc/dfe/callback**');
    await refusal('other_school', 'Your organisation is not your account\'s school');
    await j.audit('refused-other-school');
    await j.goto('/home');
    check(j.pathname() === '/sign-in', `after the refusal /home went to ${j.pathname()}`);
  });

  // The parent, through GOV.UK One Login.
  await step('Pat Green opens the emailed link and is signed in', async () => {
    await setUser('onelogin', { sub: 'urn:fdc:gov.uk:2022:pat', email: 'parent@demo.invalid', email_verified: true });
    await j.goto(links.onelogin.pathname + links.onelogin.search);
    await checkHome('Pat Green');
    await j.audit('parent-home');
  });
  await step('Pat Green signs out through One Login', () => signOutThroughProvider('onelogin'));
  await step('a One Login account nobody connected is refused', async () => {
    await setUser('onelogin', { sub: 'urn:fdc:gov.uk:2022:stranger' });
    await clickProvider(people.onelogin.label, '**/sign-in/oidc/onelogin/callback**');
    await refusal('no_linked_account', 'Your account is not connected to this service yet');
    await j.audit('refused-not-connected');
    await j.goto('/home');
    check(j.pathname() === '/sign-in', `after the refusal /home went to ${j.pathname()}`);
  });

  // Back to the coordinator.
  await step('the coordinator sees the parent\'s connected account', async () => {
    await j.signIn('coordinator@demo.invalid', { expectCode: true });
    await j.goto(accountPaths.onelogin);
    const row = j.page.locator('main .govuk-summary-list__row', { hasText: people.onelogin.account });
    check((await row.count()) === 1, `"${people.onelogin.account}" is not listed under "Sign-in accounts"`);
    check(/Connected \d{1,2} [A-Z][a-z]+ \d{4}/.test(await row.innerText()), `the row says "${(await row.innerText()).replace(/\s+/g, ' ')}"`);
    check((await row.getByRole('link', { name: /Disconnect/ }).count()) === 1, 'no Disconnect link');
    check((await j.page.locator('input[name=provider]').count()) === 0, 'a connected provider is still offered');
    await j.audit('account-onelogin-connected');
  });
  await step('the coordinator disconnects it after a confirmation page', async () => {
    const row = j.page.locator('main .govuk-summary-list__row', { hasText: people.onelogin.account });
    await Promise.all([j.page.waitForNavigation(), row.getByRole('link', { name: /Disconnect/ }).click()]);
    check((await j.h1()) === `Disconnect ${people.onelogin.account} from Pat Green's account`, `the confirmation says "${await j.h1()}"`);
    await j.audit('account-onelogin-disconnect');
    await j.submit(j.page.getByRole('button', { name: 'Disconnect' }));
    check(j.pathname() === accountPaths.onelogin, `after disconnecting went to ${j.pathname()}`);
    check((await j.page.locator('main').innerText()).includes('None connected.'), 'the account is still listed');
  });
  await step('coordinator signs out', () => j.signOut());
}

// Events on the Local Offer (issue 19): the Local Offer officer publishes a workshop with one
// place (an empty form and a day in the past refused first); a parent finds it and books the
// place, and the email links to the booking; a second person joins the waiting list; the
// first cancels with their link while it is open in a second tab, where cancelling again
// changes nothing; the second now has the place; the calendar feed carries it; the officer
// marks attendance, downloads the list, and cancels the event with a reason.
async function localOfferEvents(j, step) {
  const page = j.page;
  const main = page.locator('main');
  const stamp = Date.now();
  const title = `Browser suite workshop ${stamp}`;
  const ana = `e2e-ana-${stamp}@example.com`;
  const ben = `e2e-ben-${stamp}@example.com`;
  const day = new Date(Date.now() + 9 * 86400_000);
  let managePath;
  let eventPath;
  let benPath;
  const fillEvent = async (when) => {
    await page.fill('#title', title);
    await main.getByLabel('Workshop or training', { exact: true }).check();
    await main.getByLabel('Everyone', { exact: true }).check();
    await page.fill('#description', 'Ideas for sensory play at home.\n\nWith the sensory support team.');
    await page.fill('#date-day', String(when.getDate()));
    await page.fill('#date-month', String(when.getMonth() + 1));
    await page.fill('#date-year', String(when.getFullYear()));
    await page.fill('#starts', '10am');
    await page.fill('#ends', '12:30');
    await main.getByLabel('In person', { exact: true }).check();
    await page.fill('#venue_name', 'The Forum');
    await page.fill('#address', 'Millennium Plain, Norwich');
    await page.fill('#postcode', 'NR2 1TF');
    await main.getByLabel('Step-free access', { exact: true }).check();
    await page.fill('#capacity', '1');
  };
  const mailTo = async (email, re) => {
    const deadline = Date.now() + 15_000;
    let mail;
    while (Date.now() < deadline && !mail) {
      mail = outboxEmails().reverse().find((m) => m.to.includes(email) && re.test(m.subject + m.body));
      if (!mail) await sleep(250);
    }
    check(mail, `no email matching ${re} reached ${email}`);
    return mail;
  };

  await step('the officer signs in and opens the events', async () => {
    await j.signIn('localoffer@demo.invalid', { expectCode: true });
    await j.goto('/local-offer/manage/events');
    check((await j.h1()) === 'Manage events', `the events heading is "${await j.h1()}"`);
    check((await main.locator('#upcoming tbody tr').count()) >= 4, 'the demo events are not listed');
    await j.audit('manage-events');
  });
  await step('an empty event is refused', async () => {
    await Promise.all([page.waitForNavigation(), main.getByRole('button', { name: 'Add an event' }).click()]);
    check(j.pathname() === '/local-offer/manage/events/new', `Add an event went to ${j.pathname()}`);
    await j.audit('new-event');
    await main.getByLabel('Online', { exact: true }).check();
    await j.submit(main.getByRole('button', { name: 'Publish the event' }));
    await j.checkErrorSummary(['title', 'kind', 'audience', 'description', 'date', 'starts', 'ends', 'joining', 'capacity']);
    check((await page.title()).startsWith('Error: '), 'the title does not start with "Error: "');
    await j.audit('new-event-errors');
    await j.checkErrorLinkFocus();
  });
  await step('an event in the past is refused, keeping what was typed', async () => {
    await fillEvent(new Date(Date.now() - 3 * 86400_000));
    await j.submit(main.getByRole('button', { name: 'Publish the event' }));
    await j.checkErrorSummary(['date']);
    check((await page.inputValue('#title')) === title, 'the title was not kept');
    check((await main.innerText()).includes('an event in the past cannot be booked'), 'the past date is not explained');
  });
  await step('the event is published', async () => {
    await fillEvent(day);
    await j.submit(main.getByRole('button', { name: 'Publish the event' }));
    managePath = j.pathname();
    check(/^\/local-offer\/manage\/events\/[^/]+$/.test(managePath), `publishing went to ${managePath}`);
    check((await main.locator('.govuk-notification-banner--success').innerText()).includes('published'), 'no success banner');
    check((await page.locator('#booked').innerText()).trim() === '0 of 1', 'the new event shows bookings');
    await j.audit('event-bookings-empty');
  });
  await step('sign out', () => j.signOut());

  await step('a parent finds the event', async () => {
    await j.goto('/local-offer/events');
    await j.audit('events');
    await page.fill('#postcode', 'NR2');
    await j.submit(main.getByRole('button', { name: 'Show events' }));
    check((await page.locator('#results-heading').innerText()).includes('near NR2'), 'the list is not by distance from NR2');
    const link = main.getByRole('link', { name: title });
    check((await link.count()) === 1, 'the new event is not listed');
    await Promise.all([page.waitForNavigation(), link.click()]);
    eventPath = j.pathname();
    check((await j.h1()) === title, `the event page heading is "${await j.h1()}"`);
    check((await page.locator('#availability').innerText()).includes('1 place left'), 'the event does not say 1 place is left');
    await j.audit('event');
  });
  await step('booking with nothing filled in is refused', async () => {
    await j.submit(main.getByRole('button', { name: 'Book a place' }));
    await j.checkErrorSummary(['name', 'email', 'attendee']);
    await j.audit('book-errors');
    await j.checkErrorLinkFocus();
  });
  let anaPath;
  await step('the parent books the place', async () => {
    await page.fill('#name', 'Ana Test');
    await page.fill('#email', ana);
    await main.getByLabel('Parent or carer', { exact: true }).check();
    await page.fill('#access_needs', 'A quiet space, please');
    await j.submit(main.getByRole('button', { name: 'Book a place' }));
    check(j.pathname().startsWith('/local-offer/events/bookings/'), `booking went to ${j.pathname()}`);
    check((await j.h1()) === 'Place booked', `the booking heading is "${await j.h1()}"`);
    await j.audit('booked');
  });
  await step('the confirmation email links to the booking and names nobody', async () => {
    const mail = await mailTo(ana, /Your place is booked/);
    check(!/Ana|quiet space/.test(mail.body), 'the confirmation email carries the booking\'s details');
    anaPath = new URL(mail.body.match(/https?:\/\/\S+\/local-offer\/events\/bookings\/[0-9a-f]+/)[0]).pathname;
  });
  await step('a second person joins the waiting list', async () => {
    await j.goto(eventPath);
    check((await page.locator('#availability').innerText()).includes('Fully booked'), 'the event does not say it is full');
    await page.fill('#name', 'Ben Test');
    await page.fill('#email', ben);
    await main.getByLabel('Professional', { exact: true }).check();
    await j.submit(main.getByRole('button', { name: 'Join the waiting list' }));
    benPath = j.pathname();
    check((await j.h1()) === 'You are on the waiting list', `the waiting heading is "${await j.h1()}"`);
    await j.audit('waiting');
  });
  await step('the first person cancels; the link used again in another tab changes nothing', async () => {
    await j.goto(anaPath);
    await j.audit('booking');
    const other = await page.context().newPage();
    await other.goto(j.url(anaPath), { waitUntil: 'load' });
    await j.submit(main.getByRole('button', { name: 'Cancel my place' }));
    check((await j.h1()) === 'Booking cancelled', `cancelling showed "${await j.h1()}"`);
    await j.audit('cancelled');
    await Promise.all([other.waitForNavigation({ waitUntil: 'load' }), other.locator('main').getByRole('button', { name: 'Cancel my place' }).click()]);
    const text = await other.locator('#already-cancelled').innerText().catch(() => '');
    await other.close();
    check(text.includes('already cancelled'), `the second cancel said "${text}"`);
  });
  await step('the waiting list moved up', async () => {
    await j.goto(benPath);
    check((await page.locator('#status').innerText()).trim() === 'Place booked', 'the second person has no place');
    await mailTo(ben, /You have a place at an event/);
  });
  await step('the calendar feed carries the event', async () => {
    const res = await page.request.get(j.url('/local-offer/events.ics'));
    check(res.headers()['content-type'].startsWith('text/calendar'), `the feed is ${res.headers()['content-type']}`);
    check((await res.text()).includes(`SUMMARY:${title}`), 'the feed does not carry the event');
  });

  await step('the officer marks attendance and downloads the list', async () => {
    await j.signIn('localoffer@demo.invalid', { expectCode: true });
    await j.goto(managePath);
    const rows = await main.locator('#confirmed tbody tr').allInnerTexts();
    check(rows.length === 1 && rows[0].includes('Ben Test'), `the places booked are ${JSON.stringify(rows)}`);
    await main.locator('#confirmed select').first().selectOption('yes');
    await j.submit(main.getByRole('button', { name: 'Save attendance' }));
    check((await main.locator('.govuk-notification-banner--success').innerText()).includes('Attendance is saved'), 'attendance was not saved');
    await j.audit('event-bookings');
    const csv = await page.request.get(j.url(`${managePath}/attendance.csv`));
    const body = await csv.text();
    check(csv.status() === 200 && body.includes('Ben Test') && !body.includes('Ana Test'), 'the download is not the list of places');
  });
  await step('the officer cancels the event with a reason', async () => {
    await Promise.all([page.waitForNavigation(), main.getByRole('link', { name: 'Cancel the event' }).click()]);
    await j.audit('cancel-event');
    await j.submit(main.getByRole('button', { name: 'Cancel the event' }));
    await j.checkErrorSummary(['reason']);
    await page.fill('#reason', 'The room is not available. We will set a new date.');
    await j.submit(main.getByRole('button', { name: 'Cancel the event' }));
    check(j.pathname() === '/local-offer/manage/events', `cancelling went to ${j.pathname()}`);
    await mailTo(ben, /An event you booked is cancelled/);
    await j.goto(eventPath);
    check((await main.innerText()).includes('This event is cancelled'), 'the public page does not say the event is cancelled');
  });
  const said = `Browser suite: the events page should say which events have a creche (${stamp}).`;
  await step('the officer records a comment made at the event', async () => {
    await j.goto('/local-offer/manage/feedback');
    await j.audit('feedback');
    await Promise.all([page.waitForNavigation(), main.getByRole('button', { name: 'Record a comment made in person' }).click()]);
    await j.audit('feedback-new');
    await main.getByLabel('At an event', { exact: true }).check();
    await j.submit(main.getByRole('button', { name: 'Record the comment' }));
    await j.checkErrorSummary(['event_id', 'comment']);
    const value = await page.locator('#event_id option', { hasText: title }).getAttribute('value');
    await page.selectOption('#event_id', value);
    await page.fill('#comment', said);
    await j.submit(main.getByRole('button', { name: 'Record the comment' }));
    check((await main.locator('.govuk-notification-banner--success').innerText()).includes('recorded'), 'no banner after recording');
  });
  await step('the officer publishes it with the council\'s answer', async () => {
    const item = main.locator('#feedback li', { hasText: said }).locator('h2 a');
    await Promise.all([page.waitForNavigation(), item.click()]);
    check((await j.h1()) === 'Moderate a comment', `the moderation page heading is "${await j.h1()}"`);
    await j.audit('moderate');
    await main.getByLabel('Publish it, with our answer', { exact: true }).check();
    await page.fill('#we_did', '');
    await j.submit(main.getByRole('button', { name: 'Save' }));
    await j.checkErrorSummary(['theme', 'we_did', 'action_status']);
    await j.audit('moderate-errors');
    await page.selectOption('#theme', 'communication');
    await page.fill('#you_said', 'The events page should say which events have a creche.');
    await page.fill('#we_did', `Each event now lists a creche under Access when there is one (${stamp}).`);
    await main.getByLabel('Done', { exact: true }).check();
    await j.submit(main.getByRole('button', { name: 'Save' }));
    check(j.pathname() === '/local-offer/manage/feedback', `saving went to ${j.pathname()}`);
  });
  await step('sign out', () => j.signOut());
  await step('You said, we did shows it', async () => {
    await j.goto('/local-offer/you-said-we-did');
    const text = await main.innerText();
    check(text.includes(`Each event now lists a creche under Access when there is one (${stamp}).`), 'the answer is not published');
    check(!text.includes(said), 'the comment\'s own words were published instead of the moderated wording');
    await j.audit('you-said-we-did');
  });
  await step('a family leaves feedback on the Local Offer', async () => {
    await Promise.all([page.waitForNavigation(), main.getByRole('link', { name: 'Tell us what you think' }).click()]);
    await j.audit('feedback-form');
    await j.submit(main.getByRole('button', { name: 'Send feedback' }));
    await j.checkErrorSummary(['comment']);
    await page.fill('#comment', 'Please add more events in the school holidays.');
    await j.submit(main.getByRole('button', { name: 'Send feedback' }));
    check((await j.h1()) === 'Thank you for your feedback', `after sending: "${await j.h1()}"`);
    await j.audit('feedback-sent');
  });
}

// Core Consultations (issue 19): a school asks for one (an empty form refused, then a child's
// name without a parent's agreement refused); the SEND team books it for today and records it
// (an empty record refused), pointing to a Local Offer service; the school evaluates it.
async function coreConsultations(j, step) {
  const page = j.page;
  const main = page.locator('main');
  const stamp = Date.now();
  const issues = `Browser suite: ideas for a pupil who finds group work hard (${stamp}).`;
  let consultationPath;
  const today = new Date();
  await step('the school asks for a consultation', async () => {
    await j.signIn('school@demo.invalid');
    await j.goto('/consultations');
    await j.audit('school-list');
    await Promise.all([page.waitForNavigation(), main.getByRole('button', { name: 'Ask for a consultation' }).click()]);
    await j.audit('ask');
    await j.submit(main.getByRole('button', { name: 'Send the request' }));
    await j.checkErrorSummary(['strand', 'issues']);
    await j.audit('ask-errors');
    await j.checkErrorLinkFocus();
    await main.getByLabel('Core Consultation', { exact: true }).check();
    await page.fill('#issues', issues);
    await page.fill('#child-0-reference', 'Child E');
    await page.fill('#child-0-year', 'Year 2');
    await page.fill('#child-0-concern', 'Leaves the group when others join in.');
    await page.fill('#child-0-name', 'Ruby Jones');
    await j.submit(main.getByRole('button', { name: 'Send the request' }));
    await j.checkErrorSummary(['child-0-name']);
    await page.fill('#child-0-name', '');
    await j.submit(main.getByRole('button', { name: 'Send the request' }));
    check(j.pathname() === '/consultations', `asking went to ${j.pathname()}`);
    check((await main.locator('.govuk-notification-banner--success').innerText()).includes('with the SEND team'), 'no confirmation');
  });
  await step('sign out', () => j.signOut());
  await step('the SEND team books it for today', async () => {
    await j.signIn('send@demo.invalid', { expectCode: true });
    await j.goto('/consultations');
    check((await page.locator('#by-strand').count()) === 1, 'the SEND team does not see the figures');
    await j.audit('team-list');
    const row = main.locator('#consultations tbody tr', { hasText: 'Wensum Valley' }).filter({ hasText: 'Waiting to be booked' }).first();
    await Promise.all([page.waitForNavigation(), row.locator('a').click()]);
    consultationPath = j.pathname();
    if (!(await main.innerText()).includes(issues)) {
      // Another waiting request of the school's: find this journey's.
      await j.goto('/consultations');
      const links = await main.locator('#consultations tbody tr a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const href of links) {
        await j.goto(href);
        if ((await main.innerText()).includes(issues)) { consultationPath = href; break; }
      }
    }
    check((await main.innerText()).includes(issues), 'the request is not on its page');
    await j.audit('consultation');
    await Promise.all([page.waitForNavigation(), main.getByRole('link', { name: 'Book it' }).click()]);
    await j.audit('schedule');
    await page.fill('#date-day', String(today.getDate()));
    await page.fill('#date-month', String(today.getMonth() + 1));
    await page.fill('#date-year', String(today.getFullYear()));
    await page.fill('#starts', '1:30pm');
    await j.submit(main.getByRole('button', { name: 'Book it and tell the school' }));
    await j.checkErrorSummary(['facilitators']);
    await main.getByLabel('Specialist learning support teacher', { exact: true }).check();
    await j.submit(main.getByRole('button', { name: 'Book it and tell the school' }));
    check(j.pathname() === consultationPath, `booking went to ${j.pathname()}`);
    check((await page.locator('#status').innerText()).trim() === 'Booked', 'the consultation is not booked');
  });
  await step('the SEND team records it', async () => {
    await Promise.all([page.waitForNavigation(), main.getByRole('link', { name: 'Record it' }).click()]);
    await j.audit('record');
    await j.submit(main.getByRole('button', { name: 'Save and ask the school to evaluate it' }));
    await j.checkErrorSummary(['attended', 'discussed', 'whole_school']);
    await j.audit('record-errors');
    await page.fill('#attended', 'SENCO, class teacher, specialist learning support teacher');
    await page.fill('#discussed', 'Group work and turn-taking');
    await page.fill('#child-0-recommendation', 'Start in pairs, then threes');
    const service = shared.shortlisted?.href || '';
    if (service) await page.fill('#signposted', j.url(service));
    await j.submit(main.getByRole('button', { name: 'Save and ask the school to evaluate it' }));
    check(j.pathname() === consultationPath, `recording went to ${j.pathname()}: ${await main.locator('.govuk-error-summary').innerText().catch(() => '')}`);
    check((await main.innerText()).includes('Start in pairs, then threes'), 'the recommendation is not shown');
    await j.audit('consultation-held');
  });
  await step('the SEND team reads the sufficiency table and chart, and a bad return is refused', async () => {
    await j.goto('/sufficiency');
    check((await page.locator('#years tbody tr').count()) === 6, 'the table does not give this year and the next five');
    check((await page.locator('svg#sufficiency-chart, svg[aria-labelledby^="sufficiency-chart"]').count()) === 1, 'no chart');
    check((await page.locator('#sufficiency tbody tr').count()) > 10, 'the need × district × phase table is short');
    await j.audit('sufficiency');
    await main.getByLabel('Specialist places (columns provider, kind, need, phase, district, places)', { exact: true }).check();
    await page.fill('#as_at-day', '1');
    await page.fill('#as_at-month', '11');
    await page.fill('#as_at-year', '2026');
    await page.setInputFiles('#file', {
      name: 'scap.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('provider,kind,need,phase,district,places\nNew school,special_school,ADHD,primary,Norwich,-2\n'),
    });
    await j.submit(main.getByRole('button', { name: 'Bring it in' }));
    await j.checkErrorSummary(['file']);
    const text = await page.locator('.govuk-error-summary').innerText();
    check(text.includes("'ADHD' is not a primary need") && text.includes("'-2' places"), `the refusal says: ${text}`);
    await j.audit('sufficiency-bad-return');
  });
  await step('sign out', () => j.signOut());
  await step('the school evaluates it', async () => {
    await j.signIn('school@demo.invalid');
    await j.goto(consultationPath);
    await Promise.all([page.waitForNavigation(), main.getByRole('button', { name: 'Tell us how useful it was' }).click()]);
    await j.audit('evaluation');
    await j.submit(main.getByRole('button', { name: 'Send' }));
    await j.checkErrorSummary(['useful', 'confident', 'recommend']);
    await page.locator('#useful-5').check();
    await page.locator('#confident-4').check();
    await page.locator('#recommend-yes').check();
    await j.submit(main.getByRole('button', { name: 'Send' }));
    check(j.pathname() === consultationPath, `evaluating went to ${j.pathname()}`);
    check((await page.locator('#evaluation').innerText()).includes('5 out of 5'), 'the evaluation is not shown');
  });
  await step('sign out', () => j.signOut());
}

async function main() {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  let context;
  try {
    shared.oidc = await startMock();
    log(`OIDC mock at ${shared.oidc.control}`);
    mock.on('exit', (code, sig) => {
      if (!stopping) fail('oidc-mock', 'oidc-mock', `the OIDC mock exited during the run (code ${code}, signal ${sig})`);
    });
    const { base, dataDir } = await startServer(oidcEnv(shared.oidc));
    shared.dataDir = dataDir;
    log(`mns demo at ${base} (${BIN})`);
    server.on('exit', (code, sig) => {
      if (!stopping) fail('server', 'server', `mns exited during the run (code ${code}, signal ${sig})`);
    });
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mns-e2e-chromium-'));
    tmpDirs.push(profile);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: BROWSER,
      headless: true,
      viewport: DESKTOP,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    for (const p of context.pages()) await p.close();
    await runJourney(context, base, 'anonymous', anonymous);
    await runJourney(context, base, 'coordinator', coordinator);
    await runJourney(context, base, 'school', school);
    await runJourney(context, base, 'parent', parent);
    await runJourney(context, base, 'desk', desk);
    await runJourney(context, base, 'parent-email', parentEmail);
    await runJourney(context, base, 'clock', clock);
    await runJourney(context, base, 'school-referral', schoolReferral);
    await runJourney(context, base, 'local-offer-family', localOfferFamily);
    await runJourney(context, base, 'local-offer-edit', localOfferEditAndApprove);
    await runJourney(context, base, 'local-offer-events', localOfferEvents);
    await runJourney(context, base, 'core-consultations', coreConsultations);
    await runJourney(context, base, 'cases', cases);
    await runJourney(context, base, 'child-access', childAccess);
    await runJourney(context, base, 'account-recovery', accountRecovery);
    await runJourney(context, base, 'health-evidence', healthEvidence);
    await runJourney(context, base, 'health-notification', healthNotification);
    await runJourney(context, base, 'early-identification', earlyIdentification);
    await runJourney(context, base, 'oidc-sign-in', oidcSignIn);
  } catch (err) {
    fail('setup', 'setup', err.message);
  } finally {
    if (context) await context.close().catch(() => {});
    stopping = true;
    stopServer();
    stopMock();
  }
  if (results.failed) {
    const tail = serverLog.split('\n').slice(-30).join('\n');
    log(`\nlast lines of the server log:\n${tail}`);
    if (mockLog.trim()) log(`\nlast lines of the OIDC mock's log:\n${mockLog.split('\n').slice(-20).join('\n')}`);
  }
  summary();
  if (!KEEP) for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  else log(`kept: ${tmpDirs.join(' ')}`);
  process.exitCode = results.failed ? 1 : 0;
}

let stopping = false;
process.on('exit', () => {
  stopServer();
  stopMock();
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    stopServer();
    stopMock();
    process.exit(130);
  });
}

await main();
