// The dashboard in a real browser: headless Chromium (Debian's package,
// installed by scripts/setup.sh) driven by puppeteer-core against
// wrangler dev. Every request the browser makes is checked: anything not to
// the Worker on loopback is aborted and fails the test, and so does any
// console error, page error, failed request or response >= 400 the test did
// not provoke itself (assertClean). axe-core is injected
// by the test (it is not served), and our own scanner scans the page through
// SCAN_HOST_OVERRIDES (guard on) via a loopback proxy that plays the edge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';
import { Worker, listen, projectPath, root } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM_PATH || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
// Screenshots go to docs/ when asked (UPDATE_SCREENSHOTS=1), else to a temp dir.
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs') : join(tmpdir(), 'dashboard-shots');
mkdirSync(SHOTS, { recursive: true });

const ORG = randomUUID();
const PROJECT = 'production-website';
const DASH_HOST = 'dash.example.com';
// The site the tests scan: a page with a few problems, so there are findings to triage.
const SITE = `<!DOCTYPE html><html><head><title>Shop</title></head><body><img src="/a.png"><a href="/x"></a><form><input type="text"></form></body></html>`;
// The grouped-view test scans these in their own project: the missing alt
// text is on all three pages, the other problems of SITE on two, so the
// rules affect different numbers of URLs.
const GROUP_PROJECT = 'shop-pages';
const PAGES = {
  '/p/1': SITE,
  '/p/2': SITE,
  '/p/3': `<!DOCTYPE html><html lang="en"><head><title>Gallery</title></head><body><main><h1>Gallery</h1><img src="/b.png"></main></body></html>`,
};

let w, rw, ro, browser, proxy;
const offOrigin = [];

