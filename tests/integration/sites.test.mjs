// Site scans on workerd (issue 13): Run Scan with scope "site" crawls the
// loopback fixture site (tests/integration/site-fixture.mjs) through the
// Queue, one page scan per page, and every URL ends as documented. The SSRF
// guard stays on: the fixture is reached through SCAN_HOST_OVERRIDES.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, projectPath, startDoh, listen } from './harness.mjs';
import { startSite, crawlModel, PAGES, NEVER_FETCHED, TEMPLATE_PROBLEMS, SITE_HOST } from './site-fixture.mjs';

const ORG = '55555555-5555-4555-8555-555555555555';
const PROJECT = 'site-scans';
const base = projectPath(ORG, PROJECT);
let w, key, site, doh;

// The fixture's outcome names, as the API reports them (status, reason).
const expected = (p) =>
  ({
    scanned: ['scanned', null],
    // A redirect off the origin is skipped like a link to another origin.
    failed: p.reason === 'redirect_off_origin' ? ['skipped', p.reason] : ['failed', p.reason],
    skipped_non_html: ['skipped', 'not_html'],
    disallowed: ['excluded', 'robots_txt'],
    other_origin: ['skipped', 'other_origin'],
    excluded: ['excluded', 'pattern'],
    too_deep: ['excluded', 'max_depth'],
  })[p.outcome];

before(async () => {
  site = await startSite();
  doh = startDoh({});
  const dohPort = await listen(doh.server);
  w = await new Worker().start({
    vars: {
      SCAN_HOST_OVERRIDES: site.overrides,
      DOH_URL: `http://127.0.0.1:${dohPort}/dns-query`,
      // The page that never answers fails after 3 attempts of 3 s.
      SCAN_BUDGET_MS: '3000',
      SCAN_RETRY_BASE_SECS: '1',
      SITE_PAGES_PER_HOUR: '400',
    },
  });
  [key] = w.createKeys([{ org: ORG }]);
});
after(async () => {
  await w?.stop();
  site?.close();
  doh?.server.close();
});

async function runSite(body) {
  const r = await w.api('POST', `${base}/scans/run`, { key, body: { url: `https://${SITE_HOST}/`, scope: 'site', ...body } });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.equal(r.json.data.scope, 'site');
  assert.equal(r.json.data.status, 'queued');
  return r.json.data.id;
}

async function allPages(id, query = '') {
  const out = [];
  let cursor = null;
  do {
    const r = await w.api('GET', `${base}/scans/${id}/pages?limit=10${query}${cursor ? `&cursor=${cursor}` : ''}`, { key });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    out.push(...r.json.data);
    cursor = r.json.meta.next_cursor;
  } while (cursor);
  return out;
}

let full; // the default crawl's id, shared by the tests that read its results

