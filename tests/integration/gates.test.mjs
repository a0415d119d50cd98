// Issue 12 (compare, gates, SARIF baselineState, `audit run`) on real
// workerd. A loopback fixture site whose page the test switches between
// scans: each host has its own page and headers.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath, startDoh, listen, root } from './harness.mjs';
import { goodHtml } from './fixtures.mjs';

const require = createRequire(import.meta.url);
const w = new Worker();
let site, doh;

const GOOD = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-cache',
};
const BAD = { 'content-type': 'text/html', server: 'Apache/2.4.1 (Unix)', 'x-powered-by': 'PHP/5.6.40' };

const page = (body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Gates</title></head><body><main><h1>Gates</h1>
${body}
<p>Text.</p></main></body></html>`;
// V1: an image without alt, two unnamed buttons.
const V1 = page('<img src="/hero.png" width="10" height="10">\n<button></button><button class="b2"></button>');
// V2: the image fixed, one button fixed (same finding, other evidence), an empty link added.
const V2 = page('<img src="/hero.png" alt="Hero" width="10" height="10">\n<button></button><button class="b2">Go</button>\n<a href="/x"></a>');

/** host -> {html, headers}; unknown hosts get V1 with good headers. */
const pages = new Map();
const setPage = (host, html, headers = GOOD) => pages.set(host, { html, headers });

function startSite() {
  const server = createServer((req, res) => {
    const host = (req.headers['x-forwarded-host'] ?? '').toLowerCase().replace(/:\d+$/, '');
    const proto = req.headers['x-forwarded-proto'] ?? 'http';
    const send = (status, headers, body = '') => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (proto === 'http') return send(301, { location: `https://${host}${req.url}` });
    if (req.url === '/.well-known/security.txt') return send(404, {}, 'no');
    if (/\.(css|js|png)$/.test(req.url)) return send(200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=31536000, immutable' }, '0123456789');
    const p = pages.get(host) ?? { html: V1, headers: GOOD };
    send(200, p.headers, p.html);
  });
  server.keepAliveTimeout = 1000;
  return server;
}

before(async () => {
  site = startSite();
  const sitePort = await listen(site);
  // One name resolves to a private address: its scans fail with blocked_target.
  doh = startDoh({ 'private.krafter-fixture.com': ['10.0.0.1'] });
  const dohPort = await listen(doh.server);
  await w.start({ vars: { SCAN_HOST_OVERRIDES: `*=127.0.0.1:${sitePort}`, DOH_URL: `http://127.0.0.1:${dohPort}/dns-query`, RATE_LIMIT_STANDARD: '100000' } });
});
after(async () => {
  await w.stop();
  site?.close();
  doh?.server.close();
});

const SEV = ['critical', 'high', 'medium', 'low', 'info'];

/** A new org with a read-write key. */
function tenant() {
  const org = randomUUID();
  const [key] = w.createKeys([{ org }]);
  return { org, key };
}

/** Runs a scan of `url` (optionally gated) and waits for it. */
async function scan(t, project, url, gate) {
  const body = { url };
  if (gate !== undefined) body.gate = gate;
  const r = await w.api('POST', `${projectPath(t.org, project)}/scans/run`, { key: t.key, body });
  assert.equal(r.status, 202, r.text);
  assert.equal('gate' in r.json.data, false, 'a queued scan keeps the spec shape');
  const s = await w.waitForScan(t.org, project, r.json.data.id, t.key);
  assert.equal(s.status, 'completed', JSON.stringify(s));
  return s;
}

async function findingsOf(t, project, scanId) {
  const r = await w.api('GET', `${projectPath(t.org, project)}/scans/${scanId}/findings?limit=100`, { key: t.key });
  assert.equal(r.status, 200);
  return r.json.data;
}

const compare = (t, project, id, base) =>
  w.api('GET', `${projectPath(t.org, project)}/scans/${id}/compare${base ? `?base=${base}` : ''}`, { key: t.key });
