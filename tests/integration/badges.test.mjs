// README badges on real workerd: create (token shown once), the public SVG
// (no key, cacheable for a minute, accessible, parses as XML), the metrics,
// revocation.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Worker, projectPath } from './harness.mjs';
import { parseXml, findAll } from './xml.mjs';

let w;
before(async () => {
  w = await new Worker().start();
});
after(async () => {
  await w?.stop();
});

async function svg(path) {
  const r = await fetch(`${w.base}${path}`);
  return { status: r.status, headers: r.headers, text: await r.text() };
}

describe('badges', () => {
  test('a token badge is public, cacheable, accessible XML, and revocable', async () => {
    const org = randomUUID();
    const [key, readOnly] = w.createKeys([{ org }, { org, scopes: 'audit:read' }]);
    const base = projectPath(org, 'site');
    assert.equal((await w.api('POST', `${base}/badges`, { key: readOnly, body: {} })).status, 403, 'creating needs audit:write');
    const created = await w.api('POST', `${base}/badges`, { key, body: { name: 'README' } });
    assert.equal(created.status, 201, created.text);
    const b = created.json.data;
    assert.match(b.token, /^bdg_[0-9A-Za-z]{32}$/, 'about 190 random bits');
    assert.equal(b.url, `/badge/${b.token}.svg`);
    assert.equal(b.revoked, false);
    assert.equal(created.headers.get('location'), `${base}/badges/${b.id}`);
    // The token is never shown again, and only its hash is stored.
    const listed = await w.api('GET', `${base}/badges`, { key: readOnly });
    assert.equal(listed.status, 200);
    assert.equal(listed.json.data.length, 1);
    assert.equal(listed.json.data[0].token, undefined);
    assert.equal(listed.json.data[0].token_prefix, b.token.slice(0, 8));
    const stored = w.query(`SELECT token_hash FROM badges WHERE id = '${b.id}'`);
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0].token_hash, b.token);
    assert.match(stored[0].token_hash, /^[0-9a-f]{64}$/);

    // No findings yet: health 100. No key needed.
    const health = await svg(b.url);
    assert.equal(health.status, 200, health.text);
    assert.match(health.headers.get('content-type'), /^image\/svg\+xml/);
    assert.equal(health.headers.get('cache-control'), 'public, max-age=60');
    const root = parseXml(health.text);
    assert.equal(root.name, 'svg');
    assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.equal(root.attrs.role, 'img');
    assert.equal(root.attrs['aria-label'], 'audit health: 100');
    assert.equal(findAll(root, 'title')[0]?.text, 'audit health: 100');
    const texts = findAll(root, 'text').map((t) => t.text);
    assert.ok(texts.includes('audit health') && texts.includes('100'), texts.join('|'));
    assert.ok(findAll(root, 'rect').some((r) => r.attrs.fill === '#4c1'), 'green for 100');
    // The check above would catch a broken document.
    assert.throws(() => parseXml(health.text.replace('</title>', '')));

    // Security grade: none before a completed scan, the scan's grade after.
    const none = parseXml((await svg(`${b.url}?metric=security`)).text);
    assert.equal(none.attrs['aria-label'], 'security: no scan');
    const run = await w.api('POST', `${base}/scans/run`, { key, body: { url: 'https://badge-site.example.com/' } });
    assert.equal(run.status, 202, run.text);
    const scan = await w.waitForScan(org, 'site', run.json.data.id, key);
    assert.equal(scan.status, 'completed');
    const sec = await svg(`${b.url}?metric=security`);
    assert.equal(sec.status, 200);
    const secRoot = parseXml(sec.text);
    assert.equal(secRoot.attrs['aria-label'], `security: ${scan.summary.security_grade}`);
    assert.equal(findAll(secRoot, 'title')[0].text, `security: ${scan.summary.security_grade}`);
    // Health now counts the scan's findings exactly as the command center does.
    const cc = await w.api('GET', `${base}/command-center`, { key });
    const h2 = parseXml((await svg(b.url)).text);
    assert.equal(h2.attrs['aria-label'], `audit health: ${cc.json.data.health_score}`);
    assert.ok(cc.json.data.health_score < 100, 'the catch-all page has findings');

    const bad = await svg(`${b.url}?metric=speed`);
    assert.equal(bad.status, 422);
    assert.equal(JSON.parse(bad.text).error.code, 'invalid_params');

    // Another org cannot revoke it; its own project can.
    const [other] = w.createKeys([{ org: randomUUID() }]);
    assert.equal((await w.api('DELETE', `${base}/badges/${b.id}`, { key: other })).status, 403);
    assert.equal((await w.api('DELETE', `${projectPath(org, 'other')}/badges/${b.id}`, { key })).status, 404);
    const revoked = await w.api('DELETE', `${base}/badges/${b.id}`, { key });
    assert.equal(revoked.status, 200, revoked.text);
    assert.deepEqual(revoked.json.data, { id: b.id, revoked: true });
    assert.equal((await w.api('DELETE', `${base}/badges/${b.id}`, { key })).status, 404, 'revoking twice');
    const gone = await svg(b.url);
    assert.equal(gone.status, 404);
    assert.equal(JSON.parse(gone.text).error.code, 'not_found');
    const after = await w.api('GET', `${base}/badges/${b.id}`, { key });
    assert.equal(after.json.data.revoked, true);
    assert.ok(after.json.data.revoked_at);
  });

  test('unknown and malformed tokens are 404 without a key', async () => {
    for (const path of [
      `/badge/bdg_${'A'.repeat(32)}.svg`,
      '/badge/bdg_short.svg',
      '/badge/nope.svg',
      `/badge/bdg_${'A'.repeat(32)}.png`,
    ]) {
      const r = await svg(path);
      assert.equal(r.status, 404, path);
    }
    const post = await fetch(`${w.base}/badge/bdg_${'A'.repeat(32)}.svg`, { method: 'POST' });
    assert.equal(post.status, 405);
  });
});