before(async () => {
  // The scanner's connections all land here (SCAN_HOST_OVERRIDES=*=this):
  // the dashboard's host goes to the Worker itself, every other host gets
  // the shop page. Like Cloudflare's "Always Use HTTPS" edge setting, plain
  // http:// requests to the dashboard's host are redirected to https://.
  proxy = createServer((req, res) => {
    const host = (req.headers['x-forwarded-host'] ?? '').replace(/:\d+$/, '');
    if (host !== DASH_HOST) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(req.method === 'HEAD' ? undefined : PAGES[req.url] ?? SITE);
    }
    if (req.headers['x-forwarded-proto'] === 'http') {
      res.writeHead(301, { location: `https://${DASH_HOST}${req.url}` });
      return res.end();
    }
    const up = httpRequest({ host: '127.0.0.1', port: w.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${w.port}` } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  const proxyPort = await listen(proxy);
  w = await new Worker().start({ vars: { SCAN_HOST_OVERRIDES: `*=127.0.0.1:${proxyPort}` } });
  [rw, ro] = w.createKeys([{ org: ORG, scopes: 'audit:read audit:write' }, { org: ORG, scopes: 'audit:read' }]);
  w.sql(`UPDATE api_keys SET name = 'writer' WHERE id = '${rw.id}'; UPDATE api_keys SET name = 'reader' WHERE id = '${ro.id}';`);
  const r = await w.api('POST', `${projectPath(ORG, PROJECT)}/scans/run`, { key: rw, body: { url: 'https://shop.example.com/' } });
  assert.equal(r.status, 202);
  await w.waitForScan(ORG, PROJECT, r.json.data.id, rw);
  assert.ok(CHROMIUM, 'chromium is not installed (scripts/setup.sh installs it)');
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'],
  });
});

after(async () => {
  await browser?.close();
  await w?.stop();
  proxy?.close();
});

/**
 * A page that may talk only to the Worker; anything else is aborted and
 * recorded. Everything that goes wrong in it is recorded too (page.problems,
 * checked by assertClean): console errors, page errors, failed requests and
 * responses >= 400, except what the test provokes on purpose: the faked 429,
 * the aborted off-origin requests (offOrigin fails them on its own) and the
 * responses it announces with page.expect(status, url => bool) before
 * provoking them.
 */
async function newPage({ width = 1280, dark = false } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 900 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: dark ? 'dark' : 'light' }]);
  await page.setRequestInterception(true);
  // The requests whose failure the test made: each excuses one console
  // "Failed to load resource" error for its URL, nothing else.
  const deliberate = new Set();
  const expected = [];
  const consoleErrors = [];
  page.problems = [];
  page.expect = (status, match) => expected.push({ status, match });
  page.on('request', (req) => {
    if (page.fake429 && req.url().includes('/command-center')) {
      page.fake429 = false;
      deliberate.add(req);
      return req.respond({ status: 429, headers: { 'retry-after': '17', 'content-type': 'application/json' }, body: JSON.stringify({ error: 'Rate limit exceeded', retry_after: 17 }) });
    }
    const u = new URL(req.url());
    if (u.protocol === 'blob:' || u.protocol === 'data:' || u.origin === w.base) return req.continue();
    offOrigin.push(req.url());
    deliberate.add(req);
    req.abort();
  });
  page.on('response', (res) => {
    const req = res.request();
    if (res.status() < 400 || deliberate.has(req)) return;
    if (expected.some((e) => e.status === res.status() && e.match(res.url()))) return deliberate.add(req);
    page.problems.push(`response ${res.status()} ${req.method()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    if (!deliberate.has(req)) page.problems.push(`request failed (${req.failure()?.errorText}): ${req.method()} ${req.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push({ text: msg.text(), url: msg.location()?.url ?? '' });
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e}`));
  // The console errors left once each deliberate failure has excused its own.
  page.consoleErrors = () => {
    const excused = [...deliberate].map((r) => r.url());
    return consoleErrors.filter(({ text, url }) => {
      const i = /^Failed to load resource/.test(text) ? excused.indexOf(url) : -1;
      if (i < 0) return true;
      excused.splice(i, 1);
      return false;
    }).map(({ text, url }) => `console error: ${text}${url ? ` (${url})` : ''}`);
  };
  return page;
}

/** Nothing went wrong in the page so far that the test did not provoke. */
function assertClean(page, label) {
  assert.deepEqual([...page.problems, ...page.consoleErrors()], [], `console errors, page errors or failed requests (${label})`);
}

const url = (q = '', project = PROJECT) => `${w.base}/dashboard/orgs/${ORG}/projects/${project}${q}`;
const text = (page, sel) => page.$eval(sel, (e) => e.textContent.trim());
const waitText = (page, sel, re) =>
  page.waitForFunction((s, src) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ''), { timeout: 20_000 }, sel, re.source);

/** Signs in with the keyboard only: the field has focus, type, Enter. */
async function signIn(page, key, q = '', project = PROJECT, findings = '#findings-table') {
  await page.goto(url(q, project), { waitUntil: 'load' });
  await page.waitForSelector('::-p-aria(API key)');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'key', 'the key field has focus');
  await page.keyboard.type(key.secret);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#health-score');
  await page.waitForSelector(findings);
  await page.waitForSelector('#scans-table');
  await page.waitForSelector('#schedules-table');
  assertClean(page, `sign-in${q ? ` ${q}` : ''}, ${project}`);
}

async function axe(page, label) {
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  console.log(`axe-core ${label}: ${res.length} violations`);
  assert.deepEqual(res, [], `axe-core violations (${label})`);
  assertClean(page, label);
}

test('sign in, see the health score the API reports, change the period, filter, triage, run a scan, schedules, sign out', async () => {
  const page = await newPage();
  await signIn(page, rw);
  const cc = (await w.api('GET', `${projectPath(ORG, PROJECT)}/command-center`, { key: rw })).json.data;
  assert.equal(await text(page, '#health-score'), String(cc.health_score));
  assert.equal(await text(page, '#unresolved'), String(cc.unresolved_findings));
  assert.ok(cc.unresolved_findings > 0, 'the seeded scan made findings');
  // The key is in sessionStorage only: not in the URL, not in a cookie.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('audit.key')), rw.secret);
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.ok(!page.url().includes(rw.secret));
  assert.match(await text(page, '#session'), /writer \(read and write\)/);
  await axe(page, 'dashboard, light');
  await page.screenshot({ path: join(SHOTS, 'dashboard-light.png'), fullPage: true });

  // Change the period: the URL carries it, and the overview shows it.
  await page.$eval('#date_from', (e) => (e.value = '2025-06-01'));
  await page.$eval('#date_to', (e) => (e.value = '2025-06-10'));
  await page.click('::-p-aria(Apply period)');
  await waitText(page, '.period', /2025-06-01 to 2025-06-10/);
  assert.match(page.url(), /date_from=2025-06-01&date_to=2025-06-10/);
  assert.equal(await text(page, '#unresolved'), '0');
  assert.equal(await page.$$eval('#trend-table tbody tr', (r) => r.length), 10);
  await page.goBack();
  await waitText(page, '#unresolved', new RegExp(`^${cc.unresolved_findings}$`));

  // Filter the findings by domain: every row is that domain, as many as the API lists.
  // (Going back re-renders the page: wait for the filter form, not only the count.)
  await page.waitForSelector('#f-domain');
  await page.select('#f-domain', 'accessibility');
  await page.click('::-p-aria(Apply filters)');
  const api = (await w.api('GET', `${projectPath(ORG, PROJECT)}/findings?domain=accessibility&limit=10`, { key: rw })).json.data;
  assert.ok(api.length > 0);
  await page.waitForFunction((n) => document.querySelectorAll('#findings-table tbody tr').length === n && [...document.querySelectorAll('#findings-table tbody tr td:nth-child(3)')].every((td) => td.textContent === 'accessibility'), { timeout: 20_000 }, api.length);

  // Triage the first: resolve it with an owner and a note; the unresolved count drops by one.
  await page.click('#findings-table tbody tr:first-child button');
  const form = await page.waitForSelector('form.triage');
  await form.$eval('select', (s) => (s.value = 'resolved'));
  await form.$eval('input[name=owner_id]', (i) => (i.value = 'alice'));
  await form.$eval('textarea', (t) => (t.value = 'fixed in the template'));
  await axe(page, 'finding expanded');
  await page.click('::-p-aria(Save triage)');
  await waitText(page, '#unresolved', new RegExp(`^${cc.unresolved_findings - 1}$`));
  const patched = (await w.api('GET', `${projectPath(ORG, PROJECT)}/findings/${api[0].id}`, { key: rw })).json.data;
  assert.equal(patched.status, 'resolved');
  assert.equal(patched.owner_id, 'alice');
  assert.equal(patched.history.at(-1).note, 'fixed in the template');

  // Run a scan and see it complete.
  const before = await page.$$eval('#scans-table tbody tr', (r) => r.length);
  await page.type('#scan-url', 'https://shop.example.com/again');
  await page.click('::-p-aria(Run scan)');
  await waitText(page, '#status', /Scan [0-9a-f-]+ completed\./);
  await page.waitForFunction((n) => document.querySelectorAll('#scans-table tbody tr').length === n + 1, { timeout: 20_000 }, before);
  await waitText(page, '#scans-table tbody tr:first-child', /completed/);

  // Create a schedule, pause it, delete it.
  await page.type('#s-url', 'https://shop.example.com/nightly');
  await page.type('#s-name', 'nightly');
  await page.click('::-p-aria(Create schedule)');
  await waitText(page, '#schedules-table tbody', /nightly/);
  assert.match(await text(page, '#schedules-table tbody tr'), /daily at 03:00 UTC.*active/);
  await page.click('::-p-aria(Pause nightly)');
  await waitText(page, '#schedules-table tbody tr', /paused/);
  assert.equal((await w.api('GET', `${projectPath(ORG, PROJECT)}/schedules`, { key: rw })).json.data[0].enabled, false);
  await page.click('::-p-aria(Delete nightly)');
  await waitText(page, '#schedules-table caption', /^0 schedules$/);
  assert.deepEqual((await w.api('GET', `${projectPath(ORG, PROJECT)}/schedules`, { key: rw })).json.data, []);

  // Sign out: back to the form, the key gone from the tab.
  await page.click('::-p-aria(Sign out)');
  await page.waitForSelector('::-p-aria(API key)');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('audit.key')), null);
  assertClean(page, 'signed out');
  await page.close();
});

