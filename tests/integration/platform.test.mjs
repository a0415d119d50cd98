// Issue 2: the API frame, auth, Run Scan, SSRF at submission, the strict
// bucket, reading scans, keys CLI and cron — against real workerd.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath, root } from './harness.mjs';

const shared = join(root, '..', 'shared', 'conformance', 'ssrf');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RFC3339Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const REQUEST_ID = /^[A-Za-z0-9_-]{20}$/;

const w = new Worker();
const orgA = randomUUID();
const orgB = randomUUID();
let keyA, keyB, keyReadA, keyWriteOnlyA, keyRevokedA;

before(async () => {
  await w.start({ vars: { RATE_LIMIT_STANDARD: '1000' } });
  [keyA, keyB, keyReadA, keyWriteOnlyA, keyRevokedA] = w.createKeys([
    { org: orgA },
    { org: orgB },
    { org: orgA, scopes: 'audit:read' },
    { org: orgA, scopes: 'audit:write' },
    { org: orgA },
  ]);
});
after(() => w.stop());

const run = (org, key, body = { url: 'https://example.com' }, opts = {}) =>
  w.api('POST', `${projectPath(org)}/scans/run`, { key, body, ...opts });

function assertEnvelope(r) {
  assert.ok(r.json, `JSON body expected, got ${r.text}`);
  assert.deepEqual(Object.keys(r.json).sort(), ['data', 'error', 'meta']);
  assert.match(r.json.meta.request_id, REQUEST_ID);
  assert.equal(r.headers.get('x-request-id'), r.json.meta.request_id);
}

function assertError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assertEnvelope(r);
  assert.equal(r.json.data, null);
  assert.equal(r.json.error.code, code);
}

describe('Run Scan', () => {
  test('202 with the spec data object, queued, URL not echoed', async () => {
    const r = await run(orgA, keyA, { url: 'https://example.com/secret-path?token=abc' });
    assert.equal(r.status, 202, r.text);
    assertEnvelope(r);
    assert.equal(r.json.error, null);
    const d = r.json.data;
    assert.deepEqual(Object.keys(d).sort(), ['finished_at', 'id', 'inserted_at', 'org_id', 'project_id', 'started_at', 'status', 'summary', 'trigger', 'updated_at']);
    assert.match(d.id, UUID_V4);
    assert.equal(d.org_id, orgA);
    assert.equal(d.project_id, 'production-website');
    assert.equal(d.trigger, 'manual');
    assert.equal(d.status, 'queued');
    assert.deepEqual(d.summary, {});
    assert.equal(d.finished_at, null);
    for (const f of ['started_at', 'inserted_at', 'updated_at']) assert.match(d[f], RFC3339Z);
    assert.ok(!r.text.includes('secret-path'));
    assert.ok(!r.text.includes('example.com'));
    assert.match(r.headers.get('content-type'), /application\/json/);
    assert.equal(r.headers.get('x-ratelimit-limit'), '30');
  });

  test('the job is queued: the consumer takes the scan to a final state', async () => {
    const r = await run(orgA, keyA, { url: 'https://example.com', trigger: 'post_deploy' });
    assert.equal(r.status, 202);
    assert.equal(r.json.data.trigger, 'post_deploy');
    const done = await w.waitForScan(orgA, 'production-website', r.json.data.id, keyA);
    assert.ok(['completed', 'failed'].includes(done.status));
    assert.match(done.finished_at, RFC3339Z);
  });

  test('trigger outside the enum is 422 with details', async () => {
    const r = await run(orgA, keyA, { url: 'https://example.com', trigger: 'nightly' });
    assertError(r, 422, 'invalid_params');
    assert.ok(r.json.error.details.trigger);
  });

  test('missing or non-string url is 422', async () => {
    assertError(await run(orgA, keyA, {}), 422, 'invalid_params');
    assertError(await run(orgA, keyA, { url: 42 }), 422, 'invalid_params');
  });

  test('non-JSON body, non-object JSON and oversize bodies', async () => {
    assertError(await run(orgA, keyA, undefined, { raw: 'not json{', headers: { 'content-type': 'application/json' } }), 422, 'invalid_params');
    assertError(await run(orgA, keyA, undefined, { raw: '["https://example.com"]' }), 422, 'invalid_params');
    assertError(await run(orgA, keyA, undefined, { raw: '' }), 422, 'invalid_params');
    const big = JSON.stringify({ url: 'https://example.com', pad: 'x'.repeat(70 * 1024) });
    assertError(await run(orgA, keyA, undefined, { raw: big }), 413, 'payload_too_large');
  });

  test('path parameters: org must be a UUID, project a slug', async () => {
    assertError(await w.api('POST', `/api/v1/orgs/not-a-uuid/projects/p/audit/scans/run`, { key: keyA, body: { url: 'https://example.com' } }), 422, 'invalid_params');
    assertError(await w.api('POST', `/api/v1/orgs/${orgA}/projects/Bad.Slug/audit/scans/run`, { key: keyA, body: { url: 'https://example.com' } }), 422, 'invalid_params');
    assertError(await w.api('POST', `/api/v1/orgs/${orgA}/projects/${'a'.repeat(65)}/audit/scans/run`, { key: keyA, body: { url: 'https://example.com' } }), 422, 'invalid_params');
  });
});

