// Issue 5: the command center on hand-built data (right answers computed
// here, independently), findings triage end to end, and SARIF export.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath, startDoh, listen } from './harness.mjs';
import { startFixtures } from './fixtures.mjs';

const require = createRequire(import.meta.url);
const DAY = 86_400_000;
const w = new Worker();
let fx, doh;

before(async () => {
  fx = await startFixtures();
  doh = startDoh({});
  const dohPort = await listen(doh.server);
  await w.start({
    vars: {
      SCAN_HOST_OVERRIDES: `*=127.0.0.1:${fx.port}`,
      DOH_URL: `http://127.0.0.1:${dohPort}/dns-query`,
      RATE_LIMIT_STANDARD: '100000',
    },
  });
});
after(async () => {
  await w.stop();
  fx?.close();
  doh?.server.close();
});

const startOfDay = (ms) => Math.floor(ms / DAY) * DAY;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/** Inserts findings (and their sightings) directly into D1. */
function seed(org, project, specs) {
  const sql = [];
  const rows = specs.map((s, i) => ({
    id: randomUUID(),
    severity: 'medium',
    domain: 'security',
    status: 'new',
    score: 50,
    confidence: 1,
    regressed: 0,
    created: Date.now() - DAY,
    seen: [Date.now() - DAY],
    resolvedAt: null,
    rule: `rule-${i}`,
    ...s,
  }));
  for (const r of rows) {
    const last = Math.max(...r.seen);
    sql.push(`INSERT INTO findings (id, org_id, project_id, fingerprint, rule_id, domain, severity, title, description, confidence, impact, effort, risk, score, asset, evidence, evidence_total, recommended_fix, refs, status, owner_id, regressed, first_seen_scan_id, last_seen_scan_id, created_at, updated_at, last_seen_at, resolved_at)
      VALUES ('${r.id}', '${org}', '${project}', '${r.id}', '${r.rule}', '${r.domain}', '${r.severity}', 'T ${r.rule}', 'D', ${r.confidence}, 50, 50, 50, ${r.score}, 'https://site.krafter-fixture.com/', '[]', 0, '{"summary":"s","steps":[],"estimated_minutes":1}', '[]', '${r.status}', NULL, ${r.regressed}, 's', 's', ${r.created}, ${r.created}, ${last}, ${r.resolvedAt ?? 'NULL'});`);
    for (const t of r.seen) sql.push(`INSERT INTO scan_findings (scan_id, finding_id, severity, seen_at) VALUES ('${randomUUID()}', '${r.id}', '${r.severity}', ${t});`);
  }
  w.sql(sql.join('\n'));
  return rows;
}

// The model from the README, recomputed here.
const WEIGHT = { critical: 0.25, high: 0.15, medium: 0.08, low: 0.03, info: 0.01 };
// Grouped by severity with the group's mean confidence, as documented.
function combined(fs) {
  const groups = {};
  for (const f of fs) (groups[f.severity] ??= []).push(f.confidence);
  const keep = Object.entries(groups).reduce((p, [sev, cs]) => p * (1 - WEIGHT[sev] * (cs.reduce((a, b) => a + b, 0) / cs.length)) ** cs.length, 1);
  return Math.round((1 - keep) * 100);
}
// README: 100 − min(95, 15 × log10(1 + (u + 11c) / 0.21)), rounded.
const health = (u, c) => 100 - Math.round(Math.min(95, 15 * Math.log10(1 + (u + 11 * c) / 0.21)));

