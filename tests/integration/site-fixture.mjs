// Loopback fixture sites for site scans (issue 13).
//
// `startSite()` serves a ~40-page site with every case the crawl must handle
// (robots.txt with a disallowed folder and a crawl delay, a sitemap index
// naming a plain and a gzipped sitemap, pages reachable only by links, a
// redirect loop, a redirect off the origin, a redirect to 127.0.0.1, a page
// that never answers, a PDF, links to another origin, fragment and `?`
// variants of one URL, and a template problem repeated on many pages).
// `PAGES` / `crawlModel()` say how each URL must end, so tests assert
// against data. `startBigSite(n)` serves n generated pages for the benchmark.
//
// Like fixtures.mjs, the server is reached through the Worker's
// development-only SCAN_HOST_OVERRIDES (`host=127.0.0.1:PORT`, like curl
// --resolve): the scanner requests `https://site.krafter-fixture.com/…`, the
// SSRF guard and the DoH check see that public-looking name, and the
// connection lands here with the name in X-Forwarded-Host. Pass
// `site.overrides` (or `*=127.0.0.1:PORT`) to `Worker.start({ vars })`, with
// a DoH fake (harness `startDoh`) answering a public address for the names.
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { listen } from './harness.mjs';

export const SITE_HOST = 'site.krafter-fixture.com';
export const OTHER_HOST = 'other.krafter-fixture.com';
export const BIG_HOST = 'big-site.krafter-fixture.com';

const ORIGIN = `https://${SITE_HOST}`;
const OTHER = `https://${OTHER_HOST}`;

// ---------------------------------------------------------------------------
// The site, as data. Every page shares one template (header logo without
// alt text, nav, footer), so `image-alt` is found on every HTML page: the
// template problem a grouped findings view shows once. Product pages also
// share an unlabelled quantity input (a second group, 8 pages).

const products = Array.from({ length: 8 }, (_, i) => `/products/widget-${i + 1}`);
const posts = Array.from({ length: 8 }, (_, i) => `/blog/post-${i + 1}`);

/** Footer links on every HTML page (public and private ones). */
const FOOTER = ['/legal/privacy', '/legal/terms', '/private/admin', `${OTHER}/partner`];

/**
 * Each path: how it is served (`kind`), the links its HTML carries, and the
 * outcome a site scan with default options (max_pages ≥ 40, max_depth ≥ 4,
 * no include/exclude) must record for it:
 * - `scanned`: fetched and analysed;
 * - `failed` with `reason` (the existing scan error codes);
 * - `skipped_non_html`: fetched, not HTML, counted as skipped;
 * - `disallowed`: refused by robots.txt, never requested;
 * - `other_origin`: another origin, never requested.
 * `kind`: html | pdf | loop | hang | internal | away.
 */
const SITE = {
  '/': {
    kind: 'html',
    title: 'Home',
    links: [
      '/about',
      '/about#team', // fragment: same URL as /about
      '/about?', // empty query: same URL as /about
      '/about?#x',
      '/products/',
      '/blog/',
      '/contact',
      '/jobs',
      '/faq',
      '/search?q=widgets',
      '/search?q=widgets#results',
      '/private/secret',
      '/files/report.pdf',
      '/loop/a',
      '/slow',
      '/go-internal',
      '/moved-away',
      `${OTHER}/partner`,
      'mailto:hello@example.com',
      'javascript:void(0)',
      'tel:+10000000',
    ],
  },
  '/about': { kind: 'html', title: 'About', links: ['/team', '/contact#form', `${OTHER}/about-them`] },
  '/team': { kind: 'html', title: 'Team', links: ['/team/history', '/about'] },
  '/team/history': { kind: 'html', title: 'History', links: ['/team/history/founders'] },
  '/team/history/founders': { kind: 'html', title: 'Founders', links: ['/team'] },
  '/contact': { kind: 'html', title: 'Contact', links: ['/faq', '/private/secret'] },
  '/jobs': { kind: 'html', title: 'Jobs', links: ['/contact'] },
  '/faq': { kind: 'html', title: 'FAQ', links: ['/contact', '/search?q=faq'] },
  '/search?q=widgets': { kind: 'html', title: 'Search results', links: products.slice(0, 3) },
  '/search?q=faq': { kind: 'html', title: 'Search results', links: ['/faq'] },
  '/legal/privacy': { kind: 'html', title: 'Privacy', links: ['/legal/terms'] },
  '/legal/terms': { kind: 'html', title: 'Terms', links: ['/legal/privacy'] },
  '/products/': { kind: 'html', title: 'Products', links: [...products, '/files/report.pdf'] },
  ...Object.fromEntries(products.map((p, i) => [p, { kind: 'html', title: `Widget ${i + 1}`, product: true, links: ['/products/', products[(i + 1) % products.length]] }])),
  '/blog/': { kind: 'html', title: 'Blog', links: [...posts, '/blog/archive'] },
  ...Object.fromEntries(posts.map((p, i) => [p, { kind: 'html', title: `Post ${i + 1}`, links: ['/blog/', `${p}#comments`] }])),
  '/blog/archive': { kind: 'html', title: 'Archive', links: ['/blog/archive/2019'] },
  '/blog/archive/2019': { kind: 'html', title: '2019', links: ['/blog/'] },
  '/private/secret': { kind: 'html', title: 'Secret', links: [] },
  '/private/admin': { kind: 'html', title: 'Admin', links: [] },
  '/private/in-sitemap': { kind: 'html', title: 'Private but listed', links: [] },
  '/files/report.pdf': { kind: 'pdf' },
  '/loop/a': { kind: 'loop', to: '/loop/b' },
  '/loop/b': { kind: 'loop', to: '/loop/a' },
  '/slow': { kind: 'hang' },
  '/go-internal': { kind: 'internal' },
  '/moved-away': { kind: 'away', to: `${OTHER}/landing` },
};

