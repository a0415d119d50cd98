// Issue 9, point 5: other ways one tenant can hurt the rest — idempotency
// keys per project, capped list filters, paginated finding history, streamed
// request bodies, malformed keys refused before D1, a cached /health, and
// DNS-over-HTTPS answers that fail closed. Black-box against real workerd.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath, startDoh, listen } from './harness.mjs';

const w = new Worker();
let site, sitePort, doh;
const seenHosts = [];

// Names the fake DoH answers badly, to see the fetcher fail closed (or not).
const TC_HOST = 'tc.krafter-fixture.com';
const V6FAIL_HOST = 'v6fail.krafter-fixture.com';
function dohOverride(name, type) {
  if (name === TC_HOST) return { Status: 0, TC: true, Answer: [{ name: `${name}.`, type: type === 'AAAA' ? 28 : 1, TTL: 60, data: type === 'AAAA' ? '2606:2800:220:1::1' : '93.184.216.34' }] };
  if (name === V6FAIL_HOST && type === 'AAAA') return { Status: 2 };
  return undefined;
}

before(async () => {
  // One loopback site for every scanned host: a page with findings in all domains.
  site = createServer((req, res) => {
    seenHosts.push((req.headers['x-forwarded-host'] ?? '').toLowerCase());
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(req.method === 'HEAD' ? undefined : '<html><head><title>t</title></head><body><h1>t</h1><img src="/a.png"><a href="/x"></a></body></html>');
  });
  sitePort = await listen(site);
  doh = startDoh({}, dohOverride);
  const dohPort = await listen(doh.server);
  await w.start({
    vars: {
      SCAN_HOST_OVERRIDES: `*=127.0.0.1:${sitePort}`,
      DOH_URL: `http://127.0.0.1:${dohPort}/dns-query`,
      SCAN_BUDGET_MS: '3000',
      SCAN_RETRY_BASE_SECS: '1',
      RATE_LIMIT_STANDARD: '100000',
    },
  });
});
after(async () => {
  await w.stop();
  site?.closeAllConnections?.();
  site?.close();
  doh?.server.close();
});

/** A fresh org with one read/write key (the strict bucket is per org). */
function tenant() {
  const org = randomUUID();
  const [key] = w.createKeys([{ org }]);
  return { org, key };
}

function assertError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.ok(r.json, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['data', 'error', 'meta']);
  assert.equal(r.json.data, null);
  assert.equal(r.json.error.code, code);
  assert.equal(r.headers.get('x-request-id'), r.json.meta.request_id);
}

async function scan(t, project, url) {
  const r = await w.api('POST', `${projectPath(t.org, project)}/scans/run`, { key: t.key, body: { url } });
  assert.equal(r.status, 202, r.text);
  return w.waitForScan(t.org, project, r.json.data.id, t.key, 60_000);
}

/** JSON log lines printed by the Worker. */
// The JSON log lines of both Workers (the harness strips the worker prefix).
const logLines = () => w.jsonLogs();

