// Webhooks on real workerd: signed deliveries from the queue to a loopback
// receiver, retries with backoff after a 500, no delivery to a private
// address (refused at creation, and refused at delivery time when DNS says
// so), redirects not followed, the delivery log.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import { Worker, projectPath, startDoh, listen } from './harness.mjs';

let w;
let site;
let receiver;
let doh;
const received = []; // {host, path, headers, body}
const plans = new Map(); // path -> statuses to answer in turn (then 200)
const pages = new Map(); // scanned host -> HTML to serve (default: a clean page)

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const host = (req.headers['x-forwarded-host'] ?? '').replace(/:\d+$/, '');
      received.push({ host, path: req.url, method: req.method, headers: req.headers, body });
      const plan = plans.get(req.url) ?? [];
      const status = plan.length ? plan.shift() : 200;
      if (status === 301) {
        res.writeHead(301, { location: 'https://hooks.example.com/elsewhere' });
        return res.end();
      }
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  const hookPort = await listen(receiver);
  site = createServer((req, res) => {
    const host = (req.headers['x-forwarded-host'] ?? '').replace(/:\d+$/, '');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(pages.get(host) ?? '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1></main></body></html>');
  });
  const sitePort = await listen(site);
  // private-hook.example.com passes the URL check (a public-looking name)
  // but resolves to a private address: the delivery-time DNS check refuses it.
  doh = startDoh({ 'private-hook.example.com': ['10.0.0.7'], 'private-site.example.com': ['192.168.1.9'] });
  const dohPort = await listen(doh.server);
  const hook = `127.0.0.1:${hookPort}`;
  w = await new Worker().start({
    vars: {
      SCAN_HOST_OVERRIDES: `hooks.example.com=${hook},private-hook.example.com=${hook},*=127.0.0.1:${sitePort}`,
      DOH_URL: `http://127.0.0.1:${dohPort}/dns-query`,
      WEBHOOK_RETRY_BASE_SECS: '1',
      SCAN_RETRY_BASE_SECS: '1',
    },
  });
});
after(async () => {
  await w?.stop();
  receiver?.close();
  site?.close();
  doh?.server.close();
});

function verify(secret, req) {
  const sig = req.headers['x-audit-signature'];
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig ?? '');
  assert.ok(m, `signature header: ${sig}`);
  const expected = createHmac('sha256', secret).update(`${m[1]}.${req.body}`).digest('hex');
  assert.equal(m[2], expected, 'HMAC-SHA256 of "<t>.<body>" with the secret');
  assert.ok(Math.abs(Number(m[1]) - Date.now() / 1000) < 300, 'timestamp is now');
}

