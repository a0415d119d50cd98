// What the dashboard reads besides the project routes (GET /api/v1/key,
// GET /api/v1/orgs/:org/projects, the command center's trend.daily) and how
// the dashboard's static page is served (headers, the one page for every
// /dashboard/orgs/... URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath } from './harness.mjs';

const ORG = randomUUID();
const OTHER = randomUUID();
let w, rw, ro, other;

before(async () => {
  w = await new Worker().start();
  [rw, ro, other] = w.createKeys([
    { org: ORG, scopes: 'audit:read audit:write' },
    { org: ORG, scopes: 'audit:read' },
    { org: OTHER },
  ]);
  w.sql(`UPDATE api_keys SET name = 'reader' WHERE id = '${ro.id}';`);
});
after(async () => w?.stop());

async function scan(project) {
  const r = await w.api('POST', `${projectPath(ORG, project)}/scans/run`, { key: rw, body: { url: 'https://www.example.com/' } });
  assert.equal(r.status, 202);
  return w.waitForScan(ORG, project, r.json.data.id, rw);
}

test('GET /api/v1/key names the key, its org and scopes; never its hash', async () => {
  const r = await w.api('GET', '/api/v1/key', { key: ro });
  assert.equal(r.status, 200);
  assert.deepEqual(
    { id: r.json.data.id, org_id: r.json.data.org_id, name: r.json.data.name, scopes: r.json.data.scopes, prefix: r.json.data.prefix },
    { id: ro.id, org_id: ORG, name: 'reader', scopes: ['audit:read'], prefix: ro.secret.slice(0, 12) },
  );
  assert.ok(!JSON.stringify(r.json).includes('hash'));
  assert.match(r.headers.get('x-ratelimit-limit') ?? '', /^\d+$/);
  const none = await w.api('GET', '/api/v1/key');
  assert.equal(none.status, 401);
  assert.equal(none.json.error.code, 'unauthorized');
  const post = await w.api('POST', '/api/v1/key', { key: ro });
  assert.equal(post.status, 405);
});

test('GET /api/v1/orgs/:org/projects lists the projects the org scanned, latest first; other orgs are refused', async () => {
  await scan('site-a');
  await scan('site-b');
  const r = await w.api('GET', `/api/v1/orgs/${ORG}/projects`, { key: ro });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.data.map((p) => [p.project_id, p.scans]), [['site-b', 1], ['site-a', 1]]);
  assert.match(r.json.data[0].last_scan_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal((await w.api('GET', `/api/v1/orgs/${ORG}/projects`, { key: other })).status, 403);
  assert.deepEqual((await w.api('GET', `/api/v1/orgs/${OTHER}/projects`, { key: other })).json.data, []);
  const bad = await w.api('GET', '/api/v1/orgs/not-a-uuid/projects', { key: ro });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.details.org_id, 'must be a UUID');
  assert.equal((await w.api('GET', `/api/v1/orgs/${ORG}/projects`)).status, 401);
});

test('the command center has one trend.daily row per day, and its counts add up to the period totals', async () => {
  await scan('daily');
  const today = new Date().toISOString().slice(0, 10);
  const r = await w.api('GET', `${projectPath(ORG, 'daily')}/command-center`, { key: ro });
  assert.equal(r.status, 200);
  const { daily, new_findings, resolved_findings } = r.json.data.trend;
  assert.equal(daily.length, 7);
  assert.equal(daily[6].date, today);
  assert.equal(daily[0].date, r.json.data.period.from);
  for (let i = 1; i < daily.length; i++) assert.equal(Date.parse(daily[i].date) - Date.parse(daily[i - 1].date), 86_400_000);
  assert.ok(daily[6].new_findings > 0, 'the scan made findings today');
  assert.equal(daily.reduce((a, d) => a + d.new_findings, 0), new_findings.current);
  assert.equal(daily.reduce((a, d) => a + d.resolved_findings, 0), resolved_findings.current);
  // A period in the past: as many rows as days, all zero.
  const past = await w.api('GET', `${projectPath(ORG, 'daily')}/command-center?date_from=2025-01-01&date_to=2025-01-31`, { key: ro });
  assert.equal(past.json.data.trend.daily.length, 31);
  assert.ok(past.json.data.trend.daily.every((d) => d.new_findings === 0 && d.resolved_findings === 0));
  // Resolving a finding shows on today's row.
  const f = (await w.api('GET', `${projectPath(ORG, 'daily')}/findings?limit=1`, { key: rw })).json.data[0];
  const p = await w.api('PATCH', `${projectPath(ORG, 'daily')}/findings/${f.id}`, { key: rw, body: { status: 'resolved' } });
  assert.equal(p.status, 200);
  const after = (await w.api('GET', `${projectPath(ORG, 'daily')}/command-center`, { key: ro })).json.data.trend.daily;
  assert.equal(after[6].resolved_findings, daily[6].resolved_findings + 1);
});

const PAGE_HEADERS = {
  'content-security-policy': /default-src 'none'; script-src 'self'; style-src 'self'.*frame-ancestors 'none'/,
  'strict-transport-security': /max-age=\d{8,}/,
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^DENY$/,
  'referrer-policy': /^no-referrer$/,
  'cross-origin-opener-policy': /^same-origin$/,
};

test('every /dashboard/orgs/... URL serves the one page, with the security headers and no inline code', async () => {
  const index = await fetch(`${w.base}/dashboard/`);
  assert.equal(index.status, 200);
  const html = await index.text();
  assert.match(index.headers.get('content-type'), /^text\/html/);
  for (const [h, re] of Object.entries(PAGE_HEADERS)) assert.match(index.headers.get(h) ?? '', re, h);
  assert.doesNotMatch(html, /<script>|<style|\sstyle=|\son\w+=/i, 'no inline script or style (the CSP would block it)');
  assert.doesNotMatch(html, /https?:\/\//, 'nothing is loaded from another origin');
  const deep = await fetch(`${w.base}/dashboard/orgs/${ORG}/projects/site-a?date_from=2025-06-01&date_to=2025-06-10`);
  assert.equal(deep.status, 200);
  assert.equal(await deep.text(), html);
  for (const [h, re] of Object.entries(PAGE_HEADERS)) assert.match(deep.headers.get(h) ?? '', re, h);
  for (const [asset, type] of [['app.js', /javascript/], ['app.css', /text\/css/]]) {
    const r = await fetch(`${w.base}/dashboard/${asset}`);
    assert.equal(r.status, 200, asset);
    assert.match(r.headers.get('content-type'), type);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    await r.arrayBuffer();
  }
  const bare = await fetch(`${w.base}/dashboard`, { redirect: 'manual' });
  assert.ok([301, 307, 308].includes(bare.status), `/dashboard answers ${bare.status}`);
  assert.match(bare.headers.get('location') ?? '', /\/dashboard\/$/);
  // The API is untouched by the assets: unknown paths are still the API's 404.
  const nope = await w.api('GET', '/dashboard-nope');
  assert.equal(nope.status, 404);
  assert.equal(nope.json.error.code, 'not_found');
});