const byRule = (list) => new Map(list.map((f) => [f.rule_id, f]));
const ids = (list) => list.map((f) => f.id).sort();

describe('compare', () => {
  test('after fixing and breaking the site: new, fixed, changed, unchanged, deltas, security', async () => {
    const t = tenant();
    const url = 'https://cmp.krafter-fixture.com/';
    setPage('cmp.krafter-fixture.com', V1);
    const s1 = await scan(t, 'cmp', url);
    setPage('cmp.krafter-fixture.com', V2);
    const s2 = await scan(t, 'cmp', url);
    const f1 = await findingsOf(t, 'cmp', s1.id);
    const f2 = await findingsOf(t, 'cmp', s2.id);

    const r = await compare(t, 'cmp', s2.id);
    assert.equal(r.status, 200, r.text);
    const d = r.json.data;
    assert.equal(d.scan_id, s2.id);
    assert.equal(d.base_scan_id, s1.id, 'the previous completed scan of the URL');
    assert.deepEqual(d.new.map((f) => f.rule_id), ['link-name']);
    assert.deepEqual(d.fixed.map((f) => f.rule_id), ['image-alt']);
    assert.deepEqual(d.changed.map((f) => f.rule_id), ['button-name']);
    const btn = d.changed[0];
    assert.equal(btn.evidence_changed, true);
    assert.equal(btn.severity_changed, false);
    assert.equal(btn.previous_severity, btn.severity);
    // Every finding of either scan is in exactly one list, by fingerprint.
    const both = new Set(f1.map((f) => f.id).filter((id) => f2.some((g) => g.id === id)));
    assert.equal(d.unchanged.length + d.changed.length, both.size);
    assert.ok(d.unchanged.length > 0);
    assert.equal(d.new.length + d.unchanged.length + d.changed.length, f2.length);
    assert.equal(d.fixed.length + d.unchanged.length + d.changed.length, f1.length);
    // Items carry id, fingerprint, rule, domain, severity, title of the stored findings.
    const link = f2.find((f) => f.rule_id === 'link-name');
    assert.deepEqual(
      Object.keys(d.new[0]).sort(),
      ['domain', 'fingerprint', 'id', 'rule_id', 'severity', 'title'],
    );
    assert.equal(d.new[0].id, link.id);
    assert.equal(d.new[0].severity, link.severity);
    assert.equal(d.fixed[0].id, f1.find((f) => f.rule_id === 'image-alt').id);
    // Deltas are the scans' own counts.
    for (const sev of SEV) {
      const n = (s) => ['security', 'performance', 'accessibility'].reduce((a, dom) => a + s.summary[dom][sev], 0);
      assert.deepEqual(d.deltas.by_severity[sev], { scan: n(s2), base: n(s1), delta: n(s2) - n(s1) }, sev);
    }
    for (const dom of ['security', 'performance', 'accessibility']) {
      const n = (s) => SEV.reduce((a, sev) => a + s.summary[dom][sev], 0);
      assert.deepEqual(d.deltas.by_domain[dom], { scan: n(s2), base: n(s1), delta: n(s2) - n(s1) }, dom);
    }
    assert.deepEqual(d.security.scan, { score: s2.summary.security_score, grade: s2.summary.security_grade });
    assert.deepEqual(d.security.base, { score: s1.summary.security_score, grade: s1.summary.security_grade });

    // An explicit base gives the same answer; the other way round swaps new and fixed.
    const explicit = await compare(t, 'cmp', s2.id, s1.id);
    assert.deepEqual(explicit.json.data, d);
    const back = (await compare(t, 'cmp', s1.id, s2.id)).json.data;
    assert.deepEqual(back.new.map((f) => f.rule_id), ['image-alt']);
    assert.deepEqual(back.fixed.map((f) => f.rule_id), ['link-name']);

    // The first scan of the URL has no baseline: everything is new.
    const first = (await compare(t, 'cmp', s1.id)).json.data;
    assert.equal(first.base_scan_id, null);
    assert.equal(first.security.base, null);
    assert.equal(first.new.length, s1.summary.total);
    assert.deepEqual([first.fixed, first.unchanged, first.changed], [[], [], []]);
  });

  test('errors: unknown or other-project scans 404, unfinished 409, failed 422, other org 403', async () => {
    const t = tenant();
    const s = await scan(t, 'cmp-err', 'https://cmp-err.krafter-fixture.com/');
    const other = await scan(t, 'cmp-other', 'https://cmp-err.krafter-fixture.com/');
    const expectError = async (r, status, code) => {
      assert.equal(r.status, status, r.text);
      assert.equal(r.json.data, null);
      assert.equal(r.json.error.code, code);
    };
    await expectError(await compare(t, 'cmp-err', randomUUID()), 404, 'not_found');
    await expectError(await compare(t, 'cmp-err', 'not-a-uuid'), 404, 'not_found');
    await expectError(await compare(t, 'cmp-err', s.id, randomUUID()), 404, 'not_found');
    await expectError(await compare(t, 'cmp-err', s.id, other.id), 404, 'not_found');
    // An empty ?base= names no scan (it is not the same as leaving base out).
    await expectError(await w.api('GET', `${projectPath(t.org, 'cmp-err')}/scans/${s.id}/compare?base=`, { key: t.key }), 404, 'not_found');
    const now = Date.now();
    const queued = randomUUID();
    const failed = randomUUID();
    w.sql(`INSERT INTO scans (id, org_id, project_id, url, trigger, status, summary, started_at, inserted_at, updated_at) VALUES
      ('${queued}', '${t.org}', 'cmp-err', 'https://cmp-err.krafter-fixture.com/', 'manual', 'queued', '{}', ${now}, ${now}, ${now}),
      ('${failed}', '${t.org}', 'cmp-err', 'https://cmp-err.krafter-fixture.com/', 'manual', 'failed', '{}', ${now}, ${now}, ${now});`);
    await expectError(await compare(t, 'cmp-err', queued), 409, 'conflict');
    await expectError(await compare(t, 'cmp-err', s.id, queued), 409, 'conflict');
    const f = await compare(t, 'cmp-err', s.id, failed);
    await expectError(f, 422, 'invalid_params');
    assert.ok(f.json.error.details.base);
    await expectError(await compare(t, 'cmp-err', failed), 422, 'invalid_params');
    const stranger = tenant();
    const r = await w.api('GET', `${projectPath(t.org, 'cmp-err')}/scans/${s.id}/compare`, { key: stranger.key });
    await expectError(r, 403, 'forbidden');
  });
});