async function requestLine(requestId) {
  for (let i = 0; i < 50; i++) {
    const line = logLines().find((l) => l.type === 'request' && l.request_id === requestId);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no request log line for ${requestId}`);
}

describe('Idempotency-Key is scoped per (org, project)', () => {
  test('the same key and body in two projects make two scans; each project replays its own', async () => {
    const t = tenant();
    const body = { url: 'https://example.com/', trigger: 'post_deploy' };
    const headers = { 'idempotency-key': 'deploy-abc123' };
    const post = (project) => w.api('POST', `${projectPath(t.org, project)}/scans/run`, { key: t.key, body, headers });
    const a1 = await post('proj-a');
    const b1 = await post('proj-b');
    for (const [r, project] of [[a1, 'proj-a'], [b1, 'proj-b']]) {
      assert.equal(r.status, 202, r.text);
      assert.equal(r.headers.get('idempotent-replayed'), null);
      assert.equal(r.json.data.project_id, project);
    }
    assert.notEqual(a1.json.data.id, b1.json.data.id);
    // Each project's scan exists in that project only.
    assert.equal((await w.api('GET', `${projectPath(t.org, 'proj-b')}/scans/${b1.json.data.id}`, { key: t.key })).status, 200);
    assert.equal((await w.api('GET', `${projectPath(t.org, 'proj-b')}/scans/${a1.json.data.id}`, { key: t.key })).status, 404);

    const a2 = await post('proj-a');
    assert.equal(a2.status, 202);
    assert.equal(a2.headers.get('idempotent-replayed'), 'true');
    assert.equal(a2.text, a1.text);
    const b2 = await post('proj-b');
    assert.equal(b2.headers.get('idempotent-replayed'), 'true');
    assert.equal(b2.json.data.id, b1.json.data.id);
    // Within one project a different body is still refused.
    const other = await w.api('POST', `${projectPath(t.org, 'proj-a')}/scans/run`, { key: t.key, body: { url: 'https://example.org/' }, headers });
    assertError(other, 422, 'invalid_params');
    const rows = w.query(`SELECT project_id FROM idempotency_keys WHERE org_id = '${t.org}' ORDER BY project_id`);
    assert.deepEqual(rows.map((r) => r.project_id), ['proj-a', 'proj-b']);
  });
});

describe('multi-value list filters: de-duplicated, at most 20 distinct values', () => {
  const project = 'filters';
  let t, done, findings;
  before(async () => {
    t = tenant();
    done = await scan(t, project, 'https://filters.krafter-fixture.com/');
    assert.equal(done.status, 'completed', JSON.stringify(done));
    findings = (await w.api('GET', `${projectPath(t.org, project)}/findings?limit=100`, { key: t.key })).json.data;
    assert.ok(findings.length >= 3, 'the fixture page has findings');
  });
  const get = (path) => w.api('GET', `${projectPath(t.org, project)}${path}`, { key: t.key });
  const repeat = (name, values) => values.map((v) => `${name}=${encodeURIComponent(v)}`).join('&');
  const range = (n, prefix) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  test('120 distinct values are 422 naming the filter, for findings and scans', async () => {
    for (const [path, name] of [
      ['/findings?', 'status'],
      ['/findings?', 'rule_id'],
      ['/findings?', 'severity'],
      ['/scans?', 'status'],
      ['/scans?', 'trigger'],
    ]) {
      for (const q of [repeat(name, range(120, 'v')), `${name}=${range(120, 'v').join(',')}`]) {
        const r = await get(path + q);
        assertError(r, 422, 'invalid_params');
        assert.match(r.json.error.message, new RegExp(`${name}.*at most 20`), r.text);
        assert.match(r.json.error.details[name], /at most 20 distinct values/);
      }
    }
    // 21 distinct rule ids: one past the cap.
    assertError(await get(`/findings?${repeat('rule_id', range(21, 'r'))}`), 422, 'invalid_params');
  });

  test('duplicates are removed before the cap: 25 or 120 copies of one value are 200', async () => {
    const once = await get('/findings?status=new&limit=100');
    assert.equal(once.status, 200);
    for (const q of [repeat('status', Array(25).fill('new')), `status=${Array(120).fill('new').join(',')}`]) {
      const r = await get(`/findings?${q}&limit=100`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.data.map((f) => f.id), once.json.data.map((f) => f.id));
    }
    const sev = await get(`/findings?${repeat('severity', Array(120).fill(findings[0].severity))}&limit=100`);
    assert.equal(sev.status, 200, sev.text);
    assert.ok(sev.json.data.some((f) => f.id === findings[0].id));
    const scans = await get(`/scans?${repeat('status', Array(25).fill('completed'))}`);
    assert.equal(scans.status, 200, scans.text);
    assert.deepEqual(scans.json.data.map((s) => s.id), [done.id]);
  });

  test('20 distinct values are 200 and filter as a set', async () => {
    const wanted = [...new Set(findings.map((f) => f.rule_id))].slice(0, 2);
    const rules = [...wanted, ...range(18, 'no-such-rule-')];
    assert.equal(new Set(rules).size, 20);
    const r = await get(`/findings?${repeat('rule_id', rules)}&limit=100`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data.map((f) => f.id).sort(), findings.filter((f) => wanted.includes(f.rule_id)).map((f) => f.id).sort());
    // The scans list takes several statuses and triggers too.
    const both = await get('/scans?status=queued,completed&trigger=manual&trigger=scheduled');
    assert.equal(both.status, 200, both.text);
    assert.deepEqual(both.json.data.map((s) => s.id), [done.id]);
    const none = await get('/scans?status=queued,running');
    assert.deepEqual(none.json.data, []);
    assertError(await get('/scans?status=completed,done'), 422, 'invalid_params');
  });
});

describe('finding history is paginated', () => {
  const project = 'history';
  let t, finding;
  before(async () => {
    t = tenant();
    const s = await scan(t, project, 'https://history.krafter-fixture.com/');
    assert.equal(s.status, 'completed', JSON.stringify(s));
    [finding] = (await w.api('GET', `${projectPath(t.org, project)}/findings?limit=1`, { key: t.key })).json.data;
    assert.ok(finding);
  });
  const path = () => `${projectPath(t.org, project)}/findings/${finding.id}`;
  const patch = async (i) => {
    const r = await w.api('PATCH', path(), { key: t.key, body: { owner_id: `owner-${i}`, note: `n${i}` } });
    assert.equal(r.status, 200, r.text);
    return r;
  };

  test('GET finding shows the latest 50 changes; …/history pages through all of them without gaps or duplicates', async () => {
    const first = await patch(0);
    assert.equal(first.json.data.history_truncated, false);
    assert.deepEqual(first.json.data.history.map((h) => h.note), ['n0']);
    for (let i = 1; i < 60; i++) await patch(i);

    const one = await w.api('GET', path(), { key: t.key });
    assert.equal(one.status, 200);
    assert.equal(one.json.data.history.length, 50);
    assert.equal(one.json.data.history_truncated, true);
    assert.deepEqual(one.json.data.history.map((h) => h.note), range(10, 60).map((i) => `n${i}`));

    const notes = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = await w.api('GET', `${path()}/history?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: t.key });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.meta.limit, 7);
      assert.ok(r.json.data.length <= 7);
      for (const h of r.json.data) {
        assert.deepEqual(Object.keys(h).sort(), ['actor', 'at', 'field', 'from', 'note', 'to']);
        assert.equal(h.actor, t.key.id);
        assert.equal(h.field, 'owner_id');
      }
      notes.push(...r.json.data.map((h) => h.note));
      // A change made while paging shows up at the end, not as a duplicate or a gap.
      if (pages === 0) await patch(60);
      cursor = r.json.meta.next_cursor;
      pages++;
    } while (cursor);
    const expected = range(0, 61).map((i) => `n${i}`);
    assert.deepEqual(notes, expected);
    assert.equal(pages, Math.ceil(61 / 7));
  });

  test('history: bad cursor or limit is 422, an unknown finding 404, another org 403', async () => {
    assertError(await w.api('GET', `${path()}/history?cursor=junk`, { key: t.key }), 422, 'invalid_params');
    assertError(await w.api('GET', `${path()}/history?limit=0`, { key: t.key }), 422, 'invalid_params');
    assertError(await w.api('GET', `${projectPath(t.org, project)}/findings/${randomUUID()}/history`, { key: t.key }), 404, 'not_found');
    assertError(await w.api('GET', `${projectPath(t.org, 'other')}/findings/${finding.id}/history`, { key: t.key }), 404, 'not_found');
    const stranger = tenant();
    assertError(await w.api('GET', `${path()}/history`, { key: stranger.key }), 403, 'forbidden');
    assertError(await w.api('POST', `${path()}/history`, { key: t.key }), 405, 'method_not_allowed');
  });
});