test('a site scan crawls the fixture site: every URL ends as documented, robots.txt honoured', { timeout: 300_000 }, async () => {
  full = await runSite({ max_pages: 100 });
  const scan = await w.waitForScan(ORG, PROJECT, full, key, 240_000);
  assert.equal(scan.status, 'completed', JSON.stringify(scan));
  const pages = await allPages(full);
  const byUrl = new Map(pages.map((p) => [p.url, p]));
  for (const p of PAGES) {
    const got = byUrl.get(p.url);
    assert.ok(got, `${p.url} (${p.outcome}) was not recorded`);
    assert.deepEqual([got.status, got.reason], expected(p), `${p.url}: ${JSON.stringify(got)}`);
    if (got.status === 'scanned') {
      assert.equal(got.http_status, 200);
      assert.ok(got.scan_id && got.summary, `${p.url} has its page scan`);
    }
  }
  assert.equal(pages.length, PAGES.length, `recorded URLs: ${pages.map((p) => p.url).join(' ')}`);
  // Breadth first: the start URL first, nothing deeper before something shallower among the scanned.
  assert.equal(pages[0].url, `https://${SITE_HOST}/`);
  assert.equal(pages[0].source, 'start');
  // Nothing disallowed or on another origin was requested, nor the 127.0.0.1 redirect target.
  const fetched = new Set(site.fetchedUrls());
  for (const u of NEVER_FETCHED) assert.ok(!fetched.has(u), `${u} was requested`);
  assert.deepEqual(site.sentinelHits, [], 'the redirect to 127.0.0.1 was not followed');
  assert.ok(site.pageGets('/robots.txt').length >= 1, 'robots.txt was read');
  // A scanned page is fetched once, however often it was linked or listed.
  // (The start page is fetched once more by the http:// probe, which follows
  // the fixture's redirect to https; the other pages get no origin probes.)
  for (const p of PAGES.filter((x) => x.outcome === 'scanned')) {
    assert.equal(site.pageGets(p.path).length, p.path === '/' ? 2 : 1, `${p.path} fetched ${site.pageGets(p.path).length} times`);
  }
  // Crawl-delay 1: one page at a time, at least a second apart.
  const scannedPaths = new Set(PAGES.filter((p) => p.outcome === 'scanned').map((p) => p.path));
  const first = new Map();
  for (const h of site.hits) if (h.host === SITE_HOST && h.method === 'GET' && scannedPaths.has(h.path) && !first.has(h.path)) first.set(h.path, h);
  const gets = [...first.values()];
  for (let i = 1; i < gets.length; i++) assert.ok(gets[i].at - gets[i - 1].at >= 900, `${gets[i - 1].path} → ${gets[i].path} ${gets[i].at - gets[i - 1].at} ms apart`);
  // The summary: counts over all pages, and the pages object.
  const count = (s) => pages.filter((p) => p.status === s).length;
  assert.deepEqual(
    scan.summary.pages,
    { discovered: pages.length, scanned: count('scanned'), failed: count('failed'), skipped: count('skipped'), excluded: count('excluded'), cancelled: 0, pending: 0 },
  );
  assert.ok(scan.summary.security_grade, 'the start URL security grade');
  const findings = await w.api('GET', `${base}/scans/${full}/findings?limit=100`, { key });
  assert.equal(findings.status, 200);
  assert.ok(findings.json.data.length > 0);
  const totalBySeverity = Object.values(scan.summary.accessibility).reduce((a, b) => a + b, 0);
  assert.ok(totalBySeverity >= TEMPLATE_PROBLEMS['image-alt'].length, 'image-alt counted once per page');
  // The parent completed once.
  const done = w.jsonLogs().filter((l) => l.type === 'site_scan' && l.scan_id === full && l.event === 'completed');
  assert.equal(done.length, 1);
});

test('findings?group_by=rule shows a template problem once, with its count of URLs', async () => {
  assert.ok(full, 'needs the crawl above');
  const r = await w.api('GET', `${base}/findings?group_by=rule&status=new`, { key });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.meta.group_by, 'rule');
  const alt = r.json.data.find((g) => g.rule_id === 'image-alt');
  assert.ok(alt, JSON.stringify(r.json.data.map((g) => g.rule_id)));
  assert.equal(alt.urls, TEMPLATE_PROBLEMS['image-alt'].length);
  assert.equal(alt.examples.length, 3);
  for (const e of alt.examples) assert.ok(TEMPLATE_PROBLEMS['image-alt'].includes(e.url), e.url);
  const label = r.json.data.find((g) => g.rule_id === 'label');
  assert.equal(label?.urls, TEMPLATE_PROBLEMS.label.length);
  // Most affected URLs first.
  for (let i = 1; i < r.json.data.length; i++) assert.ok(r.json.data[i - 1].urls >= r.json.data[i].urls);
  assert.equal((await w.api('GET', `${base}/findings?group_by=rule&cursor=x`, { key })).status, 422);
  assert.equal((await w.api('GET', `${base}/findings?group_by=url`, { key })).status, 422);
});

test('the command center counts a finding per rule per URL; its top priorities prefer the rule on most pages at equal score', async () => {
  assert.ok(full, 'needs the crawl above');
  const cc = (await w.api('GET', `${base}/command-center`, { key })).json.data;
  const top = cc.top_priorities;
  assert.ok(top.length > 0);
  const groups = (await w.api('GET', `${base}/findings?group_by=rule`, { key })).json.data;
  const urlsOf = new Map(groups.map((g) => [g.rule_id, g.urls]));
  for (let i = 1; i < top.length; i++) {
    const [a, b] = [top[i - 1], top[i]];
    assert.ok(a.priority.score >= b.priority.score);
    if (a.priority.score === b.priority.score) assert.ok(urlsOf.get(a.rule_id) >= urlsOf.get(b.rule_id), `${a.rule_id} before ${b.rule_id}`);
  }
});

