#!/usr/bin/env node
// API key management against D1 (the local one `npm start` uses, or --remote).
//   npm run -s keys -- create --org <uuid> --scopes audit:read,audit:write [--name LABEL] [--remote] [--persist-to DIR]
//   npm run -s keys -- list [--org <uuid>] [--remote] [--persist-to DIR]
//   npm run -s keys -- revoke --id <key id> [--remote] [--persist-to DIR]
// `create` prints the secret as the only line on stdout; only its SHA-256 is stored.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newSecret, sha256 } from './keylib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCOPES = ['audit:read', 'audit:write'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function die(msg) {
  process.stderr.write(`keys: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const [cmd, ...rest] = argv;
  const opts = { remote: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--remote') opts.remote = true;
    else if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2);
      const v = inline ?? rest[++i];
      if (v === undefined) die(`--${k} needs a value`);
      opts[k] = v;
    } else die(`unexpected argument ${a}`);
  }
  return { cmd, opts };
}

const sql = (s) => (s === null || s === undefined ? 'NULL' : `'${String(s).replaceAll("'", "''")}'`);

function wrangler(args) {
  const r = spawnSync(join(root, 'node_modules/.bin/wrangler'), args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  if (r.status !== 0) die(`wrangler ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function target(opts) {
  // The API Worker's config names the D1 database (the scanner's names the same one).
  const t = ['-c', join(root, 'wrangler.toml'), opts.remote ? '--remote' : '--local'];
  if (opts['persist-to']) t.push('--persist-to', opts['persist-to']);
  return t;
}

function execute(opts, command, json = false) {
  if (!opts.remote) wrangler(['d1', 'migrations', 'apply', 'DB', ...target(opts)]);
  return wrangler(['d1', 'execute', 'DB', ...target(opts), ...(json ? ['--json'] : []), '--command', command]);
}

const { cmd, opts } = parseArgs(process.argv.slice(2));
switch (cmd) {
  case 'create': {
    const org = (opts.org ?? '').toLowerCase();
    if (!UUID.test(org)) die('--org must be a UUID');
    const scopes = (opts.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!scopes.length || scopes.some((s) => !SCOPES.includes(s))) die(`--scopes must be a comma list of ${SCOPES.join(', ')}`);
    const secret = newSecret();
    const id = randomUUID();
    execute(
      opts,
      `INSERT INTO api_keys (id, org_id, name, key_hash, prefix, scopes, created_at) VALUES (${sql(id)}, ${sql(org)}, ${sql(opts.name ?? null)}, ${sql(sha256(secret))}, ${sql(secret.slice(0, 12))}, ${sql(scopes.join(' '))}, ${Date.now()})`,
    );
    process.stderr.write(`keys: created key ${id} for org ${org} with scopes ${scopes.join(',')}\n`);
    process.stdout.write(`${secret}\n`);
    break;
  }
  case 'list': {
    const where = opts.org ? `WHERE org_id = ${sql(opts.org.toLowerCase())}` : '';
    const out = execute(opts, `SELECT id, org_id, name, prefix, scopes, created_at, revoked_at FROM api_keys ${where} ORDER BY created_at`, true);
    const rows = JSON.parse(out)[0]?.results ?? [];
    for (const r of rows) {
      const state = r.revoked_at ? `revoked ${new Date(r.revoked_at).toISOString()}` : 'active';
      process.stdout.write(`${r.id}\t${r.org_id}\t${r.prefix}…\t${r.scopes.replaceAll(' ', ',')}\t${r.name ?? ''}\t${state}\n`);
    }
    break;
  }
  case 'revoke': {
    const id = (opts.id ?? '').toLowerCase();
    if (!UUID.test(id)) die('--id must be a key id (see `keys list`)');
    const out = execute(opts, `UPDATE api_keys SET revoked_at = ${Date.now()} WHERE id = ${sql(id)} AND revoked_at IS NULL RETURNING id`, true);
    const n = (JSON.parse(out)[0]?.results ?? []).length;
    if (!n) die(`no active key ${id}`);
    process.stderr.write(`keys: revoked ${id}\n`);
    break;
  }
  default:
    die('usage: keys create --org <uuid> --scopes audit:read,audit:write [--name L] | list [--org <uuid>] | revoke --id <key id>  [--remote] [--persist-to DIR]');
}