/**
 * A POST with `transfer-encoding: chunked` (no Content-Length). Writes
 * `total` bytes in `chunk`-sized pieces; with `end: false` the body never
 * ends, so only a server that stops reading at the cap can answer.
 */
function chunkedPost(path, { key, chunks, end = true }) {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: w.port,
      method: 'POST',
      path,
      headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    let settled = false;
    // A guard so a broken server fails the test instead of hanging it.
    const guard = setTimeout(() => {
      settled = true;
      req.destroy();
      reject(new Error('no response while the body was still being sent'));
    }, 60_000);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        clearTimeout(guard);
        settled = true;
        req.destroy();
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, headers: new Headers(res.headers), json, text });
      });
    });
    // The server may stop reading and close while we still write: expected.
    req.on('error', (e) => {
      if (!settled) {
        clearTimeout(guard);
        reject(e);
      }
    });
    (async () => {
      for (const c of chunks) {
        if (settled || req.destroyed) return;
        if (!req.write(c)) await new Promise((r) => req.once('drain', r));
      }
      if (end && !settled) req.end();
    })().catch(() => {});
  });
}

describe('chunked request bodies are capped at 64 KiB while streaming', () => {
  let t;
  before(() => {
    t = tenant();
  });
  const run = () => `${projectPath(t.org, 'chunked')}/scans/run`;

  test('1 MiB sent chunked is 413 with the envelope', async () => {
    const chunks = Array.from({ length: 64 }, () => Buffer.alloc(16 * 1024, 0x20));
    const r = await chunkedPost(run(), { key: t.key, chunks });
    assertError(r, 413, 'payload_too_large');
    assert.match(r.json.error.message, /65536 bytes/);
  });

  test('a chunked body that never ends is answered 413 once it passes 64 KiB', async () => {
    // 80 KiB, then the request stays open: a server that buffers the whole
    // body before judging it would never answer.
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(8 * 1024, 0x20));
    const r = await chunkedPost(run(), { key: t.key, chunks, end: false });
    assertError(r, 413, 'payload_too_large');
  });

  test('a small chunked body works', async () => {
    const body = JSON.stringify({ url: 'https://chunked.krafter-fixture.com/', trigger: 'manual' });
    const chunks = [body.slice(0, 5), body.slice(5, 20), body.slice(20)].map((s) => Buffer.from(s));
    const r = await chunkedPost(run(), { key: t.key, chunks });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.data.status, 'queued');
    // Exactly 64 KiB (JSON padded with spaces) is still accepted.
    const exact = Buffer.alloc(64 * 1024, 0x20);
    exact.write(body, 0);
    const big = await chunkedPost(run(), { key: t.key, chunks: [exact.subarray(0, 30_000), exact.subarray(30_000)] });
    assert.equal(big.status, 202, big.text);
  });
});