test('keyboard: Tab reaches every control in reading order with a visible focus ring; Enter opens a finding', async () => {
  const page = await newPage();
  await signIn(page, rw);
  // Reload (the key is in sessionStorage): Tab then starts at the top of the document.
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#schedules-table');
  const seen = [];
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      return { name: e.getAttribute('aria-label') || (e.matches('input, select, textarea') ? e.id : e.textContent.trim().slice(0, 40)), outline: getComputedStyle(e).outlineStyle };
    });
    if (!info || info.name === 'Create schedule') {
      if (info) seen.push(info);
      break;
    }
    seen.push(info);
  }
  const names = seen.map((s) => s.name);
  const want = ['Skip to content', 'Sign out', 'Overview', 'date_from', 'Apply period', 'switch-project', 'f-status', 'Apply filters', 'scan-url', 'Run scan', 's-url', 'Create schedule'];
  let at = -1;
  for (const n of want) {
    const i = names.indexOf(n, at + 1);
    assert.ok(i > at, `${n} is reached by Tab after ${want[want.indexOf(n) - 1]} (order: ${names.join(' | ')})`);
    at = i;
  }
  assert.deepEqual(seen.filter((s) => s.outline === 'none'), [], 'every focused control shows a focus ring');
  await page.focus('#findings-table tbody tr:first-child button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('form.triage');
  assert.equal(await page.$eval('#findings-table tbody tr:first-child button', (b) => b.getAttribute('aria-expanded')), 'true');
  assertClean(page, 'keyboard');
  await page.close();
});

