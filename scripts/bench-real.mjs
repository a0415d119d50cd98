#!/usr/bin/env node
// Real pages, the whole scan against axe-core, side by side in one run.
//
//   npm run bench:real -- --pages DIR [--runs 3] [--rtt 0]
//
// DIR holds real pages as `<name>.html`, or `<name>/source.html` (the layout
// of mozilla/readability's `test/test-pages/`, which has the 14 pages the
// docs' table uses: heise, dropbox-blog, wapo-1, wapo-2, wordpress,
// nytimes-1…5, yahoo-1…3 and ol). Each page is served on loopback as
// `https://<name>.example.com/` (SCAN_HOST_OVERRIDES; the guard stays on),
// its subresources answering 404 as a server without the page's assets
// would, and scanned through the API in workerd, one scan at a time: the
// scan's `duration_ms` from claim to the end of persistence, with each phase.
// In the same run the same HTML goes through axe-core (the version in
// package.json) in jsdom: parse plus `axe.run`, every rule axe has.
// `--rtt MS` delays every response of the page's server by MS (a far-away
// origin) and prints the round trips a scan cost.
import { createServer } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker, projectPath, startDoh, listen } from '../tests/integration/harness.mjs';

const require = createRequire(import.meta.url);
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const DIR = arg('pages', process.env.REAL_PAGES);
const RUNS = Number(arg('runs', 3));
const RTT = Number(arg('rtt', 0));
if (!DIR || !existsSync(DIR)) {
  console.error('usage: npm run bench:real -- --pages DIR   (DIR: real pages as NAME.html or NAME/source.html)');
  process.exit(2);
}
const pages = readdirSync(DIR)
  .map((n) => {
    const p = join(DIR, n);
    if (n.endsWith('.html')) return { name: basename(n, '.html'), file: p };
    if (statSync(p).isDirectory() && existsSync(join(p, 'source.html'))) return { name: n, file: join(p, 'source.html') };
    return null;
  })
  .filter(Boolean)
  .map((p) => ({ ...p, html: readFileSync(p.file) }))
  .sort((a, b) => a.html.length - b.html.length);
const host = (name) => `${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}.example.com`;
const byHost = new Map(pages.map((p) => [host(p.name), p]));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// axe-core in jsdom, first: nothing else runs meanwhile.
const { JSDOM, VirtualConsole } = await import('jsdom');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const axeVersion = JSON.parse(readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version;
const jsdomVersion = JSON.parse(readFileSync(require.resolve('jsdom/package.json'), 'utf8')).version;
async function axeOnce(p) {
  const t0 = performance.now();
  const dom = new JSDOM(p.html, { url: `https://${host(p.name)}/`, runScripts: 'outside-only', pretendToBeVisual: true, virtualConsole: new VirtualConsole() });
  dom.window.eval(AXE);
  const r = await dom.window.axe.run(dom.window.document, { resultTypes: ['violations'] });
  const ms = performance.now() - t0;
  dom.window.close();
  return { ms, violations: r.violations.length };
}
for (const p of pages) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await axeOnce(p));
  p.axe = median(runs.map((r) => r.ms));
  p.axeViolations = runs[0].violations;
  process.stderr.write(`axe ${p.name}: ${p.axe.toFixed(0)} ms\n`);
}

// The scanner in workerd.
const server = createServer((req, res) => {
  const p = byHost.get((req.headers['x-forwarded-host'] ?? '').replace(/:\d+$/, ''));
  setTimeout(() => {
    if (p && req.url === '/' && req.headers['x-forwarded-proto'] === 'https') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(req.method === 'HEAD' ? undefined : p.html);
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end(req.method === 'HEAD' ? undefined : '<!DOCTYPE html><title>Not found</title><p>Not found</p>');
  }, RTT);
});
const port = await listen(server);
const doh = startDoh({});
const dohPort = await listen(doh.server);
const w = new Worker();
await w.start({ vars: { SCAN_HOST_OVERRIDES: `*=127.0.0.1:${port}`, DOH_URL: `http://127.0.0.1:${dohPort}/dns-query` } });
try {
  const org = randomUUID();
  const [key] = w.createKeys([{ org }]);
  for (const p of pages) {
    const logs = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await w.api('POST', `${projectPath(org, 'bench-real')}/scans/run`, { key, body: { url: `https://${host(p.name)}/` } });
      if (r.status !== 202) throw new Error(`Run Scan: ${r.status} ${r.text}`);
      const id = r.json.data.id;
      const scan = await w.waitForScan(org, 'bench-real', id, key, 120_000);
      if (scan.status !== 'completed') throw new Error(`${p.name}: ${JSON.stringify(scan.error)}`);
      const [line] = await w.waitForLogs((l) => l.type === 'scan' && l.scan_id === id);
      logs.push(line);
    }
    const mid = [...logs].sort((a, b) => a.duration_ms - b.duration_ms)[Math.floor(logs.length / 2)];
    p.scan = mid.duration_ms;
    p.t = mid.timings;
    process.stderr.write(`scan ${p.name}: ${p.scan} ms ${JSON.stringify(p.t)}\n`);
  }
} finally {
  await w.stop();
  server.close();
  doh.server.close();
}

const kb = (n) => (n / 1024).toFixed(n < 10240 ? 1 : 0);
console.log(`\n${pages.length} real pages from ${DIR}; medians of ${RUNS} runs; axe-core ${axeVersion} in jsdom ${jsdomVersion} (parse + axe.run) against the whole scan in workerd (claim to persisted)${RTT ? `; the page's server ${RTT} ms away` : ''}\n`);
const cols = ['page', 'KB', 'axe-core ms', 'scan ms', '×', 'fetch', 'parse', 'aux', 'rules', 'persist', 'other', 'subrequests'];
if (RTT) cols.push('round trips');
console.log(`| ${cols.join(' | ')} |`);
console.log(`|${cols.map((c, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
for (const p of pages) {
  const t = p.t;
  const other = t.claim_ms + t.announce_ms + t.unaccounted_ms;
  const row = [p.name, kb(p.html.length), p.axe.toFixed(0), p.scan, (p.axe / p.scan).toFixed(1), t.fetch_ms, t.parse_ms, t.aux_ms, t.rules_ms, t.persist_ms, other, t.subrequests];
  if (RTT) row.push(((t.fetch_ms + t.aux_ms) / RTT).toFixed(2));
  console.log(`| ${row.join(' | ')} |`);
}
const sumAxe = pages.reduce((s, p) => s + p.axe, 0);
const sumScan = pages.reduce((s, p) => s + p.scan, 0);
console.log(`| **sum** | ${kb(pages.reduce((s, p) => s + p.html.length, 0))} | **${sumAxe.toFixed(0)}** | **${sumScan}** | **${(sumAxe / sumScan).toFixed(1)}** | | | | | | | |`);
