// Issue 6: schedules and the cron, idempotent Run Scan, housekeeping,
// observability — against real workerd (the API and scanner Workers), crons
// fired on the scanner through the harness. The minute cron fans due
// schedules out through the queue, so tests wait for the org's schedule
// pages to be processed before counting scans.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath } from './harness.mjs';

const DAY = 86_400_000;
const MINUTE_CRON = '* * * * *';
const HOURLY_CRON = '17 * * * *';
const w = new Worker();

before(() => w.start({ vars: { RATE_LIMIT_STANDARD: '100000', SCHEDULED_SCANS_PER_HOUR: '3', RETENTION_DAYS: '30' } }));
after(() => w.stop());

function tenant() {
  const org = randomUUID();
  const [key, readKey] = w.createKeys([{ org }, { org, scopes: 'audit:read' }]);
  return { org, key, readKey, base: projectPath(org, 'ops') };
}
const scheduledScans = (org) => w.query(`SELECT id, schedule_id, status, trigger FROM scans WHERE org_id = '${org}' AND trigger = 'scheduled'`);
const makeDue = (id, ms = Date.now() - 60_000) => w.query(`UPDATE schedules SET next_run_at = ${ms} WHERE id = '${id}'`);
// An hourly slot half an hour away: two crons a few seconds apart must not
// straddle the schedule's next slot (at xx:59:59 a slot at minute 0 is due
// again a second later, which is right, and not what a test of one slot means).
const farMinute = () => (new Date().getUTCMinutes() + 30) % 60;

describe('schedules API', () => {
  const t = tenant();
  let id;

  test('create: 201, masked URL, next_run_at in the future', async () => {
    const sent = Date.now();
    const r = await w.api('POST', `${t.base}/schedules`, { key: t.key, body: { url: 'https://user:pw@shop.krafter-fixture.com/private?token=s3cret', cadence: 'daily', hour: 3, minute: 30, name: 'nightly' } });
    assert.equal(r.status, 201, r.text);
    const d = r.json.data;
    id = d.id;
    assert.equal(r.headers.get('location'), `${t.base}/schedules/${id}`);
    assert.equal(d.url, 'https://shop.krafter-fixture.com');
    assert.ok(!r.text.includes('s3cret') && !r.text.includes('private') && !r.text.includes('pw@'));
    assert.deepEqual([d.cadence, d.hour, d.minute, d.enabled, d.name, d.trigger], ['daily', 3, 30, true, 'nightly', 'scheduled']);
    assert.match(d.next_run_at, /T03:30:00Z$/);
    assert.ok(Date.parse(d.next_run_at) > sent);
    assert.equal(d.last_run_at, null);
    assert.equal(d.last_scan_id, null);
  });

  test('list, get, update, validation, scopes', async () => {
    const l = await w.api('GET', `${t.base}/schedules`, { key: t.readKey });
    assert.deepEqual(l.json.data.map((s) => s.id), [id]);
    assert.equal((await w.api('GET', `${t.base}/schedules/${id}`, { key: t.readKey })).json.data.id, id);
    const u = await w.api('PATCH', `${t.base}/schedules/${id}`, { key: t.key, body: { cadence: 'weekly', weekday: 1, hour: 9 } });
    assert.equal(u.status, 200, u.text);
    assert.deepEqual([u.json.data.cadence, u.json.data.weekday, u.json.data.hour, u.json.data.minute], ['weekly', 1, 9, 0]);
    assert.equal(new Date(u.json.data.next_run_at).getUTCDay(), 1);
    for (const body of [{ url: 'http://169.254.169.254/', cadence: 'daily' }, { url: 'https://a.krafter-fixture.com', cadence: 'weekly' }, { url: 'https://a.krafter-fixture.com', cadence: 'every 5 min' }, { url: 'https://a.krafter-fixture.com', cadence: 'daily', hour: 25 }]) {
      const r = await w.api('POST', `${t.base}/schedules`, { key: t.key, body });
      assert.equal(r.status, 422, JSON.stringify(body));
    }
    assert.equal((await w.api('PATCH', `${t.base}/schedules/${id}`, { key: t.key, body: { enabled: 'no' } })).status, 422);
    assert.equal((await w.api('POST', `${t.base}/schedules`, { key: t.readKey, body: { url: 'https://a.krafter-fixture.com', cadence: 'daily' } })).status, 403);
    assert.equal((await w.api('GET', `${t.base}/schedules/${randomUUID()}`, { key: t.key })).status, 404);
  });

  test('another org can neither see nor change it', async () => {
    const other = tenant();
    for (const [m, body] of [['GET'], ['PATCH', { enabled: false }], ['DELETE']]) {
      const r = await w.api(m, `${t.base}/schedules/${id}`, { key: other.key, body });
      assert.equal(r.status, 403);
      assert.ok(!r.text.includes(id));
    }
    assert.deepEqual((await w.api('GET', `${other.base}/schedules`, { key: other.key })).json.data, []);
    assert.equal((await w.api('GET', `${other.base}/schedules/${id}`, { key: other.key })).status, 404);
  });
});