async function until(what, fn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function deliveries(base, id, key, query = '') {
  const r = await w.api('GET', `${base}/webhooks/${id}/deliveries${query}`, { key });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function settled(base, id, key, n = 1) {
  return until(`${n} final deliveries`, async () => {
    const d = (await deliveries(base, id, key)).data;
    return d.length >= n && d.every((x) => ['delivered', 'failed'].includes(x.status)) ? d : null;
  });
}

describe('webhooks', () => {
  test('creation validates the URL like a scan target and shows the secret once', async () => {
    const org = randomUUID();
    const [key, readOnly] = w.createKeys([{ org }, { org, scopes: 'audit:read' }]);
    const base = projectPath(org, 'hooks');
    for (const url of ['http://10.0.0.1/', 'http://127.0.0.1:8080/x', 'http://localhost/', 'https://hooks.internal/', 'ftp://hooks.example.com/']) {
      const r = await w.api('POST', `${base}/webhooks`, { key, body: { url, events: ['scan.completed'] } });
      assert.equal(r.status, 422, url);
      assert.equal(r.json.error.code, 'invalid_params');
      assert.ok(r.json.error.details.url, url);
    }
    const badEvents = await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/a', events: ['scan.exploded'] } });
    assert.equal(badEvents.status, 422);
    assert.ok(badEvents.json.error.details.events);
    assert.equal((await w.api('POST', `${base}/webhooks`, { key: readOnly, body: { url: 'https://hooks.example.com/a', events: ['scan.completed'] } })).status, 403);

    const created = await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/a', events: ['scan.completed', 'gate.failed'] } });
    assert.equal(created.status, 201, created.text);
    const h = created.json.data;
    assert.match(h.secret, /^whsec_[0-9A-Za-z]{32}$/);
    assert.deepEqual(h.events, ['scan.completed', 'gate.failed']);
    assert.equal(created.headers.get('location'), `${base}/webhooks/${h.id}`);
    const one = await w.api('GET', `${base}/webhooks/${h.id}`, { key: readOnly });
    assert.equal(one.status, 200);
    assert.equal(one.json.data.secret, undefined, 'never shown again');
    assert.equal(one.json.data.url, 'https://hooks.example.com/a');
    const list = await w.api('GET', `${base}/webhooks`, { key: readOnly });
    assert.deepEqual(list.json.data.map((x) => [x.id, x.secret]), [[h.id, undefined]]);
    // Another org sees nothing of it.
    const [other] = w.createKeys([{ org: randomUUID() }]);
    assert.equal((await w.api('GET', `${base}/webhooks/${h.id}`, { key: other })).status, 403);
    assert.equal((await w.api('GET', `${projectPath(org, 'else')}/webhooks/${h.id}`, { key })).status, 404);
    const del = await w.api('DELETE', `${base}/webhooks/${h.id}`, { key });
    assert.equal(del.status, 200);
    assert.deepEqual(del.json.data, { id: h.id, deleted: true });
    assert.equal((await w.api('GET', `${base}/webhooks/${h.id}`, { key })).status, 404);
  });

  test('a test event arrives signed, with a delivery id, and is logged', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    const h = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/test-event', events: ['scan.failed'] } })).json.data;
    const sent = await w.api('POST', `${base}/webhooks/${h.id}/test`, { key });
    assert.equal(sent.status, 202, sent.text);
    const deliveryId = sent.json.data.delivery_id;
    const req = await until('the test event', () => received.find((r) => r.headers['x-audit-delivery'] === deliveryId));
    assert.equal(req.method, 'POST');
    assert.equal(req.host, 'hooks.example.com');
    assert.equal(req.path, '/test-event');
    assert.match(req.headers['content-type'], /^application\/json/);
    verify(h.secret, req);
    assert.throws(() => verify('whsec_wrong', req), 'a wrong secret does not verify');
    const body = JSON.parse(req.body);
    assert.equal(body.id, deliveryId);
    assert.equal(body.type, 'webhook.test');
    assert.equal(body.org_id, org);
    assert.equal(body.project_id, 'hooks');
    assert.equal(body.data.webhook_id, h.id);
    const [d] = await settled(base, h.id, key);
    assert.equal(d.id, deliveryId);
    assert.equal(d.status, 'delivered');
    assert.equal(d.attempts, 1);
    assert.equal(d.response_status, 200);
    assert.deepEqual(d.attempt_log.map((a) => a.status_code), [200]);
  });

  test('scan.completed is retried with backoff after a 500, then delivered; the log shows both attempts', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    plans.set('/flaky', [500]);
    const h = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/flaky', events: ['scan.completed'] } })).json.data;
    const run = await w.api('POST', `${base}/scans/run`, { key, body: { url: 'https://fine-site.example.com/' } });
    assert.equal(run.status, 202);
    const scan = await w.waitForScan(org, 'hooks', run.json.data.id, key);
    assert.equal(scan.status, 'completed');
    const [d] = await settled(base, h.id, key);
    assert.equal(d.event, 'scan.completed');
    assert.equal(d.status, 'delivered');
    assert.equal(d.attempts, 2);
    assert.deepEqual(d.attempt_log.map((a) => a.status_code), [500, 200]);
    assert.equal(d.attempt_log[0].attempt, 1);
    assert.match(d.attempt_log[0].error, /500/);
    const got = received.filter((r) => r.path === '/flaky');
    assert.equal(got.length, 2, 'the receiver saw the first attempt and the retry');
    // Same delivery id and body on both attempts: the receiver can de-duplicate.
    assert.equal(got[0].headers['x-audit-delivery'], d.id);
    assert.equal(got[1].headers['x-audit-delivery'], d.id);
    assert.equal(got[0].body, got[1].body);
    for (const g of got) verify(h.secret, g);
    const body = JSON.parse(got[1].body);
    assert.equal(body.type, 'scan.completed');
    assert.equal(body.data.scan_id, scan.id);
    assert.deepEqual(body.data.summary, scan.summary);
    assert.equal(JSON.stringify(body).includes('fine-site'), false, 'the scanned URL is not echoed');
    // Backoff: the retry came at least the base delay (1 s) after the first attempt.
    const [a1, a2] = d.attempt_log.map((a) => Date.parse(a.at));
    assert.ok(a2 - a1 >= 900, `retry after ${a2 - a1} ms`);
  });

  test('scan.failed is sent for a failed scan, and only to webhooks subscribed to it', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    const failedHook = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/failed', events: ['scan.failed'] } })).json.data;
    const completedHook = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/completed-only', events: ['scan.completed'] } })).json.data;
    const run = await w.api('POST', `${base}/scans/run`, { key, body: { url: 'https://private-site.example.com/' } });
    const scan = await w.waitForScan(org, 'hooks', run.json.data.id, key);
    assert.equal(scan.status, 'failed');
    assert.equal(scan.error.code, 'blocked_target');
    const [d] = await settled(base, failedHook.id, key);
    assert.equal(d.event, 'scan.failed');
    assert.equal(d.status, 'delivered');
    const req = received.find((r) => r.headers['x-audit-delivery'] === d.id);
    const body = JSON.parse(req.body);
    assert.equal(body.data.scan_id, scan.id);
    assert.equal(body.data.error.code, 'blocked_target');
    verify(failedHook.secret, req);
    assert.equal((await deliveries(base, completedHook.id, key)).data.length, 0);
  });

  test('finding.regressed names the findings a scan reopened', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    const h = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/regressed', events: ['finding.regressed'] } })).json.data;
    const host = 'regress-site.example.com';
    const clean = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1></main></body></html>';
    const broken = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1><img src="/a.png"></main></body></html>';
    const scan = async (html) => {
      pages.set(host, html);
      const r = await w.api('POST', `${base}/scans/run`, { key, body: { url: `https://${host}/` } });
      return w.waitForScan(org, 'hooks', r.json.data.id, key);
    };
    await scan(broken); // image-alt found
    await scan(clean); // resolved
    assert.equal((await deliveries(base, h.id, key)).data.length, 0, 'nothing regressed yet');
    const third = await scan(broken); // seen again: regressed
    const [d] = await settled(base, h.id, key);
    assert.equal(d.event, 'finding.regressed');
    const req = received.find((r) => r.headers['x-audit-delivery'] === d.id);
    verify(h.secret, req);
    const body = JSON.parse(req.body);
    assert.equal(body.data.scan_id, third.id);
    const ids = body.data.findings.map((f) => f.rule_id);
    assert.ok(ids.includes('image-alt'), ids.join(','));
    const alt = body.data.findings.find((f) => f.rule_id === 'image-alt');
    const finding = await w.api('GET', `${base}/findings/${alt.id}`, { key });
    assert.equal(finding.json.data.regressed, true);
    assert.equal(finding.json.data.status, 'new');
    assert.equal((await deliveries(base, h.id, key)).data.length, 1, 'one event for the scan');
  });

  test('gate.failed is sent when a scan fails its gate, with the verdict, and not when it passes', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    const h = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/gate', events: ['gate.failed'] } })).json.data;
    const host = 'gate-site.example.com';
    pages.set(host, '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1><img src="/a.png"></main></body></html>');
    const run = async (gate) => {
      const r = await w.api('POST', `${base}/scans/run`, { key, body: { url: `https://${host}/`, gate } });
      assert.equal(r.status, 202, r.text);
      return w.waitForScan(org, 'hooks', r.json.data.id, key);
    };
    // A gate no page can fail: no event.
    const passed = await run({ min_security_grade: 'F' });
    assert.equal(passed.gate.passed, true);
    // image-alt is critical: fail_on critical fails the gate.
    const failed = await run({ fail_on: 'critical' });
    assert.equal(failed.gate.passed, false);
    const [d] = await settled(base, h.id, key);
    assert.equal(d.event, 'gate.failed');
    const req = received.find((r) => r.headers['x-audit-delivery'] === d.id);
    verify(h.secret, req);
    const body = JSON.parse(req.body);
    assert.equal(body.type, 'gate.failed');
    assert.equal(body.data.scan_id, failed.id);
    assert.equal(body.data.gate.passed, false);
    assert.deepEqual(body.data.gate.reasons, failed.gate.reasons, 'the verdict the scan carries');
    assert.equal((await deliveries(base, h.id, key)).data.length, 1, 'only the failed gate was announced');
  });

  test('no delivery to a name that resolves to a private address at delivery time', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    const created = await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://private-hook.example.com/x', events: ['scan.completed'] } });
    assert.equal(created.status, 201, 'the name itself passes the URL check');
    const h = created.json.data;
    const before = received.length;
    const sent = await w.api('POST', `${base}/webhooks/${h.id}/test`, { key });
    assert.equal(sent.status, 202);
    const [d] = await settled(base, h.id, key);
    assert.equal(d.status, 'failed');
    assert.equal(d.attempts, 1, 'a refused address is a verdict, not retried');
    assert.equal(d.response_status, null);
    assert.match(d.error, /^blocked_target/);
    assert.ok(doh.queries.some((q) => q.name === 'private-hook.example.com'), 'checked over DNS-over-HTTPS');
    assert.equal(received.slice(before).filter((r) => r.host === 'private-hook.example.com').length, 0, 'nothing was sent');
  });

  test('redirects are not followed: the delivery fails with the 301', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    plans.set('/moved', [301, 301, 301, 301, 301, 301]);
    const h = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/moved', events: ['scan.completed'] } })).json.data;
    await w.api('POST', `${base}/webhooks/${h.id}/test`, { key });
    const [d] = await settled(base, h.id, key);
    assert.equal(d.status, 'failed');
    assert.equal(d.attempts, 1);
    assert.equal(d.response_status, 301);
    assert.match(d.error, /^redirect_not_followed/);
    assert.equal(received.filter((r) => r.path === '/elsewhere').length, 0, 'the Location was not fetched');
    plans.delete('/moved');
  });

  test('delivery logs older than the retention are deleted by the hourly cron', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    const h = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/retained', events: ['scan.completed'] } })).json.data;
    const old = Date.now() - 100 * 86_400_000; // past the default 90 days
    const [oldId, newId] = [randomUUID(), randomUUID()];
    w.sql(`INSERT INTO webhook_deliveries (id, webhook_id, org_id, project_id, event, payload, status, created_at, updated_at)
           VALUES ('${oldId}', '${h.id}', '${org}', 'hooks', 'scan.completed', '{}', 'delivered', ${old}, ${old}),
                  ('${newId}', '${h.id}', '${org}', 'hooks', 'scan.completed', '{}', 'delivered', ${Date.now()}, ${Date.now()});`);
    assert.equal((await deliveries(base, h.id, key)).data.length, 2);
    assert.equal(await w.cron('17 * * * *'), 200);
    assert.deepEqual((await deliveries(base, h.id, key)).data.map((d) => d.id), [newId]);
  });

  test('the delivery log pages with a cursor, newest first', async () => {
    const org = randomUUID();
    const [key] = w.createKeys([{ org }]);
    const base = projectPath(org, 'hooks');
    const h = (await w.api('POST', `${base}/webhooks`, { key, body: { url: 'https://hooks.example.com/paged', events: ['scan.completed'] } })).json.data;
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await w.api('POST', `${base}/webhooks/${h.id}/test`, { key })).json.data.delivery_id);
      await new Promise((r) => setTimeout(r, 5));
    }
    await settled(base, h.id, key, 3);
    const p1 = await deliveries(base, h.id, key, '?limit=2');
    assert.equal(p1.data.length, 2);
    assert.ok(p1.meta.next_cursor);
    const p2 = await deliveries(base, h.id, key, `?limit=2&cursor=${encodeURIComponent(p1.meta.next_cursor)}`);
    assert.equal(p2.data.length, 1);
    assert.equal(p2.meta.next_cursor, null);
    assert.deepEqual([...p1.data, ...p2.data].map((d) => d.id), [...ids].reverse());
    assert.equal((await w.api('GET', `${base}/webhooks/${h.id}/deliveries?limit=0`, { key })).status, 422);
    assert.equal((await w.api('GET', `${base}/webhooks/${randomUUID()}/deliveries`, { key })).status, 404);
  });
});
