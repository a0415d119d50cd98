// The site-scan fixtures themselves (site-fixture.mjs), checked quickly
// without a Worker: each serves what it claims, and the expected-outcome
// data agrees with what is served. Requests are sent the way the Worker's
// SCAN_HOST_OVERRIDES sends them: to the loopback port, with the public
// host name in X-Forwarded-Host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { startSite, startBigSite, PAGES, NEVER_FETCHED, TEMPLATE_PROBLEMS, countOutcomes, crawlModel, SITE_HOST, OTHER_HOST, BIG_HOST } from './site-fixture.mjs';

let site;
before(async () => {
  site = await startSite();
});
after(() => site?.close());

const get = (port, host, path, { method = 'GET', proto = 'https', signal } = {}) =>
  fetch(`http://127.0.0.1:${port}${path}`, { method, redirect: 'manual', signal, headers: { 'x-forwarded-host': host, 'x-forwarded-proto': proto } });

const locs = (xml) => [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1].replace(/&amp;/g, '&'));

test('robots.txt disallows /private/, sets a crawl delay and names the sitemap index', async () => {
  const r = await get(site.port, SITE_HOST, '/robots.txt');
  assert.equal(r.status, 200);
  const body = await r.text();
  const star = body.slice(body.indexOf('User-agent: *'));
  assert.match(star, /^Disallow: \/private\/$/m);
  assert.match(star, /^Crawl-delay: 1$/m);
  assert.match(body, new RegExp(`^Sitemap: https://${SITE_HOST}/sitemap_index.xml$`, 'm'));
  const fast = await startSite({ crawlDelay: 0 });
  try {
    assert.match(await (await get(fast.port, SITE_HOST, '/robots.txt')).text(), /^Crawl-delay: 0$/m);
  } finally {
    fast.close();
  }
});