describe('Auth', () => {
  test('no key, malformed key, unknown key: 401 with www-authenticate', async () => {
    for (const key of [undefined, 'nope', 'kr_live_' + 'A'.repeat(40)]) {
      const r = await run(orgA, key);
      assertError(r, 401, 'unauthorized');
      assert.match(r.headers.get('www-authenticate'), /^Bearer/);
    }
    const basic = await w.api('GET', `${projectPath(orgA)}/scans`, { headers: { authorization: `Basic ${keyA.secret}` } });
    assertError(basic, 401, 'unauthorized');
  });

  test("org A's key on org B's path: 403 that reveals nothing of B", async () => {
    const created = await run(orgB, keyB);
    assert.equal(created.status, 202);
    const r = await w.api('GET', `${projectPath(orgB)}/scans/${created.json.data.id}`, { key: keyA });
    assertError(r, 403, 'forbidden');
    const r2 = await w.api('GET', `${projectPath(orgB)}/scans/${randomUUID()}`, { key: keyA });
    assertError(r2, 403, 'forbidden');
    assert.deepEqual(r.json.error, r2.json.error);
    assertError(await run(orgB, keyA), 403, 'forbidden');
  });

  test('scopes: read key cannot run, write-only key cannot read', async () => {
    const r = await run(orgA, keyReadA);
    assertError(r, 403, 'insufficient_scope');
    assert.equal(r.json.error.details.required_scope, 'audit:write');
    assertError(await w.api('GET', `${projectPath(orgA)}/scans`, { key: keyWriteOnlyA }), 403, 'insufficient_scope');
    assert.equal((await w.api('GET', `${projectPath(orgA)}/scans`, { key: keyReadA })).status, 200);
  });

  test('a revoked key stops working at once', async () => {
    assert.equal((await w.api('GET', `${projectPath(orgA)}/scans`, { key: keyRevokedA })).status, 200);
    w.query(`UPDATE api_keys SET revoked_at = ${Date.now()} WHERE id = '${keyRevokedA.id}'`);
    assertError(await w.api('GET', `${projectPath(orgA)}/scans`, { key: keyRevokedA }), 401, 'unauthorized');
  });
});

describe('Routing errors', () => {
  test('unknown route 404, wrong method 405 with allow', async () => {
    assertError(await w.api('GET', '/nope', {}), 404, 'not_found');
    assertError(await w.api('GET', `${projectPath(orgA)}/unknown`, { key: keyA }), 404, 'not_found');
    const r = await w.api('GET', `${projectPath(orgA)}/scans/run`, { key: keyA });
    assertError(r, 405, 'method_not_allowed');
    assert.equal(r.headers.get('allow'), 'POST');
    const r2 = await w.api('DELETE', `${projectPath(orgA)}/scans/run`, { key: keyA });
    assertError(r2, 405, 'method_not_allowed');
    assert.equal(r2.headers.get('allow'), 'POST');
    const r3 = await w.api('PUT', `${projectPath(orgA)}/scans`, { key: keyA });
    assertError(r3, 405, 'method_not_allowed');
  });

  test('health needs no auth and reports D1', async () => {
    const r = await w.api('GET', '/health');
    assert.equal(r.status, 200);
    assert.equal(r.json.data.d1, true);
  });
});