test('a read-only key gets no triage, scan or schedule controls', async () => {
  const page = await newPage();
  await signIn(page, ro);
  assert.match(await text(page, '#session'), /reader \(read-only\)/);
  await page.click('#findings-table tbody tr:first-child button');
  await page.waitForSelector('tr.detail');
  for (const sel of ['form.triage', '#scan-url', '#s-url', '.actions']) assert.equal(await page.$(sel), null, `${sel} is not shown`);
  await axe(page, 'read-only');
  await page.close();
});

test('a 401 sends the user back to sign in with a message; a 429 says when to retry', async (t) => {
  const page = await newPage();
  await signIn(page, rw);
  page.fake429 = true;
  await page.click('::-p-aria(Apply period)');
  await waitText(page, '#status', /Too many requests: retry in 17 s \(after .+\)\./);
  // Revoke the key behind the page's back: the next requests are 401s.
  // (Restored even if this test fails, so the later tests can sign in.)
  page.expect(401, (u) => u.startsWith(`${w.base}/api/v1/`));
  w.sql(`UPDATE api_keys SET revoked_at = ${Date.now()} WHERE id = '${rw.id}';`);
  t.after(() => w.sql(`UPDATE api_keys SET revoked_at = NULL WHERE id = '${rw.id}';`));
  await page.click('::-p-aria(Apply period)');
  await page.waitForSelector('::-p-aria(API key)');
  assert.match(await text(page, '#status'), /not accepted.*Sign in again/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('audit.key')), null);
  await axe(page, 'sign-in with message');
  assertClean(page, '401 and 429');
  await page.close();
});