test('the sitemap index names a plain and a gzipped sitemap; together they list the sitemap pages', async () => {
  const idx = await (await get(site.port, SITE_HOST, '/sitemap_index.xml')).text();
  assert.match(idx, /<sitemapindex/);
  const names = locs(idx);
  assert.deepEqual(names, [`https://${SITE_HOST}/sitemap-products.xml`, `https://${SITE_HOST}/sitemap-blog.xml.gz`]);
  const plain = await get(site.port, SITE_HOST, '/sitemap-products.xml');
  assert.equal(plain.headers.get('content-type'), 'application/xml');
  const gz = await get(site.port, SITE_HOST, '/sitemap-blog.xml.gz');
  assert.equal(gz.headers.get('content-type'), 'application/gzip');
  assert.equal(gz.headers.get('content-encoding'), null, 'the gzip is the body, not a transfer encoding');
  const bytes = Buffer.from(await gz.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
  const listed = [...locs(await plain.text()), ...locs(gunzipSync(bytes).toString())].map((u) => u.replace(/#.*/, ''));
  // Image extension entries are not <url><loc>s; the regexp above only sees plain <loc>.
  const fromSitemaps = PAGES.filter((p) => p.inSitemap).map((p) => p.url);
  assert.deepEqual([...new Set(listed)].sort(), fromSitemaps.sort());
  assert.equal((await get(site.port, SITE_HOST, '/sitemap.xml')).status, 404);
});

test('every outcome in the model is served as it says', async () => {
  assert.ok(!PAGES.some((p) => p.outcome === 'missing'), 'every linked path exists in the site');
  const c = countOutcomes();
  assert.ok(c.scanned >= 30 && c.scanned + (c.failed ?? 0) + (c.skipped_non_html ?? 0) >= 36, JSON.stringify(c));
  for (const p of PAGES.filter((x) => x.url.startsWith(site.origin))) {
    if (p.reason === 'timeout') continue;
    const r = await get(site.port, SITE_HOST, p.path);
    const type = r.headers.get('content-type') ?? '';
    if (p.outcome === 'scanned' || p.outcome === 'disallowed') {
      assert.equal(r.status, 200, p.path);
      assert.match(type, /^text\/html/, p.path);
    } else if (p.outcome === 'skipped_non_html') {
      assert.equal(type, 'application/pdf');
      assert.ok((await r.text()).startsWith('%PDF-'));
    } else if (p.reason === 'too_many_redirects') {
      assert.equal(r.status, 302);
      const next = r.headers.get('location');
      const back = await get(site.port, SITE_HOST, next);
      assert.equal(back.headers.get('location'), p.path, 'a loop');
    } else if (p.reason === 'blocked_target') {
      assert.equal(r.status, 302);
      assert.match(r.headers.get('location'), /^http:\/\/127\.0\.0\.1:\d+\/steal$/);
    } else if (p.reason === 'redirect_off_origin') {
      assert.equal(r.status, 302);
      assert.ok(r.headers.get('location').startsWith(`https://${OTHER_HOST}/`));
    } else {
      assert.fail(`unexpected outcome ${p.outcome} for ${p.path}`);
    }
  }
  assert.deepEqual(site.sentinelHits, [], 'the fixture itself never follows its redirects');
});

test('http is redirected to https; other hosts are answered (so a leak shows in hits)', async () => {
  const r = await get(site.port, SITE_HOST, '/about', { proto: 'http' });
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), `https://${SITE_HOST}/about`);
  const before = site.hits.length;
  assert.equal((await get(site.port, OTHER_HOST, '/partner')).status, 200);
  assert.deepEqual(site.fetchedUrls().slice(before), [`https://${OTHER_HOST}/partner`]);
  assert.ok(NEVER_FETCHED.includes(`https://${OTHER_HOST}/partner`));
});

test('the home page carries the de-duplication, scheme and other-origin cases; pages share the template problem', async () => {
  const home = await (await get(site.port, SITE_HOST, '/')).text();
  for (const href of ['/about', '/about#team', '/about?', '/about?#x', '/search?q=widgets#results', 'mailto:', 'javascript:', 'tel:', `https://${OTHER_HOST}/partner`, '/private/secret']) {
    assert.ok(home.includes(`href="${href}`), href);
  }
  assert.match(home, /<img src="\/static\/logo.png" width="120" height="40">/, 'the logo has no alt');
  assert.ok(TEMPLATE_PROBLEMS['image-alt'].length >= 30);
  assert.equal(TEMPLATE_PROBLEMS.label.length, 8);
  const product = await (await get(site.port, SITE_HOST, '/products/widget-3')).text();
  assert.match(product, /<input type="text" name="qty" value="1">/);
});

test('pages only reachable by links sit at depth 2 to 4; options change the model', () => {
  const linkOnly = PAGES.filter((p) => p.via === 'link' && p.outcome === 'scanned' && p.depth >= 2).map((p) => p.path);
  assert.deepEqual(linkOnly.sort(), ['/blog/archive', '/blog/archive/2019', '/search?q=faq', '/team', '/team/history', '/team/history/founders']);
  const shallow = crawlModel({ maxDepth: 2 });
  assert.deepEqual(shallow.filter((p) => p.outcome === 'too_deep').map((p) => p.path).sort(), ['/blog/archive/2019', '/team/history']);
  assert.ok(!shallow.some((p) => p.path === '/team/history/founders'), 'only linked from a page too deep to fetch');
  const noBlog = crawlModel({ exclude: ['/blog/'] });
  assert.equal(noBlog.filter((p) => p.outcome === 'excluded').length, 9);
  assert.ok(!noBlog.some((p) => p.path === '/blog/archive'));
});

test('the page that never answers is held open and released by close()', async () => {
  const s = await startSite();
  const pending = get(s.port, SITE_HOST, '/slow').then(
    () => 'answered',
    () => 'released',
  );
  while (!s.hits.some((h) => h.path === '/slow')) await new Promise((r) => setTimeout(r, 10));
  s.close();
  assert.equal(await pending, 'released');
});

test('the big site: n pages of realistic size, all in the sitemap, links within the site', async () => {
  const big = await startBigSite(20);
  try {
    const robots = await (await get(big.port, BIG_HOST, '/robots.txt')).text();
    assert.doesNotMatch(robots, /Crawl-delay/i);
    assert.match(robots, new RegExp(`Sitemap: https://${BIG_HOST}/sitemap.xml`));
    const listed = locs(await (await get(big.port, BIG_HOST, '/sitemap.xml')).text());
    assert.equal(listed.length, 21);
    assert.deepEqual(listed, big.urls);
    const known = new Set(big.urls.map((u) => new URL(u).pathname));
    for (const path of ['/', '/p/0', '/p/19']) {
      const r = await get(big.port, BIG_HOST, path);
      const html = await r.text();
      assert.equal(r.status, 200);
      assert.ok(html.length > 30_000 && html.length < 60_000, `${path}: ${html.length}`);
      for (const [, href] of html.matchAll(/<a href="(\/[^"#]*)"/g)) assert.ok(known.has(href), `${path} links ${href}`);
      assert.match(html, /<img [^>]*class="thumb">/, 'some images lack alt');
      assert.match(html, /<form /);
    }
    assert.equal((await get(big.port, BIG_HOST, '/p/20')).status, 404);
  } finally {
    big.close();
  }
});
