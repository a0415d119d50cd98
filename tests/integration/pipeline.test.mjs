// Issue 3: the queue consumer really scans, through the guarded fetcher, and
// findings live across scans. Every scanned host is overridden to the
// loopback fixture server; DNS checks go to a fake DoH server on loopback.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath, root, startDoh, listen } from './harness.mjs';
import { startFixtures } from './fixtures.mjs';

const w = new Worker();
let fx, doh, dohPort;
// The strict bucket is per org (30 a minute): each group of tests scans as
// its own org, so the limiter never interferes.
let org, key;
const project = 'site';
function tenant() {
  org = randomUUID();
  [key] = w.createKeys([{ org }]);
}

// Names whose (fake) DNS answers are private: the scan must refuse them
// before connecting. The `# dns` lines of the SSRF suite resolve like this.
function fakeDns(name) {
  if (name === 'private.krafter-fixture.com') return ['93.184.216.34', '10.0.0.5'];
  if (name === 'v6private.krafter-fixture.com') return ['fd00::1'];
  // DNS-rebinding names (1u.ms "make-A-rebind-B-rr") alternate between two
  // answers; a resolver may return either or both. We return both: the guard
  // must refuse when any answer is private. (A single lookup cannot stop an
  // answer that changes after the check; see the README's SSRF section.)
  const rebind = name.match(/make-(\d+[.-]\d+[.-]\d+[.-]\d+)-rebind-(\d+[.-]\d+[.-]\d+[.-]\d+)/);
  if (rebind) return [rebind[1], rebind[2]].map((a) => a.replaceAll('-', '.'));
  const dotted = name.match(/(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})/);
  if (dotted) return [dotted.slice(1, 5).join('.')];
  if (name.endsWith('.krafter-fixture.com')) return ['93.184.216.34'];
  return ['127.0.0.1']; // localtest.me, localh.st, rebinding names…
}

before(async () => {
  fx = await startFixtures();
  const records = new Proxy({}, { get: (_, name) => fakeDns(String(name)) });
  doh = startDoh(records);
  dohPort = await listen(doh.server);
  await w.start({
    vars: {
      SCAN_HOST_OVERRIDES: `*=127.0.0.1:${fx.port}`,
      DOH_URL: `http://127.0.0.1:${dohPort}/dns-query`,
      SCAN_BUDGET_MS: '3000',
      SCAN_RETRY_BASE_SECS: '1',
      RATE_LIMIT_STANDARD: '100000',
    },
  });
});
after(async () => {
  await w.stop();
  fx?.close();
  doh?.server.close();
});

async function scan(url, { waitMs = 45_000 } = {}) {
  const k = key;
  const r = await w.api('POST', `${projectPath(org, project)}/scans/run`, { key: k, body: { url } });
  assert.equal(r.status, 202, r.text);
  return w.waitForScan(org, project, r.json.data.id, k, waitMs);
}