describe('command center', () => {
  const org = randomUUID();
  const project = 'cc';
  let key, otherKey, rows;
  const now = Date.now();
  const today = startOfDay(now);
  before(() => {
    [key] = w.createKeys([{ org }]);
    [otherKey] = w.createKeys([{ org: randomUUID() }]);
    const inPeriod = now - 2 * DAY;
    rows = seed(org, project, [
      // 11 open findings seen in the last 7 days, 2 of them critical (the spec's example).
      { severity: 'critical', score: 95, created: today - 3 * DAY, seen: [inPeriod] },
      { severity: 'critical', score: 95, created: today - 2 * DAY, seen: [inPeriod], status: 'in_progress' },
      { severity: 'high', score: 80, seen: [inPeriod], domain: 'performance' },
      { severity: 'high', score: 90, seen: [inPeriod], status: 'acknowledged' },
      ...Array.from({ length: 7 }, (_, i) => ({ severity: i % 2 ? 'low' : 'medium', score: 10 + i, seen: [inPeriod], domain: i % 3 ? 'accessibility' : 'performance', confidence: 0.5 })),
      // Not counted: resolved, ignored, last seen before the period, created after it.
      { severity: 'critical', status: 'resolved', seen: [inPeriod], resolvedAt: now - DAY, regressed: 1 },
      { severity: 'critical', status: 'ignored', seen: [inPeriod] },
      { severity: 'critical', seen: [today - 20 * DAY], created: today - 30 * DAY },
      { severity: 'high', status: 'resolved', seen: [today - 20 * DAY], created: today - 30 * DAY, resolvedAt: today - 19 * DAY },
    ]);
  });
  const cc = (qs = '', k = key) => w.api('GET', `${projectPath(org, project)}/command-center${qs}`, { key: k });

  test('defaults to the last 7 days and reproduces the spec example (11 unresolved, 2 critical → 67)', async () => {
    const r = await cc();
    assert.equal(r.status, 200, r.text);
    const d = r.json.data;
    assert.deepEqual(d.period, { from: isoDay(today - 6 * DAY), to: isoDay(today) });
    assert.equal(d.org_id, org);
    assert.equal(d.project_id, project);
    assert.equal(d.unresolved_findings, 11);
    assert.equal(d.critical_findings, 2);
    assert.equal(d.health_score, 67);
    assert.equal(d.health_score, health(11, 2));
  });

  test('top priorities: 5 open findings by score desc, then oldest first, in the full finding shape', async () => {
    const d = (await cc()).json.data;
    const open = rows.slice(0, 11);
    const expected = [...open].sort((a, b) => b.score - a.score || a.created - b.created).slice(0, 5).map((f) => f.id);
    assert.deepEqual(d.top_priorities.map((f) => f.id), expected);
    assert.equal(d.top_priorities[0].severity, 'critical');
    for (const k of ['id', 'org_id', 'project_id', 'domain', 'title', 'description', 'severity', 'status', 'confidence', 'priority', 'owner_id', 'affected_assets', 'evidence', 'recommended_fix', 'created_at', 'updated_at'])
      assert.ok(k in d.top_priorities[0], k);
  });

  test('expected impact follows the documented model', async () => {
    const d = (await cc()).json.data;
    const open = rows.slice(0, 11);
    assert.equal(d.expected_impact.security_risk_reduction_pct, combined(open.filter((f) => f.domain === 'security')));
    assert.equal(d.expected_impact.cwv_improvement_pct, combined(open.filter((f) => f.domain === 'performance')));
    // 1 regressed finding among 3 ever resolved (2 resolved + the regressed one is among them).
    assert.equal(d.expected_impact.regression_risk_pct, Math.round((1 / 2) * 100));
    for (const v of Object.values(d.expected_impact)) assert.ok(Number.isInteger(v) && v >= 0 && v <= 100);
    assert.equal(d.unresolved_by_domain.security.critical, 2);
    assert.equal(d.trend.resolved_findings.current, 1);
  });

  test('a finding seen inside the period but again after it still counts; seen only after it does not', async () => {
    const o2 = randomUUID();
    const [k2] = w.createKeys([{ org: o2 }]);
    seed(o2, project, [
      { severity: 'critical', seen: [today - 10 * DAY, now - DAY], created: today - 10 * DAY },
      { severity: 'high', seen: [now - DAY], created: today - 10 * DAY },
    ]);
    const from = isoDay(today - 12 * DAY), to = isoDay(today - 8 * DAY);
    const r = await w.api('GET', `${projectPath(o2, project)}/command-center?date_from=${from}&date_to=${to}`, { key: k2 });
    assert.equal(r.status, 200);
    assert.equal(r.json.data.unresolved_findings, 1);
    assert.equal(r.json.data.critical_findings, 1);
    assert.deepEqual(r.json.data.period, { from, to });
  });

  test('health keeps falling, ever more slowly, as findings grow; an empty project scores 100', async () => {
    const o3 = randomUUID();
    const [k3] = w.createKeys([{ org: o3 }]);
    seed(o3, project, Array.from({ length: 12 }, () => ({ severity: 'critical' })));
    const d = (await w.api('GET', `${projectPath(o3, project)}/command-center`, { key: k3 })).json.data;
    assert.equal(d.unresolved_findings, 12);
    // 12 critical findings: 57, no longer the old floor of 5.
    assert.equal(d.health_score, 57);
    assert.equal(d.health_score, health(12, 12));
    seed(o3, project, Array.from({ length: 300 }, (_, i) => ({ severity: 'low', rule: `more-${i}` })));
    const d2 = (await w.api('GET', `${projectPath(o3, project)}/command-center`, { key: k3 })).json.data;
    assert.equal(d2.unresolved_findings, 312);
    assert.equal(d2.health_score, health(312, 12));
    assert.ok(d2.health_score < d.health_score && d2.health_score > 5, String(d2.health_score));
    const empty = (await w.api('GET', `${projectPath(o3, 'empty-project')}/command-center`, { key: k3 })).json.data;
    assert.equal(empty.health_score, 100);
    assert.deepEqual(empty.top_priorities, []);
    assert.deepEqual(empty.expected_impact, { cwv_improvement_pct: 0, security_risk_reduction_pct: 0, regression_risk_pct: 0 });
  });

  test('dates: ISO dates and date-times; one side completed; 422 for junk, reversed and too long', async () => {
    const r = await cc('?date_from=2025-06-01T00:00:00Z&date_to=2025-06-10T23:59:59Z');
    assert.deepEqual(r.json.data.period, { from: '2025-06-01', to: '2025-06-10' });
    assert.equal(r.json.data.unresolved_findings, 0);
    assert.deepEqual((await cc(`?date_to=2025-06-10`)).json.data.period, { from: '2025-06-04', to: '2025-06-10' });
    assert.deepEqual((await cc(`?date_from=${isoDay(today - 2 * DAY)}`)).json.data.period, { from: isoDay(today - 2 * DAY), to: isoDay(today) });
    for (const qs of ['?date_from=yesterday', '?date_from=2025-06-10&date_to=2025-06-01', '?date_from=2020-01-01&date_to=2025-01-01', '?date_to=2025-02-30']) {
      const e = await cc(qs);
      assert.equal(e.status, 422, qs);
      assert.equal(e.json.error.code, 'invalid_params');
    }
  });

  test("another org's key sees nothing", async () => {
    const r = await cc('', otherKey);
    assert.equal(r.status, 403);
    assert.equal(r.json.data, null);
    assert.ok(!r.text.includes(rows[0].id));
  });
});