test('the scans list shows the site scan, not its page scans; a page scan names its parent', async () => {
  assert.ok(full, 'needs the crawl above');
  const list = await w.api('GET', `${base}/scans?limit=100`, { key });
  assert.ok(list.json.data.every((s) => !s.parent_id));
  assert.ok(list.json.data.some((s) => s.id === full));
  const [page] = await allPages(full, '&status=scanned');
  const child = await w.api('GET', `${base}/scans/${page.scan_id}`, { key });
  assert.equal(child.status, 200);
  assert.equal(child.json.data.scope, undefined, 'a page scan keeps the spec shape');
  assert.equal(child.json.data.parent_id, full);
  assert.ok(!list.json.data.some((s) => s.id === page.scan_id));
  // A page scan has no pages of its own.
  const none = await w.api('GET', `${base}/scans/${page.scan_id}/pages`, { key });
  assert.deepEqual(none.json.data, []);
});

test('a page scan delivered twice is scanned once; the site scan does not complete again', async () => {
  assert.ok(full, 'needs the crawl above');
  const [page] = await allPages(full, '&status=scanned');
  const path = new URL(page.url).pathname;
  const before = site.pageGets(path).length;
  await Promise.all([1, 2].map(() => w.api('POST', `/__dev/scans/${page.scan_id}/enqueue`)));
  await w.api('POST', `/__dev/scans/${full}/enqueue`);
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal(site.pageGets(path).length, before);
  assert.equal(w.jsonLogs().filter((l) => l.type === 'site_scan' && l.scan_id === full && l.event === 'completed').length, 1);
});

let small; // the max_pages crawl, the baseline of the comparison below
const SMALL = { max_pages: 4, exclude: ['/blog/'], max_depth: 1 };

test('max_pages and exclude are honoured', { timeout: 120_000 }, async () => {
  const id = (small = await runSite(SMALL));
  const scan = await w.waitForScan(ORG, PROJECT, id, key, 90_000);
  assert.equal(scan.status, 'completed');
  const pages = await allPages(id);
  const taken = pages.filter((p) => ['scanned', 'failed'].includes(p.status) || (p.status === 'skipped' && p.reason === 'not_html'));
  assert.ok(taken.length <= 4, `${taken.length} pages taken`);
  assert.ok(pages.some((p) => p.reason === 'max_pages'), 'pages past max_pages are excluded');
  const blog = pages.filter((p) => new URL(p.url).pathname.startsWith('/blog/'));
  assert.ok(blog.length > 0 && blog.every((p) => p.status === 'excluded' && p.reason === 'pattern'), JSON.stringify(blog));
  assert.ok(pages.every((p) => p.depth <= 1 || p.status !== 'scanned'));
  const model = crawlModel({ exclude: ['/blog/'], maxDepth: 1 });
  assert.ok(model.filter((p) => p.outcome === 'too_deep').every((p) => !pages.some((q) => q.url === p.url && q.status === 'scanned')));
  assert.equal(scan.summary.pages.scanned, pages.filter((p) => p.status === 'scanned').length);
});

test('a site scan is compared with the previous site scan of its start URL, per URL, and gated on all its pages', { timeout: 120_000 }, async () => {
  assert.ok(small, 'needs the crawl above');
  const id = await runSite({ ...SMALL, gate: { max_new: 0 } });
  const scan = await w.waitForScan(ORG, PROJECT, id, key, 90_000);
  assert.equal(scan.status, 'completed');
  // The same pages again: nothing new against the baseline (the small crawl,
  // not a page scan of the same URL), so max_new passes.
  const cmp = await w.api('GET', `${base}/scans/${id}/compare`, { key });
  assert.equal(cmp.status, 200, JSON.stringify(cmp.json));
  assert.equal(cmp.json.data.base_scan_id, small);
  assert.equal(cmp.json.data.counts.new, 0);
  assert.equal(cmp.json.data.counts.fixed, 0);
  assert.ok(cmp.json.data.counts.unchanged > 0);
  const urls = new Set((await w.api('GET', `${base}/scans/${id}/findings?limit=100`, { key })).json.data.map((f) => f.affected_assets[0].value));
  assert.ok(urls.size > 1, `findings of several URLs: ${[...urls].join(' ')}`);
  assert.equal(scan.gate?.passed, true, JSON.stringify(scan.gate));
  const strict = await runSite({ ...SMALL, gate: { fail_on: 'low' } });
  const failed = await w.waitForScan(ORG, PROJECT, strict, key, 90_000);
  assert.equal(failed.gate?.passed, false, 'image-alt on every page fails fail_on low');
  assert.equal(failed.gate.reasons[0].condition, 'fail_on');
  assert.ok(failed.gate.reasons[0].finding_ids.length >= 4, 'judged on the findings of all its pages');
});

