// The OpenAPI description (openapi/openapi.json): valid OpenAPI 3.1, served
// without auth at /api/v1/openapi.json exactly as written, and naming every
// route src/api/router.rs knows (with its methods) and nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Worker, root } from './harness.mjs';

const doc = JSON.parse(readFileSync(join(root, 'openapi/openapi.json'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];
// Development-only routes (404 unless ENVIRONMENT=development) are not part
// of the public API and stay out of the description.
const DEV_ONLY = new Set(['DevEnqueue']);

/**
 * The routes match_path knows, read from the router's source: each arm
 * `[segments] => Some(Route::Name ...)`, with the arms inside the
 * `[..., rest @ ..] => match rest {` block prefixed by that block's segments.
 * Literal segments stay, bindings become `{}`. Methods come from `methods()`.
 */
export function routerRoutes(src) {
  const fnStart = src.indexOf('pub fn match_path');
  assert.ok(fnStart > 0, 'router.rs has no match_path');
  const body = src.slice(fnStart, src.indexOf('#[cfg(test)]', fnStart));
  const seg = (list) =>
    list
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x && !x.includes('@'))
      .map((x) => (x.startsWith('"') ? JSON.parse(x) : '{}'));
  const routes = [];
  let prefix = [];
  let nestIndent = Infinity;
  const lines = body.split('\n');
  lines.forEach((line, i) => {
    const nest = line.match(/^(\s*)\[(.*rest @ \.\.)\]\s*=>\s*match rest/);
    if (nest) {
      prefix = seg(nest[2]);
      nestIndent = nest[1].length;
      return;
    }
    const arm = line.match(/^(\s*)\[(.*)\](?:\s+if\s+(.*?))?\s*=>/);
    if (!arm) return;
    // The route is named on the arm's line or, for a braced arm, the next one.
    const name = (line + (lines[i + 1] ?? '')).match(/Some\(Route::(\w+)/)?.[1];
    if (!name) return;
    const segs = seg(arm[2]);
    // A guard `if x.ends_with(".svg")` makes the last binding `{}.svg`.
    const suffix = arm[3]?.match(/\.ends_with\("([^"]+)"\)/)?.[1];
    if (suffix && segs.at(-1) === '{}') segs[segs.length - 1] = `{}${suffix}`;
    routes.push({ name, path: '/' + (arm[1].length > nestIndent ? [...prefix, ...segs] : segs).join('/') });
  });
  const methodsFn = src.slice(src.indexOf('pub fn methods'), src.indexOf('pub fn project_params'));
  const explicit = {};
  let fallback = ['GET'];
  for (const m of methodsFn.matchAll(/((?:Route::\w+ \{?[ .]*\}? ?\|? ?)+)=> &\[([^\]]*)\]/g)) {
    const ms = [...m[2].matchAll(/"(\w+)"/g)].map((x) => x[1]);
    for (const n of m[1].matchAll(/Route::(\w+)/g)) explicit[n[1]] = ms;
  }
  const f = methodsFn.match(/_ => &\[([^\]]*)\]/);
  if (f) fallback = [...f[1].matchAll(/"(\w+)"/g)].map((x) => x[1]);
  return routes.map((r) => ({ ...r, methods: explicit[r.name] ?? fallback }));
}

const norm = (p) => p.replace(/\{[^}]*\}/g, '{}');

test('the description is valid OpenAPI 3.1', async () => {
  assert.equal(doc.openapi, '3.1.0');
  const v = new Validator();
  const res = await v.validate(doc);
  assert.deepEqual(res.errors ?? [], []);
  assert.equal(res.valid, true);
  // Every $ref resolves (the validator checks the shape; this checks the targets).
  const refs = JSON.stringify(doc).match(/"\$ref":"#\/[^"]+"/g) ?? [];
  for (const r of new Set(refs)) {
    const path = JSON.parse(`{${r}}`).$ref.slice(2).split('/');
    let at = doc;
    for (const p of path) at = at?.[p];
    assert.ok(at, `unresolved ${r}`);
  }
});

test('every route of the router is described with its methods, and nothing else is', () => {
  const routes = routerRoutes(readFileSync(join(root, 'src/api/router.rs'), 'utf8')).filter((r) => !DEV_ONLY.has(r.name));
  assert.ok(routes.length >= 15, `parsed only ${routes.length} routes from router.rs: ${JSON.stringify(routes)}`);
  const described = new Map();
  for (const [p, item] of Object.entries(doc.paths)) {
    described.set(norm(p), METHODS.filter((m) => item[m]).map((m) => m.toUpperCase()).sort());
  }
  const known = new Map(routes.map((r) => [r.path, [...r.methods].sort()]));
  for (const [p, ms] of known) {
    assert.ok(described.has(p), `route ${p} (${ms}) is missing from openapi/openapi.json`);
    assert.deepEqual(described.get(p), ms, `methods of ${p}`);
  }
  for (const p of described.keys()) assert.ok(known.has(p), `openapi/openapi.json describes ${p}, which the router does not know`);
  // Every operation documents the error envelope for a bad key and the 429,
  // except the ones that need no key.
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS.filter((x) => item[x])) {
      const op = item[m];
      assert.ok(op.operationId, `${m} ${p} has no operationId`);
      if (op.security?.length === 0) continue;
      for (const code of ['401', '429']) assert.ok(op.responses[code], `${m.toUpperCase()} ${p} does not describe ${code}`);
    }
  }
});

test('the router parser reads arms as the router matches them', () => {
  const routes = routerRoutes(readFileSync(join(root, 'src/api/router.rs'), 'utf8'));
  const byName = Object.fromEntries(routes.map((r) => [r.name, r]));
  assert.equal(byName.Health.path, '/health');
  assert.equal(byName.ScanSarif.path, '/api/v1/orgs/{}/projects/{}/audit/scans/{}/findings.sarif');
  assert.deepEqual(byName.Schedule.methods, ['GET', 'PATCH', 'DELETE']);
  assert.deepEqual(byName.RunScan.methods, ['POST']);
  assert.deepEqual(byName.CommandCenter.methods, ['GET']);
});

let w;
before(async () => {
  w = await new Worker().start();
});
after(async () => w?.stop());

test('GET /api/v1/openapi.json needs no key and serves the file as written (a static asset)', async () => {
  const r = await w.api('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('cache-control'), 'public, max-age=300');
  assert.deepEqual(r.json, doc);
  // Other methods: the static assets answer 405 themselves.
  const post = await w.api('POST', '/api/v1/openapi.json');
  assert.equal(post.status, 405);
});

test('a method the runtime does not know (QUERY) is 405, not read as GET', async () => {
  const [k] = w.createKeys([{ org: '33333333-3333-4333-8333-333333333333' }]);
  const r = await w.api('QUERY', '/api/v1/key', { key: k });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET');
  assert.equal(r.json.error.code, 'method_not_allowed');
  assert.equal((await w.api('QUERY', '/health')).status, 405);
});
