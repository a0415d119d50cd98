// The `audit` command-line tool (`audit scan`), run as a user runs it: exit
// codes, the four output formats on fixture pages (tests/fixtures/cli),
// SARIF validated against the official schema, JUnit parsed as XML.
// No Worker is started: the tool is native and offline.
import { test, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { root } from './harness.mjs';
import { parseXml, findAll } from './xml.mjs';

const require = createRequire(import.meta.url);
const bin = join(root, 'target', 'ci', 'audit');
const fixtures = 'tests/fixtures/cli';

before(() => {
  // Up to date after `npm test`'s cargo step (the same profile and features); built here otherwise.
  const b = spawnSync('cargo', ['build', '--profile', 'ci', '--quiet', '--features', 'cli', '--bin', 'audit'], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
});

function audit(...args) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('audit scan', () => {
  test('exit status: 0 when the gate passes, 1 when it fails, 2 for usage and I/O errors', () => {
    assert.equal(audit('scan', `${fixtures}/clean`).code, 0);
    assert.equal(audit('scan', `${fixtures}/clean`, '--fail-on', 'info').code, 0, 'clean pages have no findings at all');
    assert.equal(audit('scan', `${fixtures}/broken`).code, 1, 'default --fail-on high');
    assert.equal(audit('scan', `${fixtures}/broken`, '--fail-on', 'none').code, 0);
    assert.equal(audit('scan', `${fixtures}`, '--fail-on', 'critical').code, 1, 'a directory with one broken page fails');
    assert.equal(audit('scan', `${fixtures}/clean/index.html`, `${fixtures}/broken/index.html`).code, 1, 'files as arguments');
    for (const args of [
      ['scan'],
      ['scan', `${fixtures}/missing`],
      ['scan', '--format', 'xml', fixtures],
      ['scan', '--fail-on', 'severe', fixtures],
      ['scan', '--header', 'no colon', fixtures],
      ['scan', '--bogus', fixtures],
      ['scan', '--jobs', '0', fixtures],
      ['frobnicate'],
      [],
    ]) {
      const r = audit(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.err.length > 0, `says why: ${args.join(' ')}`);
    }
    // An unreadable file is an I/O error, not a pass.
    if (process.getuid?.() !== 0) {
      const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
      writeFileSync(join(dir, 'locked.html'), '<p>x</p>');
      chmodSync(join(dir, 'locked.html'), 0);
      assert.equal(audit('scan', dir).code, 2);
    }
  });

  test('text: findings per page, the gate, and pages per second', () => {
    const r = audit('scan', fixtures);
    assert.equal(r.code, 1);
    assert.match(r.out, /tests\/fixtures\/cli\/broken\/index\.html \(\d+ findings\)/);
    assert.match(r.out, /✗ critical image-alt +Images must have alternative text +line 5: html > body > img/);
    assert.match(r.out, /tests\/fixtures\/cli\/clean\/index\.html: no findings/);
    assert.match(r.out, /tests\/fixtures\/cli\/clean\/docs\/guide\.htm: no findings/, '.htm files under directories too');
    assert.doesNotMatch(r.out, /notes\.txt/, 'only .html and .htm are scanned');
    assert.match(r.out, /^3 pages, \d+ findings: /m);
    assert.match(r.out, /gate: FAILED \(\d+ findings at high or above\)/);
    assert.match(r.out, /^scanned 3 pages in [\d.]+ s: [\d.]+ pages\/s on \d+ threads?$/m);
  });

  test('json: one document on stdout, the speed on stderr; headers turn the header rules on', () => {
    const r = audit('scan', fixtures, '--format', 'json', '--jobs', '1');
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out);
    assert.match(r.err, /scanned 3 pages in [\d.]+ s: [\d.]+ pages\/s on 1 thread/);
    assert.equal(doc.gate.passed, false);
    assert.equal(doc.gate.fail_on, 'high');
    assert.deepEqual(doc.pages.map((p) => p.path), [
      'tests/fixtures/cli/broken/index.html',
      'tests/fixtures/cli/clean/docs/guide.htm',
      'tests/fixtures/cli/clean/index.html',
    ]);
    assert.equal(doc.pages[0].url, 'https://example.com/broken/index.html');
    const rules = doc.pages[0].findings.map((f) => f.rule_id);
    assert.ok(rules.includes('image-alt') && rules.includes('button-name') && rules.includes('mixed-content'), rules.join(','));
    const alt = doc.pages[0].findings.find((f) => f.rule_id === 'image-alt');
    assert.equal(alt.severity, 'critical');
    assert.equal(alt.evidence[0].line, 5);
    assert.equal(doc.summary.total, doc.pages.reduce((n, p) => n + p.findings.length, 0));
    // Without headers, nothing is said about headers the server may well send.
    const skipped = doc.skipped_rules.map((s) => s.rule_id);
    for (const id of ['content-security-policy', 'x-content-type-options', 'strict-transport-security', 'server-version-disclosure', 'redirection', 'security-txt']) {
      assert.ok(skipped.includes(id), id);
      assert.ok(!doc.pages.some((p) => p.findings.some((f) => f.rule_id === id)), `${id} said nothing`);
    }
    // With headers, the header rules run (network rules still do not).
    const h = JSON.parse(audit('scan', `${fixtures}/clean/index.html`, '--format', 'json', '--fail-on', 'none', '--header', 'Server: Apache/2.4.1 (Unix)', '-H', 'X-Content-Type-Options: nosniff').out);
    const ids = h.pages[0].findings.map((f) => f.rule_id);
    assert.ok(ids.includes('server-version-disclosure'), ids.join(','));
    assert.ok(ids.includes('content-security-policy'), 'no CSP header was given');
    assert.ok(!ids.includes('x-content-type-options'), 'nosniff was given');
    assert.deepEqual(h.skipped_rules.map((s) => s.rule_id).sort(), ['cors-origin-reflection', 'http-status-code', 'redirection', 'redirects', 'security-txt', 'server-response-time', 'total-byte-weight', 'uses-long-cache-ttl']);
    // Parallel runs give the same report in the same order.
    const par = JSON.parse(audit('scan', fixtures, '--format', 'json', '--jobs', '4').out);
    delete par.stats;
    delete doc.stats;
    assert.deepEqual(par, doc);
  });

  test('sarif: validates against the SARIF 2.1.0 schema; artifacts are the files', () => {
    const r = audit('scan', fixtures, '--format', 'sarif');
    assert.equal(r.code, 1);
    assert.match(r.err, /pages\/s/);
    const log = JSON.parse(r.out);
    const Ajv = require('ajv');
    const ajv = new Ajv({ schemaId: 'auto', allErrors: true, unknownFormats: 'ignore' });
    ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    assert.ok(ajv.validate(schema, log), JSON.stringify(ajv.errors?.slice(0, 5)));
    assert.equal(ajv.validate(schema, { version: '2.1.0', runs: [{ results: [{ level: 'loud' }] }] }), false, 'the validator can fail');
    const run = log.runs[0];
    const alt = run.results.find((x) => x.ruleId === 'image-alt');
    assert.equal(alt.locations[0].physicalLocation.artifactLocation.uri, 'tests/fixtures/cli/broken/index.html');
    assert.equal(alt.locations[0].physicalLocation.region.startLine, 5);
    assert.equal(alt.level, 'error');
    assert.ok(run.tool.driver.rules.some((d) => d.id === 'image-alt' && d.helpUri.startsWith('https://')));
    assert.equal(run.invocations[0].exitCode, 1);
    const clean = JSON.parse(audit('scan', `${fixtures}/clean`, '--format', 'sarif').out);
    assert.ok(ajv.validate(schema, clean), JSON.stringify(ajv.errors?.slice(0, 5)));
    assert.deepEqual(clean.runs[0].results, []);
  });

  test('junit: well-formed XML with a suite per page, failures at --fail-on, skipped rules', () => {
    const r = audit('scan', fixtures, '--format', 'junit');
    assert.equal(r.code, 1);
    assert.ok(r.out.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
    const top = parseXml(r.out);
    assert.equal(top.name, 'testsuites');
    const suites = findAll(top, 'testsuite');
    assert.deepEqual(suites.map((s) => s.attrs.name), ['tests/fixtures/cli/broken/index.html', 'tests/fixtures/cli/clean/docs/guide.htm', 'tests/fixtures/cli/clean/index.html']);
    let tests = 0;
    let failures = 0;
    let skipped = 0;
    for (const s of suites) {
      const cases = findAll(s, 'testcase');
      assert.equal(Number(s.attrs.tests), cases.length, s.attrs.name);
      const f = cases.filter((c) => c.children.some((x) => x.name === 'failure')).length;
      const k = cases.filter((c) => c.children.some((x) => x.name === 'skipped')).length;
      assert.equal(Number(s.attrs.failures), f);
      assert.equal(Number(s.attrs.skipped), k);
      tests += cases.length;
      failures += f;
      skipped += k;
    }
    assert.equal(Number(top.attrs.tests), tests);
    assert.equal(Number(top.attrs.failures), failures);
    assert.equal(Number(top.attrs.skipped), skipped);
    const broken = suites[0];
    const alt = findAll(broken, 'testcase').find((c) => c.attrs.name === 'image-alt');
    const failure = alt.children.find((x) => x.name === 'failure');
    assert.equal(failure.attrs.type, 'critical');
    assert.match(failure.attrs.message, /^critical: Images must have alternative text/);
    assert.match(failure.text, /line 5: html > body > img <img src="\/hero.png">/, 'snippets are escaped, and read back');
    // A finding below --fail-on is reported, but does not fail its test case.
    const doctype = findAll(broken, 'testcase').find((c) => c.attrs.name === 'doctype');
    assert.ok(doctype.children.some((x) => x.name === 'system-out') && !doctype.children.some((x) => x.name === 'failure'));
    assert.equal(Number(suites[2].attrs.failures), 0);
    const csp = findAll(suites[2], 'testcase').find((c) => c.attrs.name === 'content-security-policy');
    assert.match(csp.children[0].attrs.message, /--header/);
    // --fail-on none: no failures anywhere, exit 0.
    const none = audit('scan', fixtures, '--format', 'junit', '--fail-on', 'none');
    assert.equal(none.code, 0);
    assert.equal(parseXml(none.out).attrs.failures, '0');
  });

  test('--list-rules says what runs on files and why the rest does not', () => {
    const r = audit('scan', '--list-rules');
    assert.equal(r.code, 0);
    const lines = r.out.trim().split('\n').map((l) => l.split('\t'));
    assert.ok(lines.length >= 100);
    const by = Object.fromEntries(lines.map(([id, , runs, why]) => [id, { runs, why }]));
    assert.equal(by['image-alt'].runs, 'runs');
    assert.equal(by['content-security-policy'].runs, 'skipped');
    assert.equal(by.redirection.runs, 'skipped');
    const withHeaders = Object.fromEntries(audit('scan', '--list-rules', '-H', 'X-A: b').out.trim().split('\n').map((l) => l.split('\t')).map(([id, , runs]) => [id, runs]));
    assert.equal(withHeaders['content-security-policy'], 'runs');
    assert.equal(withHeaders.redirection, 'skipped');
  });
});