test('cancel stops outstanding pages; a second cancel is a 409', { timeout: 120_000 }, async () => {
  const id = await runSite({ max_pages: 30 });
  // Wait for the crawl to be under way (robots read, pages pending).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const pending = await allPages(id, '&status=pending');
    if (pending.length > 0) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const r = await w.api('POST', `${base}/scans/${id}/cancel`, { key });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.data.status, 'failed');
  assert.equal(r.json.data.error.code, 'cancelled');
  const again = await w.api('POST', `${base}/scans/${id}/cancel`, { key });
  assert.equal(again.status, 409);
  await new Promise((r) => setTimeout(r, 4000)); // the page in flight ends
  const pages = await allPages(id);
  assert.ok(pages.some((p) => p.status === 'cancelled'), JSON.stringify(pages.map((p) => p.status)));
  assert.equal(pages.filter((p) => p.status === 'pending' || p.status === 'queued').length, 0);
  const fetchedBefore = site.hits.length;
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(site.hits.length, fetchedBefore, 'nothing more is fetched');
  assert.equal((await w.api('POST', `${base}/scans/00000000-0000-4000-8000-000000000000/cancel`, { key })).status, 404);
});

test('a site scan whose start URL cannot be scanned fails with the reason; others do not fail it', { timeout: 60_000 }, async () => {
  const r = await w.api('POST', `${base}/scans/run`, { key, body: { url: `https://${SITE_HOST}/loop/a`, scope: 'site' } });
  assert.equal(r.status, 202);
  const scan = await w.waitForScan(ORG, PROJECT, r.json.data.id, key, 45_000);
  assert.equal(scan.status, 'failed');
  assert.equal(scan.error.code, 'too_many_redirects');
});

test('Run Scan refuses crawl options without scope site, bad bounds and patterns, and charges the hourly page budget', async () => {
  const bad = async (body, field) => {
    const r = await w.api('POST', `${base}/scans/run`, { key, body: { url: `https://${SITE_HOST}/`, ...body } });
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.ok(r.json.error.details[field], `${field}: ${JSON.stringify(r.json.error)}`);
  };
  await bad({ max_pages: 5 }, 'max_pages');
  await bad({ scope: 'site', max_pages: 501 }, 'max_pages');
  await bad({ scope: 'site', max_depth: 21 }, 'max_depth');
  await bad({ scope: 'site', include: ['no-slash'] }, 'include');
  await bad({ scope: 'site', exclude: Array.from({ length: 21 }, (_, i) => `/p${i}`) }, 'exclude');
  await bad({ scope: 'everything' }, 'scope');
  // SITE_PAGES_PER_HOUR is 400 here and this file already used most of it.
  const r = await w.api('POST', `${base}/scans/run`, { key, body: { url: `https://${SITE_HOST}/`, scope: 'site', max_pages: 400 } });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
});

test('a schedule may run site scans', async () => {
  const r = await w.api('POST', `${base}/schedules`, { key, body: { url: `https://${SITE_HOST}/`, cadence: 'daily', scope: 'site', max_pages: 3 } });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.data.scope, 'site');
  assert.deepEqual(r.json.data.crawl, { max_pages: 3, max_depth: 5, include: [], exclude: [] });
  const patch = await w.api('PATCH', `${base}/schedules/${r.json.data.id}`, { key, body: { scope: 'page' } });
  assert.equal(patch.status, 422);
});