describe('gates', () => {
  test('fail_on fails on a finding at or above the severity, passes below it, skips ignored findings', async () => {
    const t = tenant();
    const url = 'https://fail-on.krafter-fixture.com/';
    setPage('fail-on.krafter-fixture.com', V1);
    const plain = await scan(t, 'g', url);
    assert.equal(plain.gate, null, 'no gate in the request and no project default');
    const findings = await findingsOf(t, 'g', plain.id);
    const worst = SEV.find((s) => findings.some((f) => f.severity === s));
    assert.ok(worst && worst !== 'info');
    const atLeast = (sev) => findings.filter((f) => SEV.indexOf(f.severity) <= SEV.indexOf(sev));

    const failed = await scan(t, 'g', url, { fail_on: worst });
    assert.equal(failed.gate.passed, false);
    assert.equal(failed.gate.source, 'request');
    assert.deepEqual(failed.gate.conditions, { fail_on: worst });
    assert.equal(failed.gate.baseline_scan_id, plain.id);
    assert.equal(failed.gate.reasons.length, 1);
    assert.equal(failed.gate.reasons[0].condition, 'fail_on');
    assert.deepEqual(failed.gate.reasons[0].finding_ids.sort(), ids(atLeast(worst)));

    const low = await scan(t, 'g', url, { fail_on: 'low' });
    assert.deepEqual(low.gate.reasons[0].finding_ids.sort(), ids(atLeast('low')));

    if (worst !== 'critical') {
      const above = SEV[SEV.indexOf(worst) - 1];
      const ok = await scan(t, 'g', url, { fail_on: above });
      assert.deepEqual([ok.gate.passed, ok.gate.reasons], [true, []]);
    }
    // Findings triaged as ignored no longer fail the gate.
    for (const f of atLeast(worst)) {
      const p = await w.api('PATCH', `${projectPath(t.org, 'g')}/findings/${f.id}`, { key: t.key, body: { status: 'ignored' } });
      assert.equal(p.status, 200, p.text);
    }
    const afterIgnore = await scan(t, 'g', url, { fail_on: worst });
    assert.equal(afterIgnore.gate.passed, true, JSON.stringify(afterIgnore.gate));
  });

  test('new_only counts only what is new since the baseline; max_new caps new findings', async () => {
    const t = tenant();
    const host = 'new-only.krafter-fixture.com';
    const url = `https://${host}/`;
    setPage(host, V1);
    const s1 = await scan(t, 'g', url);
    setPage(host, V2);
    const g = { fail_on: 'low', new_only: true };
    const s2 = await scan(t, 'g', url, g);
    const f2 = byRule(await findingsOf(t, 'g', s2.id));
    assert.equal(s2.gate.passed, false);
    assert.equal(s2.gate.baseline_scan_id, s1.id);
    assert.deepEqual(s2.gate.reasons.map((r) => r.condition), ['fail_on']);
    // link-name is the one new finding; button-name only changed its evidence.
    assert.deepEqual(s2.gate.reasons[0].finding_ids, [f2.get('link-name').id]);
    // The same page again: nothing new, so the same gate passes.
    const s3 = await scan(t, 'g', url, g);
    assert.equal(s3.gate.baseline_scan_id, s2.id);
    assert.deepEqual([s3.gate.passed, s3.gate.reasons], [true, []]);
    const s4 = await scan(t, 'g', url, { max_new: 0 });
    assert.equal(s4.gate.passed, true);
    // Break the image again: new since the baseline, which max_new counts.
    setPage(host, V1);
    const s5 = await scan(t, 'g', url, { max_new: 0 });
    const cmp = (await compare(t, 'g', s5.id)).json.data;
    assert.equal(cmp.base_scan_id, s4.id);
    assert.ok(cmp.new.length >= 1);
    assert.equal(s5.gate.passed, false);
    assert.equal(s5.gate.reasons[0].condition, 'max_new');
    assert.deepEqual(s5.gate.reasons[0].finding_ids.sort(), ids(cmp.new));
    setPage(host, V2);
    await scan(t, 'g', url);
    setPage(host, V1);
    const s7 = await scan(t, 'g', url, { max_new: cmp.new.length });
    assert.equal(s7.gate.passed, true, JSON.stringify(s7.gate));
  });

  test('min_security_grade compares with the scan grade; every failed condition is a reason', async () => {
    const t = tenant();
    const host = 'grade.krafter-fixture.com';
    const url = `https://${host}/`;
    setPage(host, V1, GOOD);
    const good = await scan(t, 'g', url);
    const grade = good.summary.security_grade;
    const pass = await scan(t, 'g', url, { min_security_grade: grade });
    assert.equal(pass.gate.passed, true, JSON.stringify(pass.gate));
    setPage(host, V1, BAD);
    const bad = await scan(t, 'g', url, { min_security_grade: grade });
    assert.notEqual(bad.summary.security_grade, grade);
    assert.equal(bad.gate.passed, false);
    assert.equal(bad.gate.reasons[0].condition, 'min_security_grade');
    assert.match(bad.gate.reasons[0].message, new RegExp(`security grade ${bad.summary.security_grade.replace('+', '\\+')} is below`));
    const security = (await findingsOf(t, 'g', bad.id)).filter((f) => f.domain === 'security' && f.severity !== 'info');
    assert.deepEqual(bad.gate.reasons[0].finding_ids.sort(), ids(security));
    const all = await scan(t, 'g', url, { fail_on: 'low', max_new: 0, min_security_grade: 'A+' });
    // The baseline is the previous scan (the same page): nothing is new.
    assert.deepEqual(all.gate.reasons.map((r) => r.condition), ['fail_on', 'min_security_grade']);
    setPage(host, V2, BAD);
    const all2 = await scan(t, 'g', url, { fail_on: 'low', max_new: 0, min_security_grade: 'A+' });
    assert.deepEqual(all2.gate.reasons.map((r) => r.condition), ['fail_on', 'max_new', 'min_security_grade']);
  });

  test('bad gates are 422 naming each field; a failed scan carries gate null', async () => {
    const t = tenant();
    const r = await w.api('POST', `${projectPath(t.org, 'g')}/scans/run`, {
      key: t.key,
      body: { url: 'https://x.krafter-fixture.com/', gate: { fail_on: 'severe', new_only: 'yes', min_security_grade: 'E', max_new: -1, failon: 'high' } },
    });
    assert.equal(r.status, 422);
    assert.equal(r.json.error.code, 'invalid_params');
    assert.deepEqual(Object.keys(r.json.error.details).sort(), ['gate.fail_on', 'gate.failon', 'gate.max_new', 'gate.min_security_grade', 'gate.new_only']);
    const notObject = await w.api('POST', `${projectPath(t.org, 'g')}/scans/run`, { key: t.key, body: { url: 'https://x.krafter-fixture.com/', gate: 'high' } });
    assert.equal(notObject.status, 422);
    assert.ok(notObject.json.error.details.gate);
    const run = await w.api('POST', `${projectPath(t.org, 'g')}/scans/run`, { key: t.key, body: { url: 'https://private.krafter-fixture.com/', gate: { fail_on: 'low' } } });
    const s = await w.waitForScan(t.org, 'g', run.json.data.id, t.key);
    assert.equal(s.status, 'failed');
    assert.equal(s.error.code, 'blocked_target');
    assert.equal(s.gate, null);
  });

  test("the project's default gate: GET/PUT/DELETE, applied when the request has none", async () => {
    const t = tenant();
    const gatePath = `${projectPath(t.org, 'def')}/gate`;
    const empty = await w.api('GET', gatePath, { key: t.key });
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json.data, { project_id: 'def', gate: null, updated_at: null });
    const bad = await w.api('PUT', gatePath, { key: t.key, body: { fail_on: 'info', max_new: 'none' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(Object.keys(bad.json.error.details).sort(), ['fail_on', 'max_new']);
    const [reader] = w.createKeys([{ org: t.org, scopes: 'audit:read' }]);
    const denied = await w.api('PUT', gatePath, { key: reader, body: { fail_on: 'low' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.code, 'insufficient_scope');
    const put = await w.api('PUT', gatePath, { key: t.key, body: { fail_on: 'low', new_only: false } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.json.data.gate, { fail_on: 'low', new_only: false });
    assert.match(put.json.data.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual((await w.api('GET', gatePath, { key: reader })).json.data, put.json.data);
    // Scoped to the project.
    assert.equal((await w.api('GET', `${projectPath(t.org, 'other')}/gate`, { key: t.key })).json.data.gate, null);

    const url = 'https://default-gate.krafter-fixture.com/';
    setPage('default-gate.krafter-fixture.com', V1);
    const byDefault = await scan(t, 'def', url);
    assert.equal(byDefault.gate.source, 'project');
    assert.deepEqual(byDefault.gate.conditions, { fail_on: 'low', new_only: false });
    assert.equal(byDefault.gate.passed, false);
    // A request's gate replaces the default (an empty gate always passes).
    const own = await scan(t, 'def', url, {});
    assert.deepEqual([own.gate.source, own.gate.passed], ['request', true]);
    // Another project of the org has no gate.
    assert.equal((await scan(t, 'other', url)).gate, null);
    const del = await w.api('DELETE', gatePath, { key: t.key });
    assert.equal(del.status, 200);
    assert.equal(del.json.data.deleted, true);
    assert.equal((await w.api('DELETE', gatePath, { key: t.key })).json.data.deleted, false);
    assert.equal((await scan(t, 'def', url)).gate, null);
  });
});

describe('SARIF baselineState', () => {
  test('new, unchanged, updated and absent against the baseline; valid SARIF 2.1.0', async () => {
    const t = tenant();
    const host = 'sarif-base.krafter-fixture.com';
    setPage(host, V1);
    const s1 = await scan(t, 'sb', `https://${host}/`);
    setPage(host, V2);
    const s2 = await scan(t, 'sb', `https://${host}/`);
    const Ajv = require('ajv');
    const ajv = new Ajv({ schemaId: 'auto', allErrors: true, unknownFormats: 'ignore' });
    ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const sarif = async (id, base) => {
      const r = await w.api('GET', `${projectPath(t.org, 'sb')}/scans/${id}/findings.sarif${base ? `?base=${base}` : ''}`, { key: t.key });
      assert.equal(r.status, 200);
      assert.ok(ajv.validate(schema, r.json), JSON.stringify(ajv.errors?.slice(0, 5)));
      return r.json.runs[0];
    };
    // A wrong state must fail the schema, or the checks above prove nothing.
    assert.equal(ajv.validate(schema, { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, baselineState: 'gone' }] }] }), false);
    const run = await sarif(s2.id);
    assert.equal(run.baselineGuid, s1.id);
    const state = new Map();
    for (const r of run.results) {
      const prev = state.get(r.ruleId);
      assert.ok(!prev || prev === r.baselineState, `one state per rule: ${r.ruleId}`);
      state.set(r.ruleId, r.baselineState);
    }
    assert.equal(state.get('link-name'), 'new');
    assert.equal(state.get('button-name'), 'updated');
    assert.equal(state.get('image-alt'), 'absent');
    const unchanged = [...state].filter(([, s]) => s === 'unchanged').map(([r]) => r);
    const cmp = (await compare(t, 'sb', s2.id)).json.data;
    assert.deepEqual(unchanged.sort(), cmp.unchanged.map((f) => f.rule_id).sort());
    assert.ok(unchanged.length > 0);
    const absent = run.results.find((r) => r.ruleId === 'image-alt');
    assert.equal(absent.partialFingerprints['auditFingerprint/v1'], cmp.fixed[0].fingerprint);
    assert.ok(run.tool.driver.rules.some((d) => d.id === 'image-alt'), 'absent results have a rule descriptor');
    // The first scan has no baseline: every result is new.
    const first = await sarif(s1.id);
    assert.equal(first.baselineGuid, undefined);
    assert.ok(first.results.length > 0 && first.results.every((r) => r.baselineState === 'new'));
    // ?base= as in compare.
    const rev = await sarif(s1.id, s2.id);
    assert.equal(rev.results.find((r) => r.ruleId === 'image-alt').baselineState, 'new');
    assert.equal(rev.results.find((r) => r.ruleId === 'link-name').baselineState, 'absent');
  });
});

describe('audit run', () => {
  const bin = join(root, 'target/ci/audit');
  before(() => {
    // Up to date after `npm test`'s cargo step (the same profile and features); built here otherwise.
    const b = spawnSync('cargo', ['build', '--profile', 'ci', '--quiet', '--features', 'cli', '--bin', 'audit'], { cwd: root, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
    assert.ok(existsSync(bin));
  });

  /** Runs the CLI without blocking this process (the fixture site lives here). */
  function cli(args, env = {}) {
    return new Promise((resolve) => {
      const p = spawn(bin, ['run', ...args], { env: { PATH: process.env.PATH, ...env } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  test('exit codes: 0 passed or no gate, 1 gate or scan failed, 2 usage and API errors', async () => {
    const t = tenant();
    const host = 'cli.krafter-fixture.com';
    setPage(host, V1);
    const env = { AUDIT_API_KEY: t.key.secret };
    const base = ['--api', w.base, '--org', t.org, '--project', 'cli', '--poll', '0.3', '--timeout', '60'];
    const url = ['--url', `https://${host}/`];

    const none = await cli([...base, ...url], env);
    assert.equal(none.code, 0, none.stderr + none.stdout);
    assert.match(none.stdout, /gate: none/);
    assert.match(none.stdout, /no baseline/);
    assert.match(none.stderr, /queued/);

    setPage(host, V2);
    const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
    const failed = await cli([...base, ...url, '--gate', '{"fail_on":"low","new_only":true}', '--sarif', join(dir, 'a.sarif'), '--trigger', 'post_deploy'], env);
    // A terminal session for the closing note (node --test prints it as diagnostics).
    console.log(`$ audit run … --gate '{"fail_on":"low","new_only":true}' --sarif a.sarif\n${failed.stderr}${failed.stdout}(exit ${failed.code})`);
    assert.equal(failed.code, 1, failed.stderr + failed.stdout);
    assert.match(failed.stdout, /compared with [0-9a-f-]{36}: 1 new, 1 fixed, 1 changed/);
    assert.match(failed.stdout, /FAILED/);
    assert.match(failed.stdout, /fail_on: 1 finding at low or above new since the baseline/);
    assert.match(failed.stdout, /link-name/);
    const written = JSON.parse(readFileSync(join(dir, 'a.sarif'), 'utf8'));
    assert.equal(written.version, '2.1.0');
    assert.ok(written.runs[0].results.some((r) => r.baselineState === 'absent'));
    rmSync(dir, { recursive: true, force: true });

    const passed = await cli([...base, ...url, '--gate', '{"fail_on":"low","new_only":true}'], env);
    assert.equal(passed.code, 0, passed.stderr + passed.stdout);
    assert.match(passed.stdout, /passed/);

    // The same Idempotency-Key twice: one scan.
    const k = ['--idempotency-key', `deploy-${randomUUID()}`];
    const a = await cli([...base, ...url, ...k], env);
    const b = await cli([...base, ...url, ...k], env);
    const scanId = (r) => r.stdout.match(/^scan (\S+) completed/m)?.[1];
    assert.ok(scanId(a));
    assert.equal(scanId(a), scanId(b));

    const scanFailed = await cli([...base, '--url', 'https://private.krafter-fixture.com/'], env);
    assert.equal(scanFailed.code, 1, scanFailed.stderr + scanFailed.stdout);
    assert.match(scanFailed.stdout, /failed: blocked_target/);

    assert.equal((await cli([...base], env)).code, 2, 'no --url');
    const badGate = await cli([...base, ...url, '--gate', '{"fail_on":"severe"}'], env);
    assert.equal(badGate.code, 2);
    assert.match(badGate.stderr, /fail_on/);
    assert.equal((await cli([...base, ...url, '--bogus'], env)).code, 2);
    assert.equal((await cli([...base, ...url], {})).code, 2, 'no AUDIT_API_KEY');
    const wrongKey = await cli([...base, ...url], { AUDIT_API_KEY: 'kr_live_' + 'x'.repeat(40) });
    assert.equal(wrongKey.code, 2);
    assert.match(wrongKey.stderr, /HTTP 401: unauthorized/);
    const wrongProject = await cli(['--api', w.base, '--org', t.org, '--project', 'UPPER', ...url], env);
    assert.equal(wrongProject.code, 2);
    assert.match(wrongProject.stderr, /HTTP 422/);
    const unreachable = await cli(['--api', 'http://127.0.0.1:9', '--org', t.org, '--project', 'cli', ...url], env);
    assert.equal(unreachable.code, 2);
  });
});
