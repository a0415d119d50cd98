// Starts the real Workers under one `wrangler dev` (workerd with local D1,
// DO, Queue and cron): the API Worker (primary, on the port) and the scanner
// Worker (queue consumer, crons), from development copies of
// wrangler.toml and wrangler.scanner.toml (scripts/devconfig.mjs), plus
// loopback fixture servers, for black-box API tests.
// Every scan the Worker makes is routed by SCAN_HOST_OVERRIDES to our
// fixture server on 127.0.0.1, and its DNS checks go to our fake DoH server,
// so nothing a test does can leave this machine.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { newSecret, sha256 } from '../../scripts/keylib.mjs';
import { Agent, setGlobalDispatcher } from 'undici';

// No keep-alive for the tests' own requests: tests block the event loop
// (spawnSync of wrangler d1) for seconds, after which a pooled connection
// may already be closed by wrangler dev ("other side closed").
setGlobalDispatcher(new Agent({ pipelining: 0 }));
import { API_CONFIG, writeDevConfigs } from '../../scripts/devconfig.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wranglerBin = join(root, 'node_modules/.bin/wrangler');


/** Listens on an ephemeral loopback port; resolves to the port. */
export function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function freePort() {
  const s = createServer();
  const p = await listen(s);
  await new Promise((r) => s.close(r));
  return p;
}

/**
 * A fake DNS-over-HTTPS JSON endpoint. Answers from `records`
 * (name -> [addresses]); unknown names get 93.184.216.34 (a public address,
 * never contacted: the fetcher's override sends the connection to loopback).
 * `respond(name, type)`, if given, may return a whole DoH JSON answer
 * (e.g. `{ Status: 2 }` or `{ Status: 0, TC: true }`) to send instead.
 */
export function startDoh(records, respond) {
  const queries = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const name = (u.searchParams.get('name') ?? '').replace(/\.$/, '');
    const type = u.searchParams.get('type') ?? 'A';
    queries.push({ name, type });
    const custom = respond?.(name, type);
    if (custom) {
      res.writeHead(200, { 'content-type': 'application/dns-json' });
      return res.end(JSON.stringify(custom));
    }
    const addrs = records[name] ?? (type === 'A' ? ['93.184.216.34'] : []);
    const want = type === 'AAAA' ? (a) => a.includes(':') : (a) => !a.includes(':');
    const Answer = addrs.filter(want).map((data) => ({ name: `${name}.`, type: type === 'AAAA' ? 28 : 1, TTL: 60, data }));
    res.writeHead(200, { 'content-type': 'application/dns-json' });
    res.end(JSON.stringify({ Status: 0, Answer }));
  });
  return { server, queries };
}

