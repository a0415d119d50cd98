#!/usr/bin/env node
// Command-center and findings-list latency at scale, against a real
// `wrangler dev` (workerd + local D1): loads one project with 100 000
// findings over 1 000 scans, then times repeated calls and prints median and
// p95, plus SQLite's query plans for the hot queries.
//   npm run bench:api [-- --findings 100000 --scans 1000 --calls 200]
import { randomUUID } from 'node:crypto';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, projectPath } from '../tests/integration/harness.mjs';
import { API_CONFIG } from './devconfig.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FINDINGS = arg('findings', 100_000);
const SCANS = arg('scans', 1_000);
const CALLS = arg('calls', 200);
const DAY = 86_400_000;

const w = new Worker();
const org = randomUUID();
const project = 'bench';
const SEV = ['critical', 'high', 'medium', 'low', 'info'];
const DOM = ['security', 'performance', 'accessibility'];
const STATUS = ['new', 'new', 'new', 'acknowledged', 'in_progress', 'resolved', 'resolved', 'ignored'];

function load() {
  const now = Date.now();
  const scans = Array.from({ length: SCANS }, (_, i) => ({ id: randomUUID(), at: now - Math.floor(((SCANS - i) / SCANS) * 30 * DAY) }));
  const perScan = Math.ceil(FINDINGS / SCANS);
  const chunks = [];
  let sql = [];
  const flush = () => {
    if (sql.length) chunks.push(sql.join('\n'));
    sql = [];
  };
  // D1 caps one statement at 100 KB: insert in slices.
  const slices = (arr, n) => Array.from({ length: Math.ceil(arr.length / n) }, (_, i) => arr.slice(i * n, i * n + n));
  for (const part of slices(scans.map((s, i) => `('${s.id}','${org}','${project}','https://site${i % 50}.example.com/','scheduled','completed','{}',${s.at},${s.at},${s.at},${s.at})`), 200))
    sql.push(`INSERT INTO scans (id, org_id, project_id, url, trigger, status, summary, started_at, finished_at, inserted_at, updated_at) VALUES ${part.join(',')};`);
  flush();
  let n = 0;
  for (const [si, s] of scans.entries()) {
    const rows = [];
    const links = [];
    for (let j = 0; j < perScan && n < FINDINGS; j++, n++) {
      const id = randomUUID();
      const sev = SEV[n % 5];
      const status = STATUS[n % STATUS.length];
      rows.push(`('${id}','${org}','${project}','${id}','rule-${n % 130}','${DOM[n % 3]}','${sev}','Title ${n % 130}','Description',0.9,50,30,60,${(n * 7919) % 101},'https://site${si % 50}.example.com/','[]',0,'{"summary":"s","steps":[],"estimated_minutes":5}','[]','${status}',NULL,${n % 17 === 0 ? 1 : 0},'${s.id}','${s.id}',${s.at},${s.at},${s.at},${status === 'resolved' ? s.at : 'NULL'})`);
      links.push(`('${s.id}','${id}','${sev}',${s.at})`);
    }
    for (const part of slices(rows, 100))
      sql.push(`INSERT INTO findings (id, org_id, project_id, fingerprint, rule_id, domain, severity, title, description, confidence, impact, effort, risk, score, asset, evidence, evidence_total, recommended_fix, refs, status, owner_id, regressed, first_seen_scan_id, last_seen_scan_id, created_at, updated_at, last_seen_at, resolved_at) VALUES ${part.join(',')};`);
    for (const part of slices(links, 500)) sql.push(`INSERT INTO scan_findings (scan_id, finding_id, severity, seen_at) VALUES ${part.join(',')};`);
    if (si % 100 === 99) flush();
  }
  flush();
  const t0 = Date.now();
  for (const [i, c] of chunks.entries()) {
    const f = join(w.dir, `load-${i}.sql`);
    writeFileSync(f, c);
    w.wrangler(['d1', 'execute', 'DB', '--local', '-c', API_CONFIG, '--persist-to', w.persist, '--file', f]);
    rmSync(f);
  }
  w.query('ANALYZE');
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
  const open = `f.org_id = '${org}' AND f.project_id = '${project}' AND f.status IN ('new','acknowledged','in_progress') AND f.last_seen_at >= ${from} AND f.created_at <= ${to} AND (f.last_seen_at <= ${to} OR EXISTS (SELECT 1 FROM scan_findings sf WHERE sf.finding_id = f.id AND sf.seen_at BETWEEN ${from} AND ${to}))`;
  plan('counts', `SELECT f.domain, f.severity, ROUND(f.confidence, 2), COUNT(*) FROM findings f WHERE ${open} GROUP BY 1, 2, 3`);
  plan('top priorities', `SELECT f.id FROM findings f WHERE ${open} ORDER BY f.score DESC, f.created_at ASC, f.id ASC LIMIT 5`);
  plan('findings list', `SELECT f.id FROM findings f WHERE f.org_id = '${org}' AND f.project_id = '${project}' ORDER BY f.score DESC, f.id ASC LIMIT 51`);
} finally {
  if (process.argv.includes('--keep')) console.log(`kept local state in ${w.persist}`);
  else await w.stop();
  process.exit(0);
}