describe('the cron', () => {
  test('a due schedule gives exactly one scheduled scan even when the cron fires twice at once', async () => {
    const t = tenant();
    const minute = farMinute();
    const s = (await w.api('POST', `${t.base}/schedules`, { key: t.key, body: { url: 'https://due.krafter-fixture.com/', cadence: 'hourly', minute } })).json.data;
    makeDue(s.id);
    // Slots are compared with the time the cron fired: an hourly slot may be
    // seconds away then and already past by the time the test reads it. The
    // upper bound is an hour after the read (the cron's clock is later than `fired`).
    const fired = Date.now();
    const statuses = await Promise.all([w.cron(MINUTE_CRON), w.cron(MINUTE_CRON), w.cron(MINUTE_CRON)]);
    assert.deepEqual(statuses, [200, 200, 200]);
    const pages = await w.settleSchedules(t.org);
    assert.equal(pages.reduce((n, p) => n + p.created, 0), 1, JSON.stringify(pages));
    const scans = scheduledScans(t.org);
    assert.equal(scans.length, 1);
    assert.equal(scans[0].schedule_id, s.id);
    const after = (await w.api('GET', `${t.base}/schedules/${s.id}`, { key: t.key })).json.data;
    assert.equal(after.last_scan_id, scans[0].id);
    assert.ok(Date.parse(after.next_run_at) > fired && Date.parse(after.next_run_at) <= Date.now() + 3_600_000, after.next_run_at);
    assert.match(after.next_run_at, new RegExp(`:${String(minute).padStart(2, '0')}:00Z$`));
    const done = await w.waitForScan(t.org, 'ops', scans[0].id, t.key);
    assert.equal(done.trigger, 'scheduled');
    assert.equal(done.status, 'completed');
    await w.cron(MINUTE_CRON);
    await w.settleSchedules(t.org, { min: 0 });
    assert.equal(scheduledScans(t.org).length, 1, 'not due again until its next slot');
  });

  test('missed slots after downtime give one catch-up scan, not a burst', async () => {
    const t = tenant();
    const s = (await w.api('POST', `${t.base}/schedules`, { key: t.key, body: { url: 'https://late.krafter-fixture.com/', cadence: 'hourly', minute: farMinute() } })).json.data;
    makeDue(s.id, Date.now() - 5 * 3_600_000);
    await w.cron(MINUTE_CRON);
    await w.settleSchedules(t.org);
    await w.cron(MINUTE_CRON);
    await w.settleSchedules(t.org, { min: 0 });
    assert.equal(scheduledScans(t.org).length, 1);
  });

  test('not yet due: none; disabled: none; deleted: none', async () => {
    const t = tenant();
    const mk = async (host) => (await w.api('POST', `${t.base}/schedules`, { key: t.key, body: { url: `https://${host}.krafter-fixture.com/`, cadence: 'daily' } })).json.data;
    await mk('future');
    const off = await mk('off');
    makeDue(off.id);
    assert.equal((await w.api('PATCH', `${t.base}/schedules/${off.id}`, { key: t.key, body: { enabled: false } })).json.data.enabled, false);
    const gone = await mk('gone');
    makeDue(gone.id);
    const del = await w.api('DELETE', `${t.base}/schedules/${gone.id}`, { key: t.key });
    assert.equal(del.status, 200);
    assert.equal((await w.api('GET', `${t.base}/schedules/${gone.id}`, { key: t.key })).status, 404);
    assert.equal((await w.api('DELETE', `${t.base}/schedules/${gone.id}`, { key: t.key })).status, 404);
    await w.cron(MINUTE_CRON);
    await w.settleSchedules(t.org, { min: 0 });
    assert.deepEqual(w.jsonLogs().filter((l) => l.type === 'schedules' && l.org === t.org), [], 'nothing due: no page for this org');
    assert.deepEqual(scheduledScans(t.org), []);
    // Re-enabling starts from the next future slot (no catch-up for the time off).
    const sent = Date.now();
    const on = (await w.api('PATCH', `${t.base}/schedules/${off.id}`, { key: t.key, body: { enabled: true } })).json.data;
    assert.ok(Date.parse(on.next_run_at) > sent);
  });

  test('a per-org hourly cap protects the queue; scheduled scans spare the strict bucket', async () => {
    const t = tenant();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await w.api('POST', `${t.base}/schedules`, { key: t.key, body: { url: `https://cap${i}.krafter-fixture.com/`, cadence: 'hourly' } })).json.data.id);
    ids.forEach((id) => makeDue(id));
    const fired = Date.now();
    await w.cron(MINUTE_CRON);
    const pages = await w.settleSchedules(t.org);
    assert.deepEqual(pages.map((p) => [p.due, p.created, p.skipped_over_cap]), [[5, 3, 2]]);
    assert.equal(scheduledScans(t.org).length, 3, 'SCHEDULED_SCANS_PER_HOUR=3 in this Worker');
    const rows = w.query(`SELECT next_run_at FROM schedules WHERE org_id = '${t.org}'`);
    assert.ok(rows.every((r) => r.next_run_at > fired && r.next_run_at <= Date.now() + 3_600_000), `skipped slots move on too: ${JSON.stringify(rows)}`);
    const r = await w.api('POST', `${t.base}/scans/run`, { key: t.key, body: { url: 'https://x.krafter-fixture.com/' } });
    assert.equal(r.status, 202);
    assert.equal(r.headers.get('x-ratelimit-remaining'), '29');
  });
});