async function findingsOf(scanId) {
  const out = [];
  let cursor = null;
  do {
    const r = await w.api('GET', `${projectPath(org, project)}/scans/${scanId}/findings?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { key });
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.data);
    cursor = r.json.meta.next_cursor;
  } while (cursor);
  return out;
}

const ruleIds = (fs) => fs.map((f) => f.rule_id).sort();

describe('well and badly configured sites', () => {
  let good, bad, goodFindings, badFindings;
  before(async () => {
    tenant();
    [good, bad] = await Promise.all([scan('https://good.krafter-fixture.com/'), scan('https://bad.krafter-fixture.com/')]);
    goodFindings = await findingsOf(good.id);
    badFindings = await findingsOf(bad.id);
  });

  test('a public-looking URL reaches the fixture server through the override', () => {
    assert.equal(good.status, 'completed', JSON.stringify(good));
    assert.ok(fx.seen.some((s) => s.host === 'good.krafter-fixture.com' && s.path === '/'));
    assert.ok(doh.queries.some((q) => q.name === 'good.krafter-fixture.com' && q.type === 'A'));
  });

  test('the summary counts by domain and severity what the scan saw', () => {
    for (const s of [good, bad]) {
      for (const d of ['security', 'performance', 'accessibility']) {
        assert.deepEqual(Object.keys(s.summary[d]).sort(), ['critical', 'high', 'info', 'low', 'medium']);
      }
      const fs = s === good ? goodFindings : badFindings;
      assert.equal(s.summary.total, fs.length);
      for (const f of fs) assert.ok(s.summary[f.domain][f.severity] >= 1);
      const sum = ['security', 'performance', 'accessibility'].reduce((n, d) => n + Object.values(s.summary[d]).reduce((a, b) => a + b, 0), 0);
      assert.equal(sum, s.summary.total);
    }
  });

  test('the badly configured site has findings in all three domains with the expected rules', () => {
    assert.equal(bad.status, 'completed');
    const ids = new Set(ruleIds(badFindings));
    for (const id of [
      'content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options', 'permissions-policy',
      'cookies', 'server-version-disclosure', 'mixed-content',
      'render-blocking-resources', 'viewport', 'doctype', 'unsized-images',
      'image-alt', 'html-has-lang', 'document-title', 'link-name', 'button-name', 'label', 'frame-title', 'heading-order',
    ]) assert.ok(ids.has(id), `expected ${id} in ${[...ids]}`);
    assert.ok(bad.summary.security.critical + bad.summary.security.high >= 1);
  });

  test('the well configured site is clean of those problems', () => {
    const ids = new Set(ruleIds(goodFindings));
    for (const id of ['content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options', 'cookies', 'image-alt', 'html-has-lang', 'document-title', 'label', 'uses-text-compression', 'redirects'])
      assert.ok(!ids.has(id), `unexpected ${id}: ${JSON.stringify(goodFindings.find((f) => f.rule_id === id)?.evidence)}`);
    assert.ok(goodFindings.length < badFindings.length);
    assert.equal(good.summary.content_encoding, 'gzip');
  });

  test('a site that reflects any Origin with credentials is caught by the CORS preflight', async () => {
    const s = await scan('https://cors.krafter-fixture.com/');
    const fs = await findingsOf(s.id);
    const reflect = fs.find((f) => f.rule_id === 'cors-origin-reflection');
    assert.ok(reflect, JSON.stringify(ruleIds(fs)));
    assert.equal(reflect.severity, 'critical');
    assert.ok(fs.some((f) => f.rule_id === 'cross-origin-resource-sharing'));
    // The probe is an OPTIONS preflight with a foreign Origin, as documented (and as the Observatory sends).
    const preflights = fx.seen.filter((x) => x.host === 'cors.krafter-fixture.com' && x.method === 'OPTIONS');
    assert.equal(preflights.length, 1, JSON.stringify(fx.seen.filter((x) => x.host === 'cors.krafter-fixture.com')));
    assert.equal(preflights[0].origin, 'https://cors-probe.invalid');
    assert.equal(preflights[0].acrm, 'GET');
    assert.ok(!fx.seen.some((x) => x.host === 'cors.krafter-fixture.com' && x.origin && x.method !== 'OPTIONS'), 'no other request carries the probe Origin');
    assert.ok(!ruleIds(goodFindings).includes('cors-origin-reflection'));
  });

  test('findings have the spec shape, evidence and references', () => {
    const f = badFindings.find((x) => x.rule_id === 'image-alt');
    assert.ok(f);
    for (const k of ['id', 'org_id', 'project_id', 'domain', 'title', 'description', 'severity', 'status', 'confidence', 'priority', 'owner_id', 'affected_assets', 'evidence', 'recommended_fix', 'created_at', 'updated_at', 'rule_id', 'references'])
      assert.ok(k in f, `missing ${k}`);
    assert.equal(f.status, 'new');
    assert.equal(f.org_id, org);
    assert.deepEqual(f.affected_assets, [{ type: 'url', value: 'https://bad.krafter-fixture.com/' }]);
    assert.ok(f.confidence > 0 && f.confidence <= 1);
    const p = f.priority;
    assert.equal(p.score, Math.min(100, Math.max(0, Math.round((p.impact + p.risk) / 2 + (50 - p.effort) / 10))));
    const el = f.evidence.find((e) => e.type === 'element');
    assert.ok(el.selector && el.snippet.startsWith('<img'));
    assert.equal(el.line, 5);
    assert.ok(f.references.some((r) => r.kind === 'wcag'));
    assert.ok(f.recommended_fix.summary && Array.isArray(f.recommended_fix.steps) && f.recommended_fix.estimated_minutes > 0);
    const cookies = badFindings.find((x) => x.rule_id === 'cookies');
    assert.ok(JSON.stringify(cookies.evidence).includes('sid'));
    const server = badFindings.find((x) => x.rule_id === 'server-version-disclosure');
    assert.ok(JSON.stringify(server.evidence).includes('Apache/2.4.1'));
    assert.ok(server.references.some((r) => /CWE/.test(r.id)));
  });
});

describe('hostile targets end in a clear state and nothing leaks', () => {
  const cases = [
    ['https://big.krafter-fixture.com/', 'failed', 'response_too_large'],
    ['https://bomb.krafter-fixture.com/', 'failed', 'response_too_large'],
    ['https://loop.krafter-fixture.com/a', 'failed', 'too_many_redirects'],
    ['https://internal.krafter-fixture.com/', 'failed', 'blocked_target'],
    ['https://hang.krafter-fixture.com/', 'failed', 'timeout'],
    ['https://private.krafter-fixture.com/', 'failed', 'blocked_target'],
    ['https://v6private.krafter-fixture.com/', 'failed', 'blocked_target'],
    ['https://binary.krafter-fixture.com/', 'completed', null],
    ['https://badutf8.krafter-fixture.com/', 'completed', null],
  ];
  const results = {};
  before(async () => {
    tenant();
    const done = await Promise.all(cases.map(([u]) => scan(u, { waitMs: 60_000 })));
    cases.forEach(([u], i) => (results[u] = done[i]));
  });

  for (const [url, status, code] of cases) {
    test(`${url} → ${status}${code ? ` (${code})` : ''}`, () => {
      const s = results[url];
      assert.equal(s.status, status, JSON.stringify(s));
      if (code) {
        assert.equal(s.error.code, code);
        assert.ok(s.error.message.length > 0);
        assert.deepEqual(s.summary, {});
      } else {
        assert.equal(s.error, undefined);
        assert.ok(s.summary.total >= 1, 'header-level findings still reported');
      }
    });
  }

  test('names resolving to private addresses are never connected to', () => {
    const hosts = fx.hostsSeen();
    assert.ok(!hosts.has('private.krafter-fixture.com'));
    assert.ok(!hosts.has('v6private.krafter-fixture.com'));
    assert.ok(doh.queries.some((q) => q.name === 'private.krafter-fixture.com'));
  });

  test('the redirect to 127.0.0.1 never reached the sentinel server', () => {
    assert.ok(fx.seen.some((s) => s.host === 'internal.krafter-fixture.com'));
    assert.deepEqual(fx.sentinelHits, []);
  });

  test('transient failures were retried with attempts counted in D1', () => {
    const [row] = w.query(`SELECT attempts FROM scans WHERE id = '${results['https://hang.krafter-fixture.com/'].id}'`);
    assert.equal(row.attempts, 3);
    const [big] = w.query(`SELECT attempts FROM scans WHERE id = '${results['https://big.krafter-fixture.com/'].id}'`);
    assert.equal(big.attempts, 1, 'a verdict is not retried');
  });

  test('the Worker is still healthy', async () => {
    assert.equal((await w.api('GET', '/health')).status, 200);
  });
});

