#!/usr/bin/env node
// Command-center and findings-list latency at scale, against a real
// `wrangler dev` (workerd + local D1): loads one project with 500 000
// findings over 1 000 scans, then times repeated calls and prints median and
// p95, plus SQLite's query plans for the hot queries.
//   npm run bench:api [-- --findings 500000 --scans 1000 --calls 200]
// (--findings 100000 is the earlier size: 62 500 of them open.)
import { randomUUID } from 'node:crypto';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, projectPath } from '../tests/integration/harness.mjs';
import { API_CONFIG } from './devconfig.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FINDINGS = arg('findings', 500_000);
const SCANS = arg('scans', 1_000);
const CALLS = arg('calls', 200);
const DAY = 86_400_000;

const w = new Worker();
const org = randomUUID();
const project = 'bench';
const SEV = ['critical', 'high', 'medium', 'low', 'info'];
const DOM = ['security', 'performance', 'accessibility'];
const STATUS = ['new', 'new', 'new', 'acknowledged', 'in_progress', 'resolved', 'resolved', 'ignored'];

// Seeds in SQL (recursive CTEs through `wrangler d1 execute`), so 500 000
// findings load in a minute or two: no SQL text per row. The data is the
// same shape as before: scan i of SCANS at now − (SCANS − i)/SCANS × 30 days,
// URL site{i % 50}; finding n in scan n / perScan with severity, domain,
// status, rule and score cycling as below; one sighting per finding.
function load() {
  const now = Date.now();
  const perScan = Math.ceil(FINDINGS / SCANS);
  const lit = (arr) => `'${JSON.stringify(arr)}'`;
  const at = (i) => `(${now} - (${SCANS} - ${i}) * ${30 * DAY} / ${SCANS})`;
  const scanId = (i) => `printf('%08x-0000-4000-8000-%012x', ${i}, ${i})`;
  const sql = [
    `INSERT INTO scans (id, org_id, project_id, url, trigger, status, summary, started_at, finished_at, inserted_at, updated_at)
     WITH RECURSIVE i(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM i WHERE x + 1 < ${SCANS})
     SELECT ${scanId('x')}, '${org}', '${project}', 'https://site' || (x % 50) || '.example.com/', 'scheduled', 'completed', '{}', ${at('x')}, ${at('x')}, ${at('x')}, ${at('x')} FROM i;`,
  ];
  // One statement per 50 000 findings keeps each statement's work bounded.
  for (let lo = 0; lo < FINDINGS; lo += 50_000) {
    const hi = Math.min(FINDINGS, lo + 50_000);
    sql.push(`INSERT INTO findings (id, org_id, project_id, fingerprint, rule_id, domain, severity, title, description, confidence, impact, effort, risk, score, asset, evidence, evidence_total, recommended_fix, refs, status, owner_id, regressed, first_seen_scan_id, last_seen_scan_id, created_at, updated_at, last_seen_at, resolved_at)
     WITH RECURSIVE i(n) AS (SELECT ${lo} UNION ALL SELECT n + 1 FROM i WHERE n + 1 < ${hi}),
     r AS (SELECT n, n / ${perScan} AS si, json_extract(${lit(STATUS)}, '$[' || (n % ${STATUS.length}) || ']') AS st FROM i)
     SELECT printf('%08x-0000-4000-9000-%012x', n, n), '${org}', '${project}', printf('%08x-0000-4000-9000-%012x', n, n), 'rule-' || (n % 130),
       json_extract(${lit(DOM)}, '$[' || (n % 3) || ']'), json_extract(${lit(SEV)}, '$[' || (n % 5) || ']'), 'Title ' || (n % 130), 'Description', 0.9, 50, 30, 60, (n * 7919) % 101,
       'https://site' || (si % 50) || '.example.com/', '[]', 0, '{"summary":"s","steps":[],"estimated_minutes":5}', '[]', st, NULL, n % 17 = 0,
       ${scanId('si')}, ${scanId('si')}, ${at('si')}, ${at('si')}, ${at('si')}, CASE WHEN st = 'resolved' THEN ${at('si')} END
     FROM r;`);
  }
  sql.push(`INSERT INTO scan_findings (scan_id, finding_id, severity, seen_at)
     SELECT first_seen_scan_id, id, severity, last_seen_at FROM findings WHERE org_id = '${org}' AND project_id = '${project}';`);
  const t0 = Date.now();
  const f = join(w.dir, 'load.sql');
  writeFileSync(f, sql.join('\n'));
  w.wrangler(['d1', 'execute', 'DB', '--local', '-c', API_CONFIG, '--persist-to', w.persist, '--file', f]);
  rmSync(f);
  w.query('ANALYZE');
  const [{ n }] = w.query(`SELECT COUNT(*) AS n FROM findings WHERE org_id = '${org}'`);
  console.log(`loaded ${n} findings over ${SCANS} scans in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function time(label, path, key) {
  const ms = [];
  for (let i = 0; i < 10; i++) await w.api('GET', path, { key }); // warm-up
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const r = await w.api('GET', path, { key });
    ms.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`${label}: ${r.status} ${r.text}`);
  }
  ms.sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  console.log(`${label.padEnd(34)} median ${q(0.5).toFixed(1).padStart(6)} ms   p95 ${q(0.95).toFixed(1).padStart(6)} ms   (${CALLS} calls)`);
}

try {
  await w.start({ vars: { RATE_LIMIT_STANDARD: '1000000' } });
  const [key] = w.createKeys([{ org }]);
  load();
  const base = projectPath(org, project);
  const cc = await w.api('GET', `${base}/command-center`, { key });
  console.log(`command center (7 days): unresolved ${cc.json.data.unresolved_findings}, critical ${cc.json.data.critical_findings}, health ${cc.json.data.health_score}`);
  await time('baseline: scans list (1 row)', `${base}/scans?limit=1`, key);
  await time('command-center (default 7 days)', `${base}/command-center`, key);
  await time('command-center (30 days)', `${base}/command-center?date_from=${new Date(Date.now() - 29 * DAY).toISOString().slice(0, 10)}`, key);
  await time('findings list (priority, 50)', `${base}/findings?limit=50`, key);
  await time('findings list (open, recency, 50)', `${base}/findings?status=new,acknowledged,in_progress&sort=recency&limit=50`, key);
  await time('findings list (critical security, 50)', `${base}/findings?severity=critical&domain=security&limit=50`, key);
  console.log('\nquery plans:');
  const plan = (label, sql) => {
    console.log(`-- ${label}`);
    for (const r of w.query(`EXPLAIN QUERY PLAN ${sql}`)) console.log(`   ${r.detail}`);
  };
  const from = Date.now() - 7 * DAY, to = Date.now();
  const [fd, td] = [Math.floor(from / DAY), Math.floor(to / DAY)];
  const p = `org_id = '${org}' AND project_id = '${project}'`;
  const counted = `FROM finding_counts_open WHERE ${p} AND day BETWEEN ${fd} AND ${td} AND prev_day < ${fd}`;
  const open = `f.org_id = '${org}' AND f.project_id = '${project}' AND f.status IN ('new','acknowledged','in_progress') AND f.last_seen_at >= ${from} AND f.created_at <= ${to} AND (f.last_seen_at <= ${to} OR EXISTS (SELECT 1 FROM scan_findings sf WHERE sf.finding_id = f.id AND sf.seen_at BETWEEN ${from} AND ${to}))`;
  plan('counts (finding_counts_open)', `SELECT domain, severity, SUM(conf), SUM(n) ${counted} GROUP BY 1, 2 HAVING SUM(n) > 0`);
  plan('top priorities', `SELECT f.id FROM findings f INDEXED BY findings_open_priority WHERE ${open} ORDER BY f.score DESC, f.created_at ASC, f.id ASC LIMIT (SELECT min(5, COALESCE(SUM(n), 0)) ${counted})`);
  plan('trend (finding_counts_day)', `SELECT day, created, resolved FROM finding_counts_day WHERE ${p} AND day BETWEEN ${fd - 7} AND ${td}`);
  const [{ rows }] = w.query(`SELECT COUNT(*) AS rows ${counted.replace(/ AND day BETWEEN.*/, '')}`);
  console.log(`   (finding_counts_open holds ${rows} rows for this project)`);
  plan('findings list', `SELECT f.id FROM findings f WHERE f.org_id = '${org}' AND f.project_id = '${project}' ORDER BY f.score DESC, f.id ASC LIMIT 51`);
} finally {
  if (process.argv.includes('--keep')) console.log(`kept local state in ${w.persist}`);
  else await w.stop();
  process.exit(0);
}
