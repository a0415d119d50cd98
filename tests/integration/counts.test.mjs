// Issue 13 point 7: the command center reads counts kept by triggers
// (migration 0010) instead of counting finding rows. These tests prove the
// counts stay exact: after real scans, triage changes (resolve, ignore,
// reopen), scan-driven resolves and regressions, multi-day sighting
// histories and retention deletions, every number the command center gives
// equals the one computed here directly from the findings and sightings rows
// with the command center's documented definitions (README, "Command
// center"), for several periods; and the changes each operation makes match
// what the operation did.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath, startDoh, listen } from './harness.mjs';
import { startFixtures } from './fixtures.mjs';

const DAY = 86_400_000;
const HOURLY_CRON = '17 * * * *';
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
      RETENTION_DAYS: '30',
    },
  });
});
after(async () => {
  await w.stop();
  fx?.close();
  doh?.server.close();
});

const today = Math.floor(Date.now() / DAY) * DAY;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const DOMAINS = ['security', 'performance', 'accessibility'];
const WEIGHT = { critical: 0.25, high: 0.15, medium: 0.08, low: 0.03, info: 0.01 };
const combined = (groups) =>
  Math.round((1 - groups.reduce((p, g) => p * (1 - WEIGHT[g.severity] * Math.min(1, Math.max(0, g.c))) ** g.n, 1)) * 100);
const health = (u, c) => 100 - Math.round(Math.min(95, 15 * Math.log10(1 + (u + 11 * c) / 0.21)));

/**
 * w.query, retried when the local D1 file is busy (wrangler dev may be
 * finishing a write of its own when this process opens the same file).
 */