/** The two sitemaps the index names. Some entries repeat link-found URLs. */
const SITEMAP_PRODUCTS = ['/', '/about', '/products/', ...products, '/private/in-sitemap', `${OTHER}/from-sitemap`];
const SITEMAP_BLOG = ['/blog/', ...posts.map((p, i) => (i === 0 ? `${p}#comments` : p))];

const robotsTxt = (crawlDelay) => `# Fixture robots.txt
User-agent: Googlebot
Disallow: /products/

User-agent: *
Disallow: /private/
Crawl-delay: ${crawlDelay}

Sitemap: ${ORIGIN}/sitemap_index.xml
`;

const xmlEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const abs = (p) => (p.startsWith('http') ? p : `${ORIGIN}${p}`);

const urlset = (paths, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
${paths.map((p) => `  <url><loc>${xmlEscape(abs(p))}</loc><changefreq>weekly</changefreq>${extra}</url>`).join('\n')}
</urlset>
`;

const sitemapIndex = (names) => `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${names.map((n) => `  <sitemap><loc>${ORIGIN}${n}</loc></sitemap>`).join('\n')}
</sitemapindex>
`;

function pageHtml(path, page) {
  const links = page.links.map((href, i) => `<li><a href="${href.replace(/&/g, '&amp;')}">Link ${i + 1}</a></li>`).join('');
  const product = page.product
    ? '<form action="/cart" method="post"><input type="text" name="qty" value="1"><button type="submit">Add to cart</button></form>'
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Fixture site</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header><a href="/"><img src="/static/logo.png" width="120" height="40"></a>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/products/">Products</a> <a href="/blog/">Blog</a></nav></header>
<main>
<h1>${page.title}</h1>
<p>Fixture page ${path.replace(/&/g, '&amp;').replace(/</g, '&lt;')}.</p>
${product}
<ul>${links}</ul>
</main>
<footer><ul>${FOOTER.map((f) => `<li><a href="${f}">${f}</a></li>`).join('')}</ul></footer>
</body>
</html>`;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

// ---------------------------------------------------------------------------
// Expected outcomes, derived from the data above.

/** The crawl's URL key for a link (what scanner::crawl::urls::normalise keeps). */
function key(href, from = '/') {
  if (/^(mailto|javascript|tel|data):/i.test(href)) return null;
  const u = new URL(href, abs(from));
  u.hash = '';
  let s = u.href;
  if (s.endsWith('?')) s = s.slice(0, -1);
  return s;
}

const outcomeOf = {
  html: { outcome: 'scanned' },
  pdf: { outcome: 'skipped_non_html' },
  loop: { outcome: 'failed', reason: 'too_many_redirects' },
  hang: { outcome: 'failed', reason: 'timeout' },
  internal: { outcome: 'failed', reason: 'blocked_target' },
  // Not followed off the origin; the reason name is the wiring's to choose.
  away: { outcome: 'failed', reason: 'redirect_off_origin' },
};

/**
 * The crawl modelled on the data: every URL a site scan discovers, with its
 * depth (BFS from `/` at 0; sitemap URLs at 1, as
 * scanner::crawl::frontier::SITEMAP_DEPTH) and the outcome it must end
 * with, for the given options: `include`/`exclude` as plain path prefixes
 * (enough for these tests; the Rust side has the full syntax; the start URL
 * is never excluded) and `maxDepth`. Outcomes besides the ones above:
 * `excluded` (patterns) and `too_deep`, both discovered but never
 * requested; links are followed only from pages that are scanned, so a
 * page reachable only through an excluded or too-deep one is not
 * discovered at all. `maxPages` is not modelled (assert counts for it).
 * Sorted by depth, then URL.
 */
export function crawlModel({ include = [], exclude = [], maxDepth = Infinity } = {}) {
  const out = new Map();
  const judge = (url, depth) => {
    const u = new URL(url);
    const path = u.pathname + u.search;
    if (u.origin !== ORIGIN) return { path, outcome: 'other_origin' };
    const inc = include.length === 0 || include.some((x) => path.startsWith(x));
    if (depth > 0 && (!inc || exclude.some((x) => path.startsWith(x)))) return { path, outcome: 'excluded' };
    if (path.startsWith('/private/')) return { path, outcome: 'disallowed' };
    if (depth > maxDepth) return { path, outcome: 'too_deep' };
    return { path, ...(outcomeOf[SITE[path]?.kind] ?? { outcome: 'missing' }) };
  };
  const queue = [];
  const add = (url, depth, via) => {
    const prev = out.get(url);
    if (prev && prev.depth <= depth) return;
    const entry = { url, depth, via, inSitemap: prev?.inSitemap ?? false, ...judge(url, depth) };
    out.set(url, entry);
    if (entry.outcome === 'scanned') queue.push(entry);
  };
  add(abs('/'), 0, 'start');
  for (const p of [...SITEMAP_PRODUCTS, ...SITEMAP_BLOG]) {
    const k = key(p);
    add(k, 1, 'sitemap');
    out.get(k).inSitemap = true;
  }
  for (let i = 0; i < queue.length; i++) {
    const e = queue[i];
    if (out.get(e.url) !== e) continue; // superseded by a shallower find
    for (const href of [...SITE[e.path].links, ...FOOTER]) {
      const k = key(href, e.path);
      if (k) add(k, e.depth + 1, 'link');
    }
  }
  return [...out.values()].sort((a, b) => a.depth - b.depth || a.url.localeCompare(b.url));
}

/** The default site scan's URLs and outcomes (see `crawlModel`). */
export const PAGES = crawlModel();

/** Counts by outcome: {scanned, failed, skipped_non_html, disallowed, other_origin, ...}. */
export function countOutcomes(list = PAGES) {
  const c = {};
  for (const p of list) c[p.outcome] = (c[p.outcome] ?? 0) + 1;
  return c;
}

/** Absolute URLs a default site scan must never request. */
export const NEVER_FETCHED = PAGES.filter((p) => ['disallowed', 'other_origin'].includes(p.outcome)).map((p) => p.url);

/** Rule ids the shared template makes appear on many pages, with the pages. */
export const TEMPLATE_PROBLEMS = {
  'image-alt': PAGES.filter((p) => p.outcome === 'scanned').map((p) => p.url),
  label: PAGES.filter((p) => p.outcome === 'scanned' && SITE[p.path]?.product).map((p) => p.url),
};

// ---------------------------------------------------------------------------
// Servers.

function hostOf(req) {
  return (req.headers['x-forwarded-host'] ?? req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
}

/** A server no scan may reach: the redirect target of /go-internal. */
async function startSentinel() {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    res.end('leak');
  });
  const port = await listen(server);
  return { server, port, hits };
}

