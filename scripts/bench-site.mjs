#!/usr/bin/env node
// Site-scan throughput against a real `wrangler dev` (both Workers, local
// Queue and D1): a generated loopback site of N pages (~40 KB each, a sitemap
// of all of them, no crawl delay; tests/integration/site-fixture.mjs) is
// scanned with scope "site" and max_pages N; prints the time to the site
// scan's completion, pages per second, and the page scans' own timings.
//   npm run bench:site [-- --pages 500 --concurrency 2]
// The SSRF guard stays on: the site is reached through SCAN_HOST_OVERRIDES
// and a loopback DoH fake, as in the tests.
import { randomUUID } from 'node:crypto';
import { Worker, projectPath, startDoh, listen } from '../tests/integration/harness.mjs';
import { startBigSite } from '../tests/integration/site-fixture.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const PAGES = arg('pages', 500);
const CONCURRENCY = arg('concurrency', 2);

const site = await startBigSite(PAGES);
const doh = startDoh({});
const dohPort = await listen(doh.server);
const w = new Worker();
await w.start({
  vars: {
    SCAN_HOST_OVERRIDES: site.overrides,
    DOH_URL: `http://127.0.0.1:${dohPort}/dns-query`,
    SITE_CONCURRENCY: String(CONCURRENCY),
    SITE_PAGES_PER_HOUR: String(PAGES * 2),
  },
});
try {
  const org = randomUUID();
  const [key] = w.createKeys([{ org }]);
  const t0 = Date.now();
  const r = await w.api('POST', `${projectPath(org, 'bench')}/scans/run`, {
    key,
    body: { url: `${site.origin}/`, scope: 'site', max_pages: PAGES, max_depth: 20 },
  });
  if (r.status !== 202) throw new Error(`Run Scan: ${r.status} ${JSON.stringify(r.json)}`);
  const scan = await w.waitForScan(org, 'bench', r.json.data.id, key, 3_600_000);
  const secs = (Date.now() - t0) / 1000;
  const pages = scan.summary.pages ?? {};
  const logs = w.jsonLogs().filter((l) => l.type === 'scan' && l.outcome === 'completed');
  const q = (xs, p) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
  const dur = logs.map((l) => l.duration_ms);
  const wait = logs.map((l) => l.queue_wait_ms);
  console.log(`site scan of ${PAGES + 1} URLs (${PAGES} + the start page), max_pages ${PAGES}, SITE_CONCURRENCY ${CONCURRENCY}, consumer max_batch_size 10 (wrangler.scanner.toml)`);
  console.log(`  status ${scan.status}; pages ${JSON.stringify(pages)}`);
  console.log(`  time to the site scan's completion: ${secs.toFixed(1)} s; ${((pages.scanned ?? 0) / secs).toFixed(2)} pages/s`);
  console.log(`  page scans: processing p50 ${q(dur, 0.5)} ms, p95 ${q(dur, 0.95)} ms; queue wait p50 ${q(wait, 0.5)} ms, p95 ${q(wait, 0.95)} ms`);
  console.log(`  requests to the site: ${site.hits.length}`);
} finally {
  await w.stop();
  site.close();
  doh.server.close();
}