test('dark mode and 320 px: readable, no horizontal scroll of the page, no axe violations', async () => {
  const page = await newPage({ dark: true });
  await signIn(page, rw);
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(bg, 'rgb(17, 20, 24)', 'the dark palette applies');
  await axe(page, 'dashboard, dark');
  await page.screenshot({ path: join(SHOTS, 'dashboard-dark.png'), fullPage: true });
  await page.setViewport({ width: 320, height: 800 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at 320 px`);
  await axe(page, '320 px');
  await page.screenshot({ path: join(SHOTS, 'dashboard-320.png'), fullPage: false });
  assertClean(page, 'dark and 320 px');
  await page.close();
});

test('our own scanner finds no accessibility problem on the dashboard and grades it A+', async () => {
  const target = `https://${DASH_HOST}/dashboard/orgs/${ORG}/projects/${PROJECT}`;
  const r = await w.api('POST', `${projectPath(ORG, 'dashboard')}/scans/run`, { key: rw, body: { url: target } });
  assert.equal(r.status, 202);
  const scan = await w.waitForScan(ORG, 'dashboard', r.json.data.id, rw);
  assert.equal(scan.status, 'completed', JSON.stringify(scan.error));
  const f = (await w.api('GET', `${projectPath(ORG, 'dashboard')}/scans/${scan.id}/findings?limit=100`, { key: rw })).json.data;
  const by = (d) => f.filter((x) => x.domain === d).map((x) => `${x.rule_id} (${x.severity})`);
  console.log(`own scanner on the dashboard: grade ${scan.summary.security_grade} (${scan.summary.security_score}); accessibility ${JSON.stringify(by('accessibility'))}; security ${JSON.stringify(by('security'))}; performance ${JSON.stringify(by('performance'))}`);
  assert.deepEqual(by('accessibility'), []);
  assert.equal(scan.summary.security_grade, 'A+');
});

test('the page declares its icon; it and /favicon.ico are served as images that decode', async () => {
  const page = await newPage();
  await page.goto(url(), { waitUntil: 'load' });
  const icons = await page.$$eval('link[rel=icon]', (l) => l.map((e) => e.href));
  assert.deepEqual(icons, [`${w.base}/favicon.ico`, `${w.base}/dashboard/icon.svg`]);
  for (const [path, type, file] of [['/favicon.ico', 'image/x-icon', 'favicon.ico'], ['/dashboard/icon.svg', 'image/svg+xml', 'icon.svg']]) {
    const r = await fetch(w.base + path);
    const body = Buffer.from(await r.arrayBuffer());
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('content-type')?.split(';')[0], type, path);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    assert.ok(r.headers.get('cache-control'), `${path} says how to cache it`);
    assert.ok(body.equals(readFileSync(join(root, 'dashboard', file))), `${path} is dashboard/${file}`);
  }
  // A real ICO (not the SVG renamed): the header of an icon resource.
  assert.deepEqual([...readFileSync(join(root, 'dashboard', 'favicon.ico')).subarray(0, 4)], [0, 0, 1, 0]);
  // Chromium decodes both (the page's CSP, img-src 'self', allows them).
  const widths = await page.evaluate((hrefs) => Promise.all(hrefs.map(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    return img.naturalWidth;
  })), icons);
  assert.ok(widths.every((n) => n > 0), `the icons decode (${widths})`);
  assertClean(page, 'icons');
  await page.close();
});

/** The grouped table's rows as the test compares them with the API. */
const groupRows = (page) => page.$$eval('#groups-table tbody tr', (rows) => rows.map((r) => ({
  rule_id: r.querySelector('button').dataset.rule,
  title: r.querySelector('button').textContent,
  worst_severity: r.cells[1].textContent,
  urls: Number(r.cells[2].textContent),
  top_score: Number(r.cells[3].textContent),
  examples: [...r.cells[4].querySelectorAll('li:not(.hint)')].map((li) => li.textContent),
})));
const findingRows = (page) => page.$$eval('#findings-table tbody tr:not(.detail) .url', (s) => s.map((e) => e.textContent));
const pressed = (page) => page.$$eval('.switch button', (b) => b.map((x) => `${x.textContent}=${x.getAttribute('aria-pressed')}`));