describe('triage flow end to end', () => {
  const org = randomUUID();
  const project = 'triage';
  let key, readKey;
  before(() => ([key, readKey] = w.createKeys([{ org }, { org, scopes: 'audit:read' }])));
  const base = () => projectPath(org, project);
  const scan = async () => {
    const r = await w.api('POST', `${base()}/scans/run`, { key, body: { url: 'https://flip.krafter-fixture.com/' } });
    assert.equal(r.status, 202);
    return w.waitForScan(org, project, r.json.data.id, key);
  };
  const counts = async () => (await w.api('GET', `${base()}/command-center`, { key })).json.data;

  test('scan → new → in_progress with owner → fixed → resolved automatically; counts follow', async () => {
    fx.state.flip = 'bad';
    const s1 = await scan();
    const c1 = await counts();
    assert.equal(c1.unresolved_findings, s1.summary.total);
    const list = await w.api('GET', `${base()}/findings?rule_id=image-alt`, { key });
    assert.equal(list.json.data.length, 1);
    const f = list.json.data[0];
    assert.equal(f.status, 'new');

    // Timestamps have second precision (as in the spec): let a second pass so
    // the move of updated_at is visible.
    await new Promise((r) => setTimeout(r, 1100));
    const p = await w.api('PATCH', `${base()}/findings/${f.id}`, { key, body: { status: 'in_progress', owner_id: 'alice', note: 'taking it' } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.data.status, 'in_progress');
    assert.equal(p.json.data.owner_id, 'alice');
    assert.ok(p.json.data.updated_at >= f.updated_at);
    assert.notEqual(p.json.data.updated_at, f.updated_at);
    const hist = p.json.data.history;
    assert.deepEqual(hist.map((h) => [h.field, h.from, h.to]), [['status', 'new', 'in_progress'], ['owner_id', null, 'alice']]);
    assert.ok(hist.every((h) => h.actor === key.id && h.note === 'taking it' && /Z$/.test(h.at)));
    assert.equal((await counts()).unresolved_findings, c1.unresolved_findings, 'in_progress is still unresolved');
    const mine = await w.api('GET', `${base()}/findings?owner_id=alice&status=in_progress`, { key });
    assert.deepEqual(mine.json.data.map((x) => x.id), [f.id]);

    fx.state.flip = 'good';
    const s2 = await scan();
    const after = await w.api('GET', `${base()}/findings/${f.id}`, { key });
    assert.equal(after.json.data.status, 'resolved');
    assert.equal(after.json.data.resolved_by_scan_id, s2.id);
    assert.equal(after.json.data.owner_id, 'alice');
    assert.equal(after.json.data.history.at(-1).actor, `scan:${s2.id}`);
    const c2 = await counts();
    assert.equal(c2.unresolved_findings, s2.summary.total);
    assert.ok(c2.unresolved_findings < c1.unresolved_findings);
    assert.ok(c2.health_score > c1.health_score);
    assert.equal(c2.trend.resolved_findings.current, c1.unresolved_findings - c2.unresolved_findings);
  });

  test('PATCH validation: bad status, forbidden transition, empty body, scope, unknown id', async () => {
    const f = (await w.api('GET', `${base()}/findings?status=resolved&limit=1`, { key })).json.data[0];
    assert.ok(f);
    const bad = await w.api('PATCH', `${base()}/findings/${f.id}`, { key, body: { status: 'done' } });
    assert.equal(bad.status, 422);
    const trans = await w.api('PATCH', `${base()}/findings/${f.id}`, { key, body: { status: 'in_progress' } });
    assert.equal(trans.status, 422);
    assert.match(trans.json.error.message, /resolved to in_progress/);
    assert.equal((await w.api('PATCH', `${base()}/findings/${f.id}`, { key, body: {} })).status, 422);
    assert.equal((await w.api('PATCH', `${base()}/findings/${f.id}`, { key: readKey, body: { status: 'new' } })).status, 403);
    assert.equal((await w.api('PATCH', `${base()}/findings/${randomUUID()}`, { key, body: { status: 'new' } })).status, 404);
    const reopen = await w.api('PATCH', `${base()}/findings/${f.id}`, { key, body: { status: 'new' } });
    assert.equal(reopen.status, 200);
    assert.equal(reopen.json.data.status, 'new');
    assert.equal(reopen.json.data.resolved_by_scan_id, null);
  });

  test('findings list: filters, sorting and cursor pagination', async () => {
    const all = [];
    let cursor = null;
    do {
      const r = await w.api('GET', `${base()}/findings?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { key: readKey });
      assert.equal(r.status, 200);
      all.push(...r.json.data);
      cursor = r.json.meta.next_cursor;
    } while (cursor);
    assert.equal(new Set(all.map((f) => f.id)).size, all.length);
    const scores = all.map((f) => f.priority.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    const total = (await w.api('GET', `${base()}/findings?limit=100`, { key })).json.data.length;
    assert.equal(all.length, total);
    const multi = await w.api('GET', `${base()}/findings?status=new&status=resolved&limit=100`, { key });
    assert.ok(multi.json.data.every((f) => ['new', 'resolved'].includes(f.status)));
    const comma = await w.api('GET', `${base()}/findings?status=new,resolved&limit=100`, { key });
    assert.equal(comma.json.data.length, multi.json.data.length);
    const sec = await w.api('GET', `${base()}/findings?domain=security&severity=high,critical&limit=100`, { key });
    assert.ok(sec.json.data.every((f) => f.domain === 'security' && ['high', 'critical'].includes(f.severity)));
    const recent = (await w.api('GET', `${base()}/findings?sort=recency&limit=100`, { key })).json.data;
    const seen = recent.map((f) => f.last_seen_at);
    assert.deepEqual(seen, [...seen].sort().reverse());
    for (const qs of ['status=open', 'severity=urgent', 'domain=seo', 'sort=random', 'limit=500', 'scan_id=nope'])
      assert.equal((await w.api('GET', `${base()}/findings?${qs}`, { key })).status, 422, qs);
    const scans = (await w.api('GET', `${base()}/scans?limit=1`, { key })).json.data;
    const byScan = await w.api('GET', `${base()}/findings?scan_id=${scans[0].id}&limit=100`, { key });
    assert.equal(byScan.json.data.length, scans[0].summary.total);
  });
});

describe('SARIF export', () => {
  test('validates against the official SARIF 2.1.0 schema and carries rules, levels, locations', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const r = await w.api('POST', `${projectPath(org, 'sarif')}/scans/run`, { key, body: { url: 'https://bad.krafter-fixture.com/' } });
    const s = await w.waitForScan(org, 'sarif', r.json.data.id, key);
    const res = await w.api('GET', `${projectPath(org, 'sarif')}/scans/${s.id}/findings.sarif`, { key });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /application\/sarif\+json/);
    const alt = await w.api('GET', `${projectPath(org, 'sarif')}/scans/${s.id}/findings?format=sarif`, { key });
    assert.deepEqual(alt.json, res.json);
    const Ajv = require('ajv');
    const ajv = new Ajv({ schemaId: 'auto', allErrors: true, unknownFormats: 'ignore' });
    ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const ok = ajv.validate(schema, res.json);
    assert.ok(ok, JSON.stringify(ajv.errors?.slice(0, 5)));
    // A broken log must fail, or the check above proves nothing.
    assert.equal(ajv.validate(schema, { version: '2.1.0', runs: [{ results: [{ level: 'loud' }] }] }), false);
    const run = res.json.runs[0];
    assert.equal(res.json.version, '2.1.0');
    const ids = new Set(run.tool.driver.rules.map((d) => d.id));
    assert.ok(ids.has('image-alt') && ids.has('content-security-policy'));
    const img = run.results.find((x) => x.ruleId === 'image-alt');
    assert.equal(img.locations[0].physicalLocation.artifactLocation.uri, 'https://bad.krafter-fixture.com/');
    assert.equal(img.locations[0].physicalLocation.region.startLine, 5);
    assert.ok(['error', 'warning', 'note'].includes(img.level));
    assert.ok(run.tool.driver.rules.find((d) => d.id === 'image-alt').helpUri.startsWith('https://'));
  });
});