describe('Idempotency-Key on Run Scan', () => {
  test('same key twice: one scan, identical responses; a different body: 422', async () => {
    const t = tenant();
    const body = { url: 'https://deploy.krafter-fixture.com/', trigger: 'post_deploy' };
    const headers = { 'idempotency-key': `deploy-${randomUUID()}` };
    const a = await w.api('POST', `${t.base}/scans/run`, { key: t.key, body, headers });
    const b = await w.api('POST', `${t.base}/scans/run`, { key: t.key, body: { trigger: 'post_deploy', url: 'https://deploy.krafter-fixture.com/' }, headers });
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    assert.equal(b.text, a.text);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.equal(a.headers.get('idempotent-replayed'), null);
    assert.equal(w.query(`SELECT COUNT(*) AS n FROM scans WHERE org_id = '${t.org}'`)[0].n, 1);
    const c = await w.api('POST', `${t.base}/scans/run`, { key: t.key, body: { url: 'https://other.krafter-fixture.com/' }, headers });
    assert.equal(c.status, 422);
    assert.equal(c.json.error.code, 'invalid_params');
    // Keys are per org: another org may use the same key for its own scan.
    const o = tenant();
    const d = await w.api('POST', `${o.base}/scans/run`, { key: o.key, body, headers });
    assert.equal(d.status, 202);
    assert.notEqual(d.json.data.id, a.json.data.id);
    assert.equal((await w.api('POST', `${t.base}/scans/run`, { key: t.key, body, headers: { 'idempotency-key': 'bad key with spaces' } })).status, 422);
  });

  test('concurrent requests with one key create one scan', async () => {
    const t = tenant();
    const headers = { 'idempotency-key': randomUUID() };
    const rs = await Promise.all(Array.from({ length: 5 }, () => w.api('POST', `${t.base}/scans/run`, { key: t.key, body: { url: 'https://race.krafter-fixture.com/' }, headers })));
    assert.ok(rs.every((r) => r.status === 202 || r.status === 409), rs.map((r) => r.status).join());
    assert.equal(new Set(rs.filter((r) => r.status === 202).map((r) => r.json.data.id)).size, 1);
    assert.equal(w.query(`SELECT COUNT(*) AS n FROM scans WHERE org_id = '${t.org}'`)[0].n, 1);
  });
});