export class Worker {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'audit-it-'));
    this.persist = join(this.dir, 'state');
    this.logs = [];
    // Our own dev registry: Workers of other wrangler dev processes on this
    // machine (same names, other checkouts) must never be bound to ours.
    this.env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_REGISTRY_PATH: join(this.dir, 'registry') };
  }

  wrangler(args) {
    const r = spawnSync(wranglerBin, args, { cwd: root, encoding: 'utf8', env: this.env });
    if (r.status !== 0) throw new Error(`wrangler ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Runs SQL against the Worker's local D1 (same files wrangler dev uses). */
  sql(text) {
    const file = join(this.dir, `q-${randomUUID()}.sql`);
    writeFileSync(file, text);
    try {
      return JSON.parse(this.wrangler(['d1', 'execute', 'DB', '--local', '-c', API_CONFIG, '--persist-to', this.persist, '--json', '--file', file]));
    } finally {
      rmSync(file, { force: true });
    }
  }

  /**
   * One statement against the local D1. The running Worker holds the same
   * SQLite file, so a write of ours can meet its lock (SQLITE_BUSY: the
   * statement did not run); it is tried again, a few times, after a pause.
   */
  query(text) {
    const args = ['d1', 'execute', 'DB', '--local', '-c', API_CONFIG, '--persist-to', this.persist, '--json', '--command', text];
    for (let attempt = 1; ; attempt++) {
      try {
        return JSON.parse(this.wrangler(args))[0]?.results ?? [];
      } catch (e) {
        if (attempt >= 10 || !/SQLITE_BUSY|database is locked/.test(String(e?.message))) throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200 * attempt);
      }
    }
  }

  /**
   * Starts wrangler dev with both Workers. Unless a test passes its own,
   * every scanned host is sent to a loopback catch-all server and DNS checks
   * to a loopback fake DoH: no Worker started by the tests can ever reach a
   * real address. `vars` reach both Workers.
   */
  async start({ vars = {} } = {}) {
    this.wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '-c', API_CONFIG, '--persist-to', this.persist]);
    this.port = await freePort();
    if (!vars.SCAN_HOST_OVERRIDES || !vars.DOH_URL) {
      this.catchAll = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1></main></body></html>');
      });
      const sitePort = await listen(this.catchAll);
      this.doh = startDoh({});
      const dohPort = await listen(this.doh.server);
      vars = { SCAN_HOST_OVERRIDES: `*=127.0.0.1:${sitePort}`, DOH_URL: `http://127.0.0.1:${dohPort}/dns-query`, ...vars };
    }
    const configs = writeDevConfigs(join(this.dir, 'config'), { ENVIRONMENT: 'development', ...vars });
    this.proc = spawn(
      wranglerBin,
      ['dev', '-c', configs.api, '-c', configs.scanner, '--local', '--ip', '127.0.0.1', '--port', String(this.port), '--persist-to', this.persist, '--show-interactive-dev-session=false'],
      { cwd: root, env: { ...this.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const onData = (d) => this.logs.push(...d.toString().split('\n').filter(Boolean));
    this.proc.stdout.on('data', onData);
    this.proc.stderr.on('data', onData);
    this.base = `http://127.0.0.1:${this.port}`;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`wrangler dev exited:\n${this.logs.join('\n')}`);
      try {
        // Both Workers answer: the API directly, the scanner through the API's dev binding.
        const [a, b] = await Promise.all([fetch(`${this.base}/health`), fetch(`${this.base}/__dev/scanner/health`)]);
        if (a.status === 200 && b.status === 200) return this;
      } catch {}
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`wrangler dev did not become ready:\n${this.logs.slice(-40).join('\n')}`);
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      try {
        process.kill(-this.proc.pid, 'SIGTERM');
      } catch {}
      await new Promise((r) => setTimeout(r, 500));
      try {
        process.kill(-this.proc.pid, 'SIGKILL');
      } catch {}
    }
    this.catchAll?.close();
    this.doh?.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Creates keys directly in D1: [{org, scopes}] -> [{id, org, secret}]. */
  createKeys(specs) {
    const keys = specs.map((s) => ({ id: randomUUID(), org: s.org, secret: newSecret(), scopes: s.scopes ?? 'audit:read audit:write' }));
    const values = keys
      .map((k) => `('${k.id}', '${k.org}', 'test', '${sha256(k.secret)}', '${k.secret.slice(0, 12)}', '${k.scopes}', ${Date.now()})`)
      .join(',\n');
    this.sql(`INSERT INTO api_keys (id, org_id, name, key_hash, prefix, scopes, created_at) VALUES ${values};`);
    return keys;
  }

  async api(method, path, { key, body, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (key) h.authorization = `Bearer ${key.secret ?? key}`;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    let r;
    try {
      r = await fetch(`${this.base}${path}`, { method, headers: h, body: payload });
    } catch (e) {
      // A test that blocked the event loop (spawnSync) can leave a pooled
      // keep-alive connection the server has since closed: retry a safe
      // request once on a fresh connection.
      if (!['GET', 'HEAD'].includes(method) || e?.cause?.code !== 'UND_ERR_SOCKET') throw e;
      r = await fetch(`${this.base}${path}`, { method, headers: h });
    }
    const text = await r.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: r.status, headers: r.headers, json, text };
  }

  /**
   * Fires the scanner's cron work like the platform would. `wrangler dev`
   * triggers crons only on its first Worker (the API), so this goes through
   * the API's development-only binding to the scanner (src/edge/scanner/fetch_handler.rs).
   * Resolves when the cron handler has returned; work it sent through the
   * queue (schedule pages, scans) is still running then.
   */
  async cron(expr = '*/5 * * * *') {
    const r = await fetch(`${this.base}/__dev/scanner/__dev/scheduled?cron=${encodeURIComponent(expr)}`);
    await r.arrayBuffer();
    return r.status;
  }

  /** The Workers' JSON log lines so far. */
  jsonLogs() {
    return this.logs
      .map((l) => l.replace(/^\[audit-(api|scanner)\] /, '').trim())
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return null;
        }
      })
      .filter(Boolean);
  }

  /** Waits until `pred` holds for `count` JSON log lines. */
  async waitForLogs(pred, count = 1, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.jsonLogs().filter(pred);
      if (got.length >= count) return got;
      if (Date.now() > deadline) throw new Error(`only ${got.length} of ${count} log lines in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Waits until the schedule pages the cron sent for `org` have been
   * processed: at least `min` page log lines for it, then none new for 1.5 s
   * (longer than the queue's 1 s batch timeout, so a page in flight shows up).
   */
  async settleSchedules(org, { min = 1, timeoutMs = 30_000 } = {}) {
    const pages = () => this.jsonLogs().filter((l) => l.type === 'schedules' && l.org === org);
    if (min > 0) await this.waitForLogs((l) => l.type === 'schedules' && l.org === org, min, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    while (Date.now() < deadline) {
      const n = pages().length;
      if (n === seen) return pages();
      seen = n;
      await new Promise((r) => setTimeout(r, 1500));
    }
    throw new Error(`schedule pages for ${org} did not settle`);
  }

  /** Polls a scan until it reaches a final status. */
  async waitForScan(org, project, id, key, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      last = await this.api('GET', `/api/v1/orgs/${org}/projects/${project}/audit/scans/${id}`, { key });
      if (['completed', 'failed'].includes(last.json?.data?.status)) return last.json.data;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`scan ${id} not final in time: ${JSON.stringify(last?.json)}`);
  }
}

export const projectPath = (org, project = 'production-website') => `/api/v1/orgs/${org}/projects/${project}/audit`;