test('by rule: the grouped view shows the API\'s group_by=rule answer, is in the URL, opens a rule\'s findings, read-only too', async () => {
  const P = projectPath(ORG, GROUP_PROJECT);
  const ids = await Promise.all(Object.keys(PAGES).map(async (p) => {
    const r = await w.api('POST', `${P}/scans/run`, { key: rw, body: { url: `https://pages.example.com${p}` } });
    assert.equal(r.status, 202);
    return r.json.data.id;
  }));
  for (const id of ids) assert.equal((await w.waitForScan(ORG, GROUP_PROJECT, id, rw)).status, 'completed');
  const groups = (await w.api('GET', `${P}/findings?group_by=rule`, { key: rw })).json.data;
  const counts = new Set(groups.map((g) => g.urls));
  assert.ok(counts.has(3) && counts.has(2), `some rules affect three URLs, some two (${JSON.stringify(groups.map((g) => [g.rule_id, g.urls]))})`);
  const want = groups.map((g) => ({ rule_id: g.rule_id, title: g.title, worst_severity: g.worst_severity, urls: g.urls, top_score: g.top_score, examples: g.examples.map((e) => e.url) }));

  const page = await newPage();
  await signIn(page, rw, '', GROUP_PROJECT);
  assert.deepEqual(await pressed(page), ['Findings=true', 'By rule=false']);
  // Keyboard: the switch is a button; Space presses it and focus stays on it.
  await page.focus('#view-rules');
  await page.keyboard.press('Space');
  await page.waitForSelector('#groups-table');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'view-rules');
  assert.deepEqual(await pressed(page), ['Findings=false', 'By rule=true']);
  assert.equal(new URL(page.url()).searchParams.get('view'), 'rules');
  assert.deepEqual(await groupRows(page), want);
  assert.equal(await page.$('#findings-table'), null, 'one view at a time');
  assert.doesNotMatch(await text(page, '#findings'), /\b(null|undefined)\b/);
  await axe(page, 'by rule, light');
  await page.evaluate(() => document.activeElement?.blur());
  await (await page.$('#findings')).screenshot({ path: join(SHOTS, 'dashboard-by-rule.png') });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
  await axe(page, 'by rule, dark');
  await page.setViewport({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the grouped view scrolls the page sideways by ${overflow} px at 320 px`);
  await page.setViewport({ width: 1280, height: 900 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);

  // The same filters apply: only accessibility rules, as the API groups them.
  await page.select('#f-domain', 'accessibility');
  await page.click('::-p-aria(Apply filters)');
  const a11y = (await w.api('GET', `${P}/findings?group_by=rule&domain=accessibility`, { key: rw })).json.data;
  assert.ok(a11y.length > 0 && a11y.length < groups.length);
  await page.waitForFunction((n) => document.querySelectorAll('#groups-table tbody tr').length === n, { timeout: 20_000 }, a11y.length);
  assert.deepEqual((await groupRows(page)).map((g) => [g.rule_id, g.urls]), a11y.map((g) => [g.rule_id, g.urls]));
  assert.equal(new URL(page.url()).searchParams.get('domain'), 'accessibility');

  // A link to it shows it: a reload (the key stays in the tab) opens the grouped view.
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('#groups-table');
  assert.deepEqual((await groupRows(page)).map((g) => g.rule_id), a11y.map((g) => g.rule_id));

  // Choosing a rule shows its findings, one per URL, as the API lists them with that rule filter.
  const top = a11y[0];
  await page.click(`#groups-table button[data-rule="${top.rule_id}"]`);
  await page.waitForSelector('#findings-table');
  const list = (await w.api('GET', `${P}/findings?domain=accessibility&rule_id=${top.rule_id}&limit=10`, { key: rw })).json.data;
  assert.equal(list.length, top.urls);
  assert.deepEqual(await findingRows(page), list.map((f) => f.affected_assets[0].value));
  assert.deepEqual(await page.$$eval('#findings-table tbody td:nth-child(2) button', (b) => b.map((x) => x.textContent)), list.map((f) => f.title));
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get('view'), null);
  assert.equal(q.get('rule_id'), top.rule_id);
  assert.equal(await page.$eval('#f-rule', (i) => i.value), top.rule_id);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'findings-region', 'focus moves to the findings');
  assert.deepEqual(await pressed(page), ['Findings=true', 'By rule=false']);
  await axe(page, 'findings of one rule');

  // Back and forward walk the views.
  await page.goBack();
  await page.waitForSelector('#groups-table');
  assert.deepEqual(await pressed(page), ['Findings=false', 'By rule=true']);
  await page.goForward();
  await page.waitForSelector('#findings-table');
  assert.deepEqual(await findingRows(page), list.map((f) => f.affected_assets[0].value));
  assertClean(page, 'by rule');
  await page.close();

  // A read-only key: the same groups, and a rule's findings without triage controls.
  const ropage = await newPage();
  await signIn(ropage, ro, '?view=rules', GROUP_PROJECT, '#groups-table');
  assert.deepEqual(await groupRows(ropage), want);
  await ropage.click(`#groups-table button[data-rule="${want[0].rule_id}"]`);
  await ropage.waitForSelector('#findings-table');
  assert.equal((await findingRows(ropage)).length, want[0].urls);
  await ropage.click('#findings-table tbody tr:first-child button');
  await ropage.waitForSelector('tr.detail');
  assert.equal(await ropage.$('form.triage'), null, 'no triage form for a read-only key');
  await axe(ropage, 'by rule, read-only');
  await ropage.close();
});

test('the browser never asked for anything but the Worker', () => {
  assert.deepEqual(offOrigin, []);
});