describe('housekeeping', () => {
  test('a running scan with an expired lease is recovered; out of attempts it fails with a reason', async () => {
    const t = tenant();
    const r1 = await w.api('POST', `${t.base}/scans/run`, { key: t.key, body: { url: 'https://stuck.krafter-fixture.com/' } });
    const r2 = await w.api('POST', `${t.base}/scans/run`, { key: t.key, body: { url: 'https://stuck.krafter-fixture.com/' } });
    const [a, b] = [r1.json.data.id, r2.json.data.id];
    await w.waitForScan(t.org, 'ops', a, t.key);
    await w.waitForScan(t.org, 'ops', b, t.key);
    w.query(`UPDATE scans SET status = 'running', finished_at = NULL, attempts = 1, lease_until = ${Date.now() - 1000} WHERE id = '${a}'`);
    w.query(`UPDATE scans SET status = 'running', finished_at = NULL, attempts = 3, lease_until = ${Date.now() - 1000} WHERE id = '${b}'`);
    await w.cron(MINUTE_CRON);
    const ra = await w.waitForScan(t.org, 'ops', a, t.key);
    assert.equal(ra.status, 'completed');
    const rb = (await w.api('GET', `${t.base}/scans/${b}`, { key: t.key })).json.data;
    assert.equal(rb.status, 'failed');
    assert.equal(rb.error.code, 'lease_expired');
  });

  test('retention deletes only what is past the limit; expired idempotency keys are purged', async () => {
    const t = tenant();
    const old = Date.now() - 40 * DAY, recent = Date.now() - 10 * DAY;
    const ids = { oldScan: randomUUID(), newScan: randomUUID(), oldF: randomUUID(), newF: randomUUID() };
    const scan = (id, at) => `INSERT INTO scans (id, org_id, project_id, url, trigger, status, summary, started_at, finished_at, inserted_at, updated_at) VALUES ('${id}', '${t.org}', 'ops', 'https://r.krafter-fixture.com/', 'manual', 'completed', '{}', ${at}, ${at}, ${at}, ${at});`;
    const finding = (id, scanId, at) => `INSERT INTO findings (id, org_id, project_id, fingerprint, rule_id, domain, severity, title, description, confidence, impact, effort, risk, score, asset, evidence, evidence_total, recommended_fix, refs, status, regressed, first_seen_scan_id, last_seen_scan_id, created_at, updated_at, last_seen_at) VALUES ('${id}', '${t.org}', 'ops', '${id}', 'r', 'security', 'low', 't', 'd', 1, 1, 1, 1, 1, 'https://r.krafter-fixture.com/', '[]', 0, '{}', '[]', 'new', 0, '${scanId}', '${scanId}', ${at}, ${at}, ${at});
      INSERT INTO scan_findings (scan_id, finding_id, severity, seen_at) VALUES ('${scanId}', '${id}', 'low', ${at});
      INSERT INTO finding_events (id, finding_id, org_id, actor, field, from_value, to_value, at) VALUES ('${randomUUID()}', '${id}', '${t.org}', 'k', 'status', 'new', 'acknowledged', ${at});`;
    w.sql([scan(ids.oldScan, old), scan(ids.newScan, recent), finding(ids.oldF, ids.oldScan, old), finding(ids.newF, ids.newScan, recent),
      `INSERT INTO idempotency_keys (org_id, key, request_hash, status_code, response, created_at) VALUES ('${t.org}', 'old', 'h', 202, '{}', ${Date.now() - 2 * DAY}), ('${t.org}', 'fresh', 'h', 202, '{}', ${Date.now() - 3_600_000});`].join('\n'));
    assert.equal(await w.cron(HOURLY_CRON), 200);
    const left = (table, col = 'id') => w.query(`SELECT ${col} AS v FROM ${table} WHERE ${table === 'scan_findings' || table === 'finding_events' ? 'finding_id' : col} IN ('${ids.oldScan}', '${ids.newScan}', '${ids.oldF}', '${ids.newF}')`).map((r) => r.v).sort();
    assert.deepEqual(left('scans'), [ids.newScan]);
    assert.deepEqual(left('findings'), [ids.newF]);
    assert.deepEqual(left('scan_findings', 'finding_id'), [ids.newF]);
    assert.deepEqual(left('finding_events', 'finding_id'), [ids.newF]);
    assert.deepEqual(w.query(`SELECT key FROM idempotency_keys WHERE org_id = '${t.org}'`).map((r) => r.key), ['fresh']);
  });
});

describe('observability', () => {
  test('one JSON log line per request and per scan; /health checks D1', async () => {
    const t = tenant();
    const r = await w.api('POST', `${t.base}/scans/run`, { key: t.key, body: { url: 'https://log.krafter-fixture.com/' } });
    await w.waitForScan(t.org, 'ops', r.json.data.id, t.key);
    await new Promise((res) => setTimeout(res, 500));
    const lines = w.jsonLogs();
    const req = lines.find((l) => l.type === 'request' && l.request_id === r.json.meta.request_id);
    assert.ok(req, 'request line');
    assert.deepEqual([req.org, req.route, req.status, req.method], [t.org, 'scans.run', 202, 'POST']);
    assert.ok(Number.isFinite(req.duration_ms));
    const scan = lines.find((l) => l.type === 'scan' && l.scan_id === r.json.data.id);
    assert.ok(scan, 'scan line');
    assert.equal(scan.outcome, 'completed');
    assert.ok(Number.isFinite(scan.duration_ms) && Number.isFinite(scan.timings.ttfb_ms));
    const h = await w.api('GET', '/health');
    assert.equal(h.status, 200);
    assert.deepEqual(h.json.data, { status: 'ok', d1: true });
  });
});