async function query(sql, run = (x) => w.query(x)) {
  for (let attempt = 1; ; attempt++) {
    try {
      return run(sql);
    } catch (e) {
      if (attempt >= 10 || !/SQLITE_BUSY|database is locked/.test(String(e?.message))) throw e;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

/** The project's findings and sightings rows, read straight from D1 (two queries). */
async function rows(org, project) {
  const findings = await query(`SELECT id, domain, severity, status, confidence, regressed, created_at, resolved_at FROM findings WHERE org_id = '${org}' AND project_id = '${project}'`);
  const seen = await query(`SELECT sf.finding_id AS id, sf.seen_at AS at FROM scan_findings sf JOIN findings f ON f.id = sf.finding_id WHERE f.org_id = '${org}' AND f.project_id = '${project}'`);
  const sightings = new Map();
  for (const r of seen) (sightings.get(r.id) ?? sightings.set(r.id, []).get(r.id)).push(r.at);
  return { findings, sightings };
}

/**
 * The command center's numbers for [fromDay, toDay] (epoch ms of day starts),
 * computed from the rows with the README's definitions: open now and seen by
 * a scan inside the period; created / resolved inside the period (and the
 * previous one of equal length); the regression rate over findings ever resolved.
 */
function direct({ findings, sightings }, fromDay, toDay) {
  const from = fromDay, to = toDay + DAY - 1;
  const len = (toDay - fromDay) / DAY + 1;
  const pFrom = fromDay - len * DAY, pTo = fromDay - 1;
  const open = findings.filter((f) => ['new', 'acknowledged', 'in_progress'].includes(f.status) && (sightings.get(f.id) ?? []).some((t) => t >= from && t <= to));
  const groups = [];
  for (const f of open) {
    let g = groups.find((x) => x.domain === f.domain && x.severity === f.severity);
    if (!g) groups.push((g = { domain: f.domain, severity: f.severity, sum: 0, n: 0 }));
    g.sum += f.confidence;
    g.n += 1;
  }
  for (const g of groups) g.c = g.sum / g.n;
  const count = (col, a, b) => findings.filter((f) => f[col] !== null && f[col] >= a && f[col] <= b).length;
  const regressed = findings.filter((f) => f.regressed === 1).length;
  const ever = findings.filter((f) => f.status === 'resolved' || f.regressed === 1).length;
  const critical = open.filter((f) => f.severity === 'critical').length;
  const byDomain = Object.fromEntries(DOMAINS.map((d) => [d, Object.fromEntries(SEVERITIES.map((s) => [s, open.filter((f) => f.domain === d && f.severity === s).length]))]));
  return {
    health_score: health(open.length, critical),
    unresolved_findings: open.length,
    critical_findings: critical,
    unresolved_by_domain: byDomain,
    expected_impact: {
      cwv_improvement_pct: combined(groups.filter((g) => g.domain === 'performance')),
      security_risk_reduction_pct: combined(groups.filter((g) => g.domain === 'security')),
      regression_risk_pct: ever ? Math.round((regressed / ever) * 100) : 0,
    },
    trend: {
      new_findings: { current: count('created_at', from, to), previous: count('created_at', pFrom, pTo) },
      resolved_findings: { current: count('resolved_at', from, to), previous: count('resolved_at', pFrom, pTo) },
      daily: Array.from({ length: len }, (_, i) => {
        const a = fromDay + i * DAY;
        return { date: isoDay(a), new_findings: count('created_at', a, a + DAY - 1), resolved_findings: count('resolved_at', a, a + DAY - 1) };
      }),
    },
  };
}

/** The periods every check compares: the default week, 30 days, and older windows. */
const PERIODS = [
  null,
  [today - 29 * DAY, today],
  [today - 45 * DAY, today - 39 * DAY],
  [today - 40 * DAY, today - 34 * DAY],
  [today - 36 * DAY, today - 30 * DAY],
  [today - 6 * DAY, today - 4 * DAY],
  [today, today],
];

function tenant(project) {
  const org = randomUUID();
  const [key] = w.createKeys([{ org }]);
  const base = projectPath(org, project);
  const cc = async (period) => {
    const qs = period ? `?date_from=${isoDay(period[0])}&date_to=${isoDay(period[1])}` : '';
    const r = await w.api('GET', `${base}/command-center${qs}`, { key });
    assert.equal(r.status, 200, r.text);
    return r.json.data;
  };
  /** Compares every counted number of the command center with `direct`, for each period; returns the default period's. */
  const check = async (label) => {
    let first;
    const data = await rows(org, project);
    for (const period of PERIODS) {
      const got = await cc(period);
      const [a, b] = period ?? [today - 6 * DAY, today];
      const want = direct(data, a, b);
      const pick = ({ health_score, unresolved_findings, critical_findings, unresolved_by_domain, expected_impact, trend }) => ({
        health_score, unresolved_findings, critical_findings, unresolved_by_domain, expected_impact,
        trend: { new_findings: trend.new_findings, resolved_findings: trend.resolved_findings, daily: trend.daily },
      });
      assert.deepEqual(pick(got), want, `${label}: period ${isoDay(a)}..${isoDay(b)}`);
      // The top five are open findings seen in the period, and as many as there are (up to 5).
      assert.equal(got.top_priorities.length, Math.min(5, want.unresolved_findings), `${label}: top priorities`);
      assert.ok(got.top_priorities.every((f) => ['new', 'acknowledged', 'in_progress'].includes(f.status)));
      first ??= got;
    }
    return first;
  };
  const scan = async (url) => {
    const r = await w.api('POST', `${base}/scans/run`, { key, body: { url } });
    assert.equal(r.status, 202, r.text);
    const s = await w.waitForScan(org, project, r.json.data.id, key);
    assert.equal(s.status, 'completed', JSON.stringify(s));
    return s;
  };
  const patch = async (id, body) => {
    const r = await w.api('PATCH', `${base}/findings/${id}`, { key, body });
    assert.equal(r.status, 200, r.text);
    return r.json.data;
  };
  const findings = async (qs = '') => (await w.api('GET', `${base}/findings?limit=100${qs}`, { key })).json.data;
  return { org, key, base, cc, check, scan, patch, findings };
}

describe('the command center counts stay exact', () => {
  test('through scans, triage (resolve, ignore, reopen), scan resolves and regressions', async () => {
    const t = tenant('live');
    const empty = await t.check('empty project');
    assert.equal(empty.unresolved_findings, 0);
    assert.equal(empty.health_score, 100);

    fx.state.flip = 'bad';
    const s1 = await t.scan('https://flip.krafter-fixture.com/');
    const s2 = await t.scan('https://bad.krafter-fixture.com/');
    let c = await t.check('after two scans');
    assert.equal(c.unresolved_findings, s1.summary.total + s2.summary.total);
    assert.equal(c.trend.new_findings.current, s1.summary.total + s2.summary.total);

    // Triage: resolve one, ignore one, start one; each moves the counts by one.
    const open = await t.findings('&status=new');
    const [a, b, d] = open;
    await t.patch(a.id, { status: 'resolved', note: 'fixed by hand' });
    c = await t.check('after a manual resolve');
    assert.equal(c.unresolved_findings, s1.summary.total + s2.summary.total - 1);
    assert.equal(c.trend.resolved_findings.current, 1);
    await t.patch(b.id, { status: 'ignored' });
    await t.patch(d.id, { status: 'in_progress', owner_id: 'alice' });
    c = await t.check('after ignore and in_progress');
    assert.equal(c.unresolved_findings, s1.summary.total + s2.summary.total - 2, 'in_progress stays unresolved');
    // Reopen both.
    await t.patch(a.id, { status: 'new' });
    await t.patch(b.id, { status: 'acknowledged' });
    c = await t.check('after reopening');
    assert.equal(c.unresolved_findings, s1.summary.total + s2.summary.total);
    assert.equal(c.trend.resolved_findings.current, 1, 'resolved_at is kept when a finding is reopened');

    // The flip page is fixed: its findings the next scan no longer sees are resolved.
    fx.state.flip = 'good';
    const s3 = await t.scan('https://flip.krafter-fixture.com/');
    c = await t.check('after the fixing scan');
    const gone = s1.summary.total - s3.summary.total;
    assert.ok(gone > 0, 'the good page has fewer findings');
    assert.equal(c.unresolved_findings, s3.summary.total + s2.summary.total);
    // And it breaks again: the resolved findings come back as regressions.
    fx.state.flip = 'bad';
    await t.scan('https://flip.krafter-fixture.com/');
    c = await t.check('after the regression');
    assert.equal(c.unresolved_findings, s1.summary.total + s2.summary.total);
    const regressed = (await query(`SELECT COUNT(*) AS n FROM findings WHERE org_id = '${t.org}' AND regressed = 1`))[0].n;
    assert.ok(regressed >= gone, `${regressed} regressed`);
    assert.ok(c.expected_impact.regression_risk_pct > 0);
    // A redelivered or repeated scan the same day changes nothing.
    await t.scan('https://flip.krafter-fixture.com/');
    const again = await t.check('after a repeated scan');
    assert.equal(again.unresolved_findings, c.unresolved_findings);
  });

  test('multi-day sighting histories, severity changes and retention deletions', async () => {
    const t = tenant('history');
    // Scans at 45, 40, 35, 20 and 2 days ago; findings seen by some of them.
    const at = { s45: today - 45 * DAY + 3_600_000, s40: today - 40 * DAY + 7_200_000, s35: today - 35 * DAY + 60_000, s20: today - 20 * DAY, s2: today - 2 * DAY + 100 };
    const scanIds = Object.fromEntries(Object.keys(at).map((k) => [k, randomUUID()]));
    const sql = Object.entries(at).map(([k, ms]) => `INSERT INTO scans (id, org_id, project_id, url, trigger, status, summary, started_at, finished_at, inserted_at, updated_at) VALUES ('${scanIds[k]}', '${t.org}', 'history', 'https://h.krafter-fixture.com/', 'manual', 'completed', '{}', ${ms}, ${ms}, ${ms}, ${ms});`);
    const specs = [
      // [status, severity, domain, confidence, sightings (scan keys), resolvedAt, regressed]
      ['new', 'critical', 'security', 0.95, ['s45', 's40', 's35', 's2'], null, 0],
      ['new', 'high', 'performance', 0.9, ['s45', 's20'], null, 0],
      ['acknowledged', 'medium', 'accessibility', 0.5, ['s40', 's35'], null, 1],
      ['in_progress', 'low', 'security', 1, ['s35', 's20', 's2'], null, 0],
      ['resolved', 'critical', 'performance', 0.9, ['s45', 's40'], at.s35, 1],
      ['ignored', 'high', 'security', 0.95, ['s40', 's2'], null, 0],
      ['new', 'info', 'performance', 0.33, ['s45'], null, 0],
      ['new', 'medium', 'security', 0.9, ['s2'], null, 0],
    ];
    const ids = specs.map(() => randomUUID());
    specs.forEach(([status, severity, domain, confidence, seen, resolvedAt, regressed], i) => {
      const first = at[seen[0]], last = at[seen.at(-1)];
      sql.push(`INSERT INTO findings (id, org_id, project_id, fingerprint, rule_id, domain, severity, title, description, confidence, impact, effort, risk, score, asset, evidence, evidence_total, recommended_fix, refs, status, owner_id, regressed, first_seen_scan_id, last_seen_scan_id, created_at, updated_at, last_seen_at, resolved_at)
        VALUES ('${ids[i]}', '${t.org}', 'history', '${ids[i]}', 'rule-${i}', '${domain}', '${severity}', 'T', 'D', ${confidence}, 50, 50, 50, ${90 - i}, 'https://h.krafter-fixture.com/', '[]', 0, '{"summary":"s","steps":[],"estimated_minutes":1}', '[]', '${status}', NULL, ${regressed}, '${scanIds[seen[0]]}', '${scanIds[seen.at(-1)]}', ${first}, ${first}, ${last}, ${resolvedAt ?? 'NULL'});`);
      for (const k of seen) sql.push(`INSERT INTO scan_findings (scan_id, finding_id, severity, seen_at) VALUES ('${scanIds[k]}', '${ids[i]}', '${severity}', ${at[k]});`);
    });
    await query(sql.join('\n'), (x) => w.sql(x));
    let c = await t.check('seeded history');
    // Default week: seen by the scan 2 days ago and open: findings 0, 3, 7.
    assert.equal(c.unresolved_findings, 3);
    assert.equal(c.critical_findings, 1);
    // 40..34 days ago: findings 0, 2, 3 (4 is resolved, 5 ignored).
    const mid = await t.cc([today - 40 * DAY, today - 34 * DAY]);
    assert.equal(mid.unresolved_findings, 3);

    // Severity and confidence change (what a later scan's upsert does) and triage on an old finding.
    await query(`UPDATE findings SET severity = 'critical', confidence = 0.5 WHERE id = '${ids[1]}';`, (x) => w.sql(x));
    await t.patch(ids[4], { status: 'new' });
    await t.patch(ids[6], { status: 'ignored' });
    c = await t.check('after a severity change and triage');
    assert.equal((await t.cc([today - 45 * DAY, today - 39 * DAY])).critical_findings, 3, 'findings 0, 1 and 4 were critical 45..39 days ago');

    // Retention (30 days): the scans of 45, 40 and 35 days ago go with their
    // sightings; findings last seen then (2, 4 and 6) go with them; 0 keeps its
    // sighting of 2 days ago, 1 its sighting of 20 days ago.
    assert.equal(await w.cron(HOURLY_CRON), 200);
    const left = (await query(`SELECT id FROM findings WHERE org_id = '${t.org}'`)).map((r) => r.id).sort();
    assert.deepEqual(left, [ids[0], ids[1], ids[3], ids[5], ids[7]].sort());
    c = await t.check('after retention');
    for (const period of [[today - 45 * DAY, today - 39 * DAY], [today - 40 * DAY, today - 34 * DAY]]) {
      const old = await t.cc(period);
      assert.equal(old.unresolved_findings, 0, 'nothing is seen in a deleted window any more');
    }
    assert.equal(c.unresolved_findings, 3);
    const month = await t.cc([today - 29 * DAY, today]);
    assert.equal(month.unresolved_findings, 4, 'findings 0, 1, 3 and 7 are seen in the last 30 days');
    // Emptied counts rows are dropped by the same round.
    const zero = (await query(`SELECT COUNT(*) AS n FROM finding_counts_open WHERE org_id = '${t.org}' AND n = 0`))[0].n;
    assert.equal(zero, 0);
  });
});