describe('malformed bearer tokens are refused before any D1 query', () => {
  test('wrong prefix, wrong length or non-base62 characters: 401, logged as malformed', async () => {
    const t = tenant();
    const body40 = t.key.secret.slice('kr_live_'.length);
    const malformed = [
      `kr_test_${body40}`,
      `KR_LIVE_${body40}`,
      `kr_live_${body40.slice(0, 32)}`, // the old check let 32–128 characters through to D1
      `kr_live_${body40.slice(0, 39)}`,
      `kr_live_${body40}A`,
      `kr_live_${body40.slice(0, 39)}-`,
      `kr_live_${body40.slice(0, 39)}_`,
      'kr_live_abc123def456',
    ];
    for (const secret of malformed) {
      const r = await w.api('GET', `${projectPath(t.org)}/scans`, { key: secret });
      assertError(r, 401, 'unauthorized');
      assert.match(r.headers.get('www-authenticate'), /^Bearer/);
      const line = await requestLine(r.json.meta.request_id);
      assert.equal(line.auth, 'malformed', secret);
      assert.equal(line.status, 401);
    }
    // A well-formed key that does not exist is looked up (and refused).
    const unknown = await w.api('GET', `${projectPath(t.org)}/scans`, { key: `kr_live_${'A'.repeat(40)}` });
    assertError(unknown, 401, 'unauthorized');
    assert.equal((await requestLine(unknown.json.meta.request_id)).auth, 'unknown_key');
    const missing = await w.api('GET', `${projectPath(t.org)}/scans`);
    assertError(missing, 401, 'unauthorized');
    assert.equal((await requestLine(missing.json.meta.request_id)).auth, 'missing');
    const ok = await w.api('GET', `${projectPath(t.org)}/scans`, { key: t.key });
    assert.equal(ok.status, 200);
    assert.equal((await requestLine(ok.json.meta.request_id)).auth, 'ok');
  });
});