describe('the # dns lines of the SSRF suite', () => {
  test('every one is refused at submission or ends failed/blocked_target without a connection', async () => {
    const lines = readFileSync(join(root, '..', 'shared', 'conformance', 'ssrf', 'ssrf-payloads.txt'), 'utf8')
      .split('\n')
      .filter((l) => /#\s*dns\s*$/.test(l))
      .map((l) => l.replace(/#\s*dns\s*$/, '').trim());
    assert.equal(lines.length, 40);
    const keys = w.createKeys([{ org: randomUUID() }, { org: randomUUID() }]);
    const before = fx.seen.length;
    const outcomes = await Promise.all(
      lines.map(async (url, i) => {
        const k = keys[i % 2];
        const r = await w.api('POST', `${projectPath(k.org, project)}/scans/run`, { key: k, body: { url } });
        if (r.status === 422) return 'refused';
        assert.equal(r.status, 202, `${url}: ${r.text}`);
        const s = await w.waitForScan(k.org, project, r.json.data.id, k, 60_000);
        return `${s.status}/${s.error?.code}`;
      }),
    );
    const bad = lines.map((u, i) => [u, outcomes[i]]).filter(([, o]) => o !== 'refused' && o !== 'failed/blocked_target');
    assert.deepEqual(bad, []);
    assert.equal(fx.seen.length, before, 'no fixture request for any of them');
  });
});

describe('findings across scans', () => {
  before(() => tenant());
  test('same findings twice, resolved when fixed, reopened as regressed when broken again', async () => {
    fx.state.flip = 'bad';
    const s1 = await scan('https://flip.krafter-fixture.com/');
    const f1 = await findingsOf(s1.id);
    assert.ok(f1.length >= 5);
    const s2 = await scan('https://flip.krafter-fixture.com/');
    const f2 = await findingsOf(s2.id);
    assert.deepEqual(f2.map((f) => f.id).sort(), f1.map((f) => f.id).sort(), 'same finding ids, no duplicates');
    const rows = w.query(`SELECT COUNT(*) AS n FROM findings WHERE org_id = '${org}' AND asset = 'https://flip.krafter-fixture.com/'`);
    assert.equal(rows[0].n, f1.length);
    assert.ok(f2.every((f) => f.status === 'new' && f.last_seen_scan_id === s2.id && f.first_seen_scan_id === s1.id));

    fx.state.flip = 'good';
    const s3 = await scan('https://flip.krafter-fixture.com/');
    const fixedIds = new Set((await findingsOf(s3.id)).map((f) => f.id));
    const resolved = w.query(`SELECT id, status, resolved_by_scan_id FROM findings WHERE org_id = '${org}' AND asset = 'https://flip.krafter-fixture.com/' AND status = 'resolved'`);
    assert.ok(resolved.length >= 5);
    assert.ok(resolved.every((r) => r.resolved_by_scan_id === s3.id && !fixedIds.has(r.id)));
    const imageAlt = f1.find((f) => f.rule_id === 'image-alt');
    assert.ok(resolved.some((r) => r.id === imageAlt.id));

    fx.state.flip = 'bad';
    const s4 = await scan('https://flip.krafter-fixture.com/');
    const f4 = await findingsOf(s4.id);
    const again = f4.find((f) => f.id === imageAlt.id);
    assert.equal(again.status, 'new');
    assert.equal(again.regressed, true);
    assert.equal(again.resolved_by_scan_id, null);
  });

  test('ignored stays ignored', async () => {
    fx.state.flip = 'bad';
    const s = await scan('https://flip.krafter-fixture.com/');
    const f = (await findingsOf(s.id)).find((x) => x.rule_id === 'html-has-lang');
    w.query(`UPDATE findings SET status = 'ignored' WHERE id = '${f.id}'`);
    fx.state.flip = 'good';
    await scan('https://flip.krafter-fixture.com/');
    fx.state.flip = 'bad';
    await scan('https://flip.krafter-fixture.com/');
    assert.equal(w.query(`SELECT status FROM findings WHERE id = '${f.id}'`)[0].status, 'ignored');
  });

  test('a message delivered twice (or three times) changes nothing', async () => {
    fx.state.flip = 'bad';
    const s = await scan('https://flip.krafter-fixture.com/');
    const snapshot = () => ({
      scan: w.query(`SELECT status, summary, attempts, updated_at, finished_at FROM scans WHERE id = '${s.id}'`),
      findings: w.query(`SELECT id, status, updated_at, last_seen_scan_id FROM findings WHERE org_id = '${org}' ORDER BY id`),
      links: w.query(`SELECT COUNT(*) AS n FROM scan_findings WHERE scan_id = '${s.id}'`),
    });
    const before = snapshot();
    await Promise.all([1, 2, 3].map(() => w.api('POST', `/__dev/scans/${s.id}/enqueue`)));
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(snapshot(), before);
  });

  test('a job enqueued twice before processing is processed once', async () => {
    fx.state.flip = 'bad';
    const r = await w.api('POST', `${projectPath(org, project)}/scans/run`, { key, body: { url: 'https://flip.krafter-fixture.com/' } });
    await w.api('POST', `/__dev/scans/${r.json.data.id}/enqueue`);
    const s = await w.waitForScan(org, project, r.json.data.id, key);
    await new Promise((r) => setTimeout(r, 3000));
    const [row] = w.query(`SELECT attempts, summary FROM scans WHERE id = '${s.id}'`);
    assert.equal(row.attempts, 1);
    assert.equal(JSON.parse(row.summary).total, (await findingsOf(s.id)).length);
  });
});