/**
 * Starts the fixture site. Options: `crawlDelay` (seconds in robots.txt,
 * default 1), `gzipType` (content type of the gzipped sitemap, default
 * `application/gzip`; `application/x-gzip` also seen in the wild).
 * Returns `{ port, origin, host, otherOrigin, overrides, hits, sentinelHits,
 * fetchedUrls(), pageGets(path), close() }`. `hits` lists every request in arrival order:
 * `{ host, path, method, proto, at }` (`at`: Date.now()).
 */
export async function startSite({ crawlDelay = 1, gzipType = 'application/gzip' } = {}) {
  const hits = [];
  const hanging = new Set();
  const sentinel = await startSentinel();
  const blogGz = gzipSync(urlset(SITEMAP_BLOG));
  const server = createServer((req, res) => {
    const host = hostOf(req);
    const proto = req.headers['x-forwarded-proto'] ?? 'http';
    const path = req.url ?? '/';
    hits.push({ host, path, method: req.method, proto, at: Date.now() });
    const send = (status, headers, body = '') => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    // Another origin: answered (so a leak shows in `hits`), never to be asked.
    if (host !== SITE_HOST) return send(200, { 'content-type': 'text/html' }, '<!DOCTYPE html><title>other</title><p>other origin</p>');
    // A well-behaved site: http goes to https.
    if (proto === 'http') return send(301, { location: `${ORIGIN}${path}` });
    const pathOnly = path.split('?')[0];
    switch (pathOnly) {
      case '/robots.txt':
        return send(200, { 'content-type': 'text/plain; charset=utf-8' }, robotsTxt(crawlDelay));
      case '/sitemap_index.xml':
        return send(200, { 'content-type': 'application/xml' }, sitemapIndex(['/sitemap-products.xml', '/sitemap-blog.xml.gz']));
      case '/sitemap-products.xml':
        return send(200, { 'content-type': 'application/xml' }, urlset(SITEMAP_PRODUCTS, `<image:image><image:loc>${ORIGIN}/static/product.png</image:loc></image:image>`));
      case '/sitemap-blog.xml.gz':
        return send(200, { 'content-type': gzipType }, blogGz);
      case '/static/site.css':
        return send(200, { 'content-type': 'text/css', 'cache-control': 'public, max-age=86400' }, 'body{font-family:sans-serif}');
      case '/static/logo.png':
      case '/static/product.png':
        return send(200, { 'content-type': 'image/png', 'cache-control': 'public, max-age=86400' }, PNG);
    }
    const page = SITE[path];
    if (!page) return send(404, { 'content-type': 'text/plain' }, 'not found');
    switch (page.kind) {
      case 'html':
        return send(200, { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' }, pageHtml(path, page));
      case 'pdf':
        return send(200, { 'content-type': 'application/pdf', 'content-length': String(PDF.length) }, PDF);
      case 'loop':
      case 'away':
        return send(302, { location: page.to });
      case 'internal':
        return send(302, { location: `http://127.0.0.1:${sentinel.port}/steal` });
      case 'hang':
        // Never answers; close() releases the socket.
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
    }
    return send(500, {}, 'fixture bug');
  });
  server.keepAliveTimeout = 1000;
  const port = await listen(server);
  return {
    port,
    origin: ORIGIN,
    host: SITE_HOST,
    otherOrigin: OTHER,
    // For Worker.start({ vars: { SCAN_HOST_OVERRIDES: site.overrides } }).
    overrides: `${SITE_HOST}=127.0.0.1:${port},${OTHER_HOST}=127.0.0.1:${port}`,
    hits,
    sentinelHits: sentinel.hits,
    /** Every request as an absolute URL (`https://host/path?query`), in order. */
    fetchedUrls: () => hits.map((h) => `${h.proto}://${h.host}${h.path}`),
    /** GET requests for `path` (path + query, as requested) on the site's host. */
    pageGets: (path) => hits.filter((h) => h.host === SITE_HOST && h.method === 'GET' && h.proto === 'https' && h.path === path),
    close: () => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections?.();
      sentinel.server.closeAllConnections?.();
      server.close();
      sentinel.server.close();
    },
  };
}

// ---------------------------------------------------------------------------
// The benchmark's site: n generated pages of realistic shape (a port of
// benches/typical.rs: paragraphs with links, images with and without alt,
// forms, tables, lists, nested sections, inline scripts and styles), ~40 KB
// each, every content link pointing at another page of the site; a sitemap
// listing them all; robots.txt without a crawl delay.

const WORDS = ['audit', 'edge', 'worker', 'latency', 'render', 'content', 'page', 'section', 'button', 'image', 'layout', 'search', 'network', 'request', 'cache', 'header', 'script', 'style', 'font', 'table', 'form', 'input', 'value', 'link'];

function rng(seed) {
  let s = seed >>> 0 || 1;
  return (n) => {
    // xorshift32: deterministic pages, every run measures the same site.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % Math.max(1, n);
  };
}

/** One generated page (`i` of `n`), about `target` bytes. */
export function bigPage(i, n, target = 40_000) {
  const r = rng(0x9e3779b9 ^ (i * 2654435761));
  const words = (k) => Array.from({ length: k }, () => WORDS[r(WORDS.length)]).join(' ');
  const link = () => `/p/${r(n)}`;
  let id = 0;
  const block = (depth) => {
    const k = ++id;
    switch (r(9)) {
      case 0:
      case 1:
      case 2:
        return `<p class="text t${k % 7}">${words(25)} <a href="${link()}">${words(3)}</a> ${words(15)}.</p>\n`;
      case 3:
        return r(2) === 0 ? `<img src="/img/${k % 50}.jpg" alt="${words(4)}" width="640" height="480">\n` : `<img src="/img/${k % 50}.png" class="thumb">\n`;
      case 4:
        return `<form action="/submit" method="post"><label for="f${k}">${words(2)}</label><input id="f${k}" name="q${k}" type="text"><input type="email" placeholder="email"><select name="s${k}"><option>one</option><option>two</option></select><button type="submit">Send</button></form>\n`;
      case 5: {
        let t = `<table><caption>${words(3)}</caption><thead><tr><th scope="col">A</th><th scope="col">B</th><th>C</th></tr></thead><tbody>`;
        const rows = 3 + r(6);
        for (let j = 0; j < rows; j++) t += `<tr><td>${j}</td><td>${words(2)}</td><td><a href="#r${j}">more</a></td></tr>`;
        return `${t}</tbody></table>\n`;
      }
      case 6:
        return `<ul class="list">${Array.from({ length: 5 }, () => `<li><a href="${link()}">${words(2)}</a></li>`).join('')}</ul>\n`;
      case 7:
        if (depth < 6) {
          const h = Math.min(depth, 4) + 2;
          let s = `<section id="s${k}" aria-labelledby="h${k}"><h${h} id="h${k}">${words(4)}</h${h}>\n`;
          const kids = 2 + r(4);
          for (let j = 0; j < kids; j++) s += block(depth + 1);
          return `${s}</section>\n`;
        }
      // falls through
      default:
        return r(3) === 0
          ? `<script>window.__d${k} = {k: "${words(6)}"}; document.querySelector('#s${k}');</script>\n`
          : `<div class="card"><style>.c${k} { color: #333; margin: ${k % 20}px; }</style><span class="c${k}">${words(8)}</span><button onclick="go(${k})">Go</button></div>\n`;
    }
  };
  const nav = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `<a href="/p/${(i + d + 1) % n}">Page ${(i + d + 1) % n}</a>`).join(' ');
  let out = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page ${i}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="Generated page ${i} for the site benchmark">
<link rel="stylesheet" href="/css/site.css"><script src="/js/app.js" defer></script>
<link rel="canonical" href="https://${BIG_HOST}/p/${i}"></head>
<body><header><nav><a href="/">Home</a> ${nav}</nav></header><main>
`;
  while (out.length < target - 200) {
    out += `<section id="top${id}"><h2>${words(3)}</h2>\n`;
    for (let j = 0; j < 6; j++) out += block(1);
    out += '</section>\n';
  }
  return `${out}</main><footer><p>© Example</p></footer></body></html>\n`;
}

/**
 * Starts the benchmark site: `/` and `/p/0` … `/p/{n-1}` (the home page
 * links the first pages, every page links ten neighbours and random
 * others), `/sitemap.xml` listing all n + 1, robots.txt with no delay and
 * the sitemap. Pages are generated once, up front. Returns
 * `{ port, origin, host, overrides, urls, hits, close() }`.
 */
export async function startBigSite(n = 500, { pageBytes = 40_000 } = {}) {
  const origin = `https://${BIG_HOST}`;
  const pages = new Map([['/', bigPage(n, n, pageBytes)]]);
  for (let i = 0; i < n; i++) pages.set(`/p/${i}`, bigPage(i, n, pageBytes));
  const urls = [...pages.keys()].map((p) => `${origin}${p}`);
  const sitemap = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.map((u) => `<url><loc>${u}</loc></url>`).join('\n')}\n</urlset>\n`;
  const robots = `User-agent: *\nDisallow:\n\nSitemap: ${origin}/sitemap.xml\n`;
  const hits = [];
  const server = createServer((req, res) => {
    const host = hostOf(req);
    const proto = req.headers['x-forwarded-proto'] ?? 'http';
    const path = req.url ?? '/';
    hits.push({ host, path, method: req.method, proto, at: Date.now() });
    const send = (status, headers, body = '') => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (proto === 'http') return send(301, { location: `${origin}${path}` });
    if (path === '/robots.txt') return send(200, { 'content-type': 'text/plain' }, robots);
    if (path === '/sitemap.xml') return send(200, { 'content-type': 'application/xml' }, sitemap);
    const page = pages.get(path);
    if (page) return send(200, { 'content-type': 'text/html; charset=utf-8' }, page);
    if (/^\/(img|css|js)\//.test(path)) return send(200, { 'content-type': 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' }, PNG);
    return send(404, { 'content-type': 'text/plain' }, 'not found');
  });
  server.keepAliveTimeout = 1000;
  const port = await listen(server);
  return {
    port,
    origin,
    host: BIG_HOST,
    overrides: `${BIG_HOST}=127.0.0.1:${port}`,
    urls,
    hits,
    close: () => {
      server.closeAllConnections?.();
      server.close();
    },
  };
}