describe('/health', () => {
  test('many calls cost at most one D1 check per 10 s window; status and body unchanged', async () => {
    const seen = [];
    for (let i = 0; i < 40; i++) {
      const r = await w.api('GET', '/health');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.data, { status: 'ok', d1: true });
      const cache = r.headers.get('x-health-cache');
      assert.ok(['hit', 'miss'].includes(cache), cache);
      const at = Number(r.headers.get('x-health-checked-at'));
      assert.ok(Number.isFinite(at) && at > 0);
      seen.push({ cache, at, request_id: r.json.meta.request_id });
    }
    // Every miss is a new D1 check; checks are at least 10 s apart, and a hit
    // reports the latest check before it.
    const checks = [...new Set(seen.map((s) => s.at))].sort((a, b) => a - b);
    for (let i = 1; i < checks.length; i++) assert.ok(checks[i] - checks[i - 1] >= 10_000, `checks ${checks[i - 1]} and ${checks[i]}`);
    const misses = seen.filter((s) => s.cache === 'miss');
    assert.equal(new Set(misses.map((s) => s.at)).size, misses.length);
    assert.ok(seen.filter((s) => s.cache === 'hit').length >= 30, JSON.stringify(seen.map((s) => s.cache)));
    for (let i = 1; i < seen.length; i++) {
      if (seen[i].cache === 'hit') assert.equal(seen[i].at, seen[i - 1].at);
    }
    // The request log line says whether D1 was queried.
    const last = await requestLine(seen.at(-1).request_id);
    assert.equal(last.route, 'health');
    assert.equal(last.health_cached, seen.at(-1).cache === 'hit');
  });
});

describe('DNS-over-HTTPS answers fail closed', () => {
  test('a truncated (TC) answer fails the scan with dns_error and nothing is fetched', async () => {
    const t = tenant();
    const s = await scan(t, 'dns', `https://${TC_HOST}/`);
    assert.equal(s.status, 'failed', JSON.stringify(s));
    assert.equal(s.error.code, 'dns_error');
    assert.match(s.error.message, /Truncated/);
    assert.ok(doh.queries.some((q) => q.name === TC_HOST));
    assert.ok(!seenHosts.includes(TC_HOST), 'no connection to a name whose DNS answer was truncated');
  });

  test('an AAAA SERVFAIL next to a good A answer: the scan completes', async () => {
    const t = tenant();
    const s = await scan(t, 'dns', `https://${V6FAIL_HOST}/`);
    assert.equal(s.status, 'completed', JSON.stringify(s));
    assert.ok(doh.queries.some((q) => q.name === V6FAIL_HOST && q.type === 'AAAA'), 'the SERVFAIL was served');
    assert.ok(seenHosts.includes(V6FAIL_HOST));
  });
});

function range(from, to) {
  if (to === undefined) return Array.from({ length: from }, (_, i) => i);
  return Array.from({ length: to - from }, (_, i) => from + i);
}
