// Loopback fixture sites for scan tests. One server answers for every site;
// the Worker's SCAN_HOST_OVERRIDES sends every scanned host here and passes
// the original host in X-Forwarded-Host (like curl --resolve).
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { listen } from './harness.mjs';

const GOOD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

export const goodHtml = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Well configured</title>
<link rel="stylesheet" href="/site.css">
<script src="/app.js" defer></script>
</head>
<body>
<header><nav><a href="/about">About us</a></nav></header>
<main>
<h1>Welcome</h1>
<h2>Details</h2>
<p>All good here.</p>
<img src="/logo.png" alt="Company logo" width="120" height="40">
<form action="/search"><label for="q">Search</label><input id="q" name="q" type="search"><button type="submit">Go</button></form>
</main>
</body>
</html>`;

export const badHtml = `<html>
<head><script src="/app.js"></script><script src="http://cdn.example.net/lib.js"></script></head>
<body>
<h1>Bad</h1><h4>Skipped levels</h4>
<img src="/hero.png">
<a href="/x"></a>
<button></button>
<input type="text" name="q">
<iframe src="/frame"></iframe>
<div id="dup" aria-labelledby="dup"></div><div id="dup"></div>
</body>
</html>`;

const goodHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': GOOD_CSP,
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'geolocation=(), camera=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const badHeaders = {
  'content-type': 'text/html',
  server: 'Apache/2.4.1 (Unix)',
  'x-powered-by': 'PHP/5.6.40',
};

export async function startFixtures() {
  const seen = []; // {host, path, method, proto, origin, acrm}
  const state = { flip: 'bad' };
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0), { level: 9 });
  const server = createServer((req, res) => {
    const host = (req.headers['x-forwarded-host'] ?? req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    const proto = req.headers['x-forwarded-proto'] ?? 'http';
    const path = req.url;
    seen.push({ host, path, method: req.method, proto, origin: req.headers.origin, acrm: req.headers['access-control-request-method'] });
    const site = host.split('.')[0];
    const send = (status, headers, body = '') => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    // Every well-behaved site redirects http to https.
    if (proto === 'http' && ['good', 'flip'].includes(site)) return send(301, { location: `https://${host}${path}` });
    if (path === '/.well-known/security.txt') {
      return site === 'good' ? send(200, { 'content-type': 'text/plain' }, 'Contact: mailto:security@example.com\n') : send(404, {}, 'no');
    }
    if (/\.(css|js|png)$/.test(path)) {
      const cache = site === 'good' ? 'public, max-age=31536000, immutable' : 'no-cache';
      return send(200, { 'content-type': 'application/octet-stream', 'cache-control': cache, 'content-length': '10' }, '0123456789');
    }
    switch (site) {
      case 'good': {
        const body = gzipSync(goodHtml);
        return send(200, { ...goodHeaders, 'content-encoding': 'gzip', 'set-cookie': ['sid=1; Secure; HttpOnly; SameSite=Lax; Path=/', 'pref=a; Secure; SameSite=Strict; Path=/'] }, body);
      }
      case 'cors': {
        // Trusts whatever Origin asks, with credentials: the classic misconfiguration.
        const o = req.headers.origin;
        const cors = o ? { 'access-control-allow-origin': o, 'access-control-allow-credentials': 'true' } : {};
        return send(200, { ...goodHeaders, ...cors }, goodHtml);
      }
      case 'bad':
        return send(200, { ...badHeaders, 'set-cookie': ['sid=1; Path=/', 'track=2'] }, badHtml);
      case 'flip':
        return state.flip === 'good' ? send(200, goodHeaders, goodHtml) : send(200, badHeaders, badHtml);
      case 'big':
        return send(200, { 'content-type': 'text/html' }, '<!DOCTYPE html><p>' + 'x'.repeat(8 * 1024 * 1024));
      case 'bomb':
        return send(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }, bomb);
      case 'loop':
        return send(302, { location: path === '/a' ? '/b' : '/a' });
      case 'internal':
        return send(302, { location: `http://127.0.0.1:${state.sentinelPort}/steal` });
      case 'hang':
        return; // never answers
      case 'binary':
        return send(200, { 'content-type': 'application/octet-stream' }, Buffer.from([0, 159, 146, 150, 255, 0, 1]));
      case 'badutf8':
        return send(200, { 'content-type': 'text/html; charset=utf-8' }, Buffer.concat([Buffer.from('<!DOCTYPE html><html><head><title>x</title></head><body><p>'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('</p><img src="a.png"></body></html>')]));
      default:
        return send(404, { 'content-type': 'text/plain' }, 'unknown fixture site');
    }
  });
  server.keepAliveTimeout = 1000;
  const port = await listen(server);
  // A server no scan may ever reach: anything arriving here is a leak.
  const sentinelHits = [];
  const sentinel = createServer((req, res) => {
    sentinelHits.push(req.url);
    res.end('leak');
  });
  state.sentinelPort = await listen(sentinel);
  return {
    port,
    seen,
    state,
    sentinelHits,
    hostsSeen: () => new Set(seen.map((s) => s.host)),
    close: () => {
      server.closeAllConnections?.();
      sentinel.closeAllConnections?.();
      server.close();
      sentinel.close();
    },
  };
}