describe('Reading scans', () => {
  const org = randomUUID();
  let key, other;
  const ids = [];
  before(async () => {
    [key, other] = w.createKeys([{ org }, { org }]);
    for (const trigger of ['manual', 'post_deploy', 'manual', 'scheduled', 'manual']) {
      const r = await run(org, key, { url: 'https://example.com', trigger });
      assert.equal(r.status, 202);
      ids.push(r.json.data.id);
      await new Promise((r) => setTimeout(r, 5));
    }
    await w.api('POST', `/api/v1/orgs/${org}/projects/other-project/audit/scans/run`, { key, body: { url: 'https://example.com' } });
  });

  test('GET one scan returns the same object; unknown and other-project ids are 404', async () => {
    const r = await w.api('GET', `${projectPath(org)}/scans/${ids[0]}`, { key });
    assert.equal(r.status, 200);
    assertEnvelope(r);
    assert.equal(r.json.data.id, ids[0]);
    assert.equal(r.json.data.org_id, org);
    assertError(await w.api('GET', `${projectPath(org)}/scans/${randomUUID()}`, { key }), 404, 'not_found');
    assertError(await w.api('GET', `${projectPath(org, 'other-project')}/scans/${ids[0]}`, { key }), 404, 'not_found');
    assertError(await w.api('GET', `${projectPath(org)}/scans/not-a-uuid`, { key }), 404, 'not_found');
  });

  test('list: newest first, cursor pagination, filters, limit bounds', async () => {
    const all = await w.api('GET', `${projectPath(org)}/scans?limit=100`, { key: other });
    assert.equal(all.status, 200);
    assert.deepEqual(all.json.data.map((s) => s.id), [...ids].reverse());
    assert.equal(all.json.meta.next_cursor, null);

    const seen = [];
    let cursor = null;
    do {
      const page = await w.api('GET', `${projectPath(org)}/scans?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key });
      assert.equal(page.status, 200);
      assert.ok(page.json.data.length <= 2);
      seen.push(...page.json.data.map((s) => s.id));
      cursor = page.json.meta.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());

    const manual = await w.api('GET', `${projectPath(org)}/scans?trigger=manual`, { key });
    assert.deepEqual(manual.json.data.map((s) => s.id), [ids[4], ids[2], ids[0]]);
    const st = await w.api('GET', `${projectPath(org)}/scans?status=failed&trigger=scheduled`, { key });
    assert.ok(st.json.data.every((s) => s.status === 'failed' && s.trigger === 'scheduled'));

    assertError(await w.api('GET', `${projectPath(org)}/scans?limit=101`, { key }), 422, 'invalid_params');
    assertError(await w.api('GET', `${projectPath(org)}/scans?limit=0`, { key }), 422, 'invalid_params');
    assertError(await w.api('GET', `${projectPath(org)}/scans?status=done`, { key }), 422, 'invalid_params');
    assertError(await w.api('GET', `${projectPath(org)}/scans?cursor=garbage`, { key }), 422, 'invalid_params');
  });

  test('reads use the standard bucket and carry its headers', async () => {
    const r = await w.api('GET', `${projectPath(org)}/scans`, { key });
    assert.equal(r.headers.get('x-ratelimit-limit'), '1000');
    assert.ok(Number(r.headers.get('x-ratelimit-remaining')) < 1000);
  });
});

describe('SSRF validation at submission (../shared/conformance/ssrf)', () => {
  const lines = (f) => readFileSync(join(shared, f), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const refuse = lines('ssrf-payloads.txt').filter((l) => !/#\s*dns$/.test(l));
  const extra = readFileSync(join(shared, 'ssrf-payloads.annotated.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.expect === 'reject' && e.in_txt === false && !/dns/.test(e.reason ?? ''));
  const allow = lines('ssrf-must-allow.txt');

  // The strict bucket admits 30 per org per minute; spread payloads over orgs.
  async function submitAll(urls) {
    const perOrg = 29;
    const keys = w.createKeys(Array.from({ length: Math.ceil(urls.length / perOrg) }, () => ({ org: randomUUID() })));
    const results = [];
    for (let i = 0; i < urls.length; i += perOrg) {
      const key = keys[i / perOrg];
      const chunk = urls.slice(i, i + perOrg);
      results.push(...(await Promise.all(chunk.map((url) => run(key.org, key, { url })))));
    }
    return results;
  }

  test(`every non-dns payload is refused with 422 invalid_params (${refuse.length} + ${extra.length})`, async () => {
    const urls = [...refuse, ...extra.map((e) => e.url)];
    assert.ok(urls.length >= 255);
    const results = await submitAll(urls);
    const wrong = results.map((r, i) => [urls[i], r.status, r.json?.error?.code]).filter(([, s, c]) => s !== 422 || c !== 'invalid_params');
    assert.deepEqual(wrong, []);
  });

  test('every must-allow URL is accepted with 202', async () => {
    const results = await submitAll(allow);
    assert.deepEqual(results.map((r) => r.status), allow.map(() => 202));
  });
});

describe('Strict bucket', () => {
  test('100 concurrent requests from one team: exactly 30 admitted; another team unaffected', async () => {
    const org = randomUUID();
    const otherOrg = randomUUID();
    const [key, otherKey] = w.createKeys([{ org }, { org: otherOrg }]);
    const results = await Promise.all(Array.from({ length: 100 }, () => run(org, key)));
    const admitted = results.filter((r) => r.status === 202);
    const limited = results.filter((r) => r.status === 429);
    assert.equal(admitted.length, 30);
    assert.equal(limited.length, 70);
    for (const r of limited) {
      assert.deepEqual(Object.keys(r.json).sort(), ['error', 'retry_after']);
      assert.equal(r.json.error, 'Rate limit exceeded');
      assert.ok(Number.isInteger(r.json.retry_after) && r.json.retry_after >= 1 && r.json.retry_after <= 60);
      assert.equal(r.headers.get('retry-after'), String(r.json.retry_after));
      assert.equal(r.headers.get('x-ratelimit-limit'), '30');
      assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(Number(r.headers.get('x-ratelimit-reset')) >= 1);
    }
    const remaining = admitted.map((r) => Number(r.headers.get('x-ratelimit-remaining'))).sort((a, b) => a - b);
    assert.deepEqual(remaining, Array.from({ length: 30 }, (_, i) => i));
    const other = await run(otherOrg, otherKey);
    assert.equal(other.status, 202);
    assert.equal(other.headers.get('x-ratelimit-remaining'), '29');
    // Reads use a separate bucket and still work for the limited team.
    assert.equal((await w.api('GET', `${projectPath(org)}/scans`, { key })).status, 200);
  });
});

describe('keys CLI', () => {
  test('create prints only the secret, the key works at once, list shows it, revoke stops it', async () => {
    const org = randomUUID();
    const cli = (args) =>
      spawnSync('npm', ['run', '-s', 'keys', '--', ...args, '--persist-to', w.persist], { cwd: root, encoding: 'utf8' });
    const c = cli(['create', '--org', org, '--scopes', 'audit:read,audit:write', '--name', "ci's key"]);
    assert.equal(c.status, 0, c.stderr);
    const lines = c.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^kr_live_[A-Za-z0-9]{32,}$/);
    const secret = lines[0];
    assert.equal((await w.api('GET', `${projectPath(org)}/scans`, { key: secret })).status, 200);
    const stored = w.query(`SELECT key_hash FROM api_keys WHERE org_id = '${org}'`);
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].key_hash, secret);
    const l = cli(['list', '--org', org]);
    assert.equal(l.status, 0, l.stderr);
    const id = l.stdout.split('\t')[0];
    assert.match(l.stdout, /active/);
    assert.ok(!l.stdout.includes(secret));
    const rv = cli(['revoke', '--id', id]);
    assert.equal(rv.status, 0, rv.stderr);
    assert.equal((await w.api('GET', `${projectPath(org)}/scans`, { key: secret })).status, 401);
    assert.notEqual(cli(['create', '--org', 'nope', '--scopes', 'audit:read']).status, 0);
  });
});

describe('Cron', () => {
  test('housekeeping recovers a scan whose lease expired', async () => {
    const r = await run(orgA, keyA);
    const id = r.json.data.id;
    await w.waitForScan(orgA, 'production-website', id, keyA);
    // Simulate a consumer that died mid-scan.
    w.query(`UPDATE scans SET status = 'running', finished_at = NULL, lease_until = ${Date.now() - 1000} WHERE id = '${id}'`);
    assert.equal((await w.api('GET', `${projectPath(orgA)}/scans/${id}`, { key: keyA })).json.data.status, 'running');
    assert.equal(await w.cron(), 200);
    const done = await w.waitForScan(orgA, 'production-website', id, keyA);
    assert.ok(['completed', 'failed'].includes(done.status));
  });
});
