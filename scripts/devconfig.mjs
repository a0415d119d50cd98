#!/usr/bin/env node
// Local development runs both Workers in one `wrangler dev` process:
//   wrangler dev -c <api config> -c <scanner config>
// wrangler applies `--var` only to the first (primary) Worker, so the
// development settings the scanner needs (ENVIRONMENT, SCAN_HOST_OVERRIDES,
// DOH_URL, ...) are written into copies of both configs instead. The copies
// live outside the repo's config files (npm start: .wrangler/dev/, tests: a
// temporary directory) and point back at the one bundle in build/.
//
//   node scripts/devconfig.mjs <dir> [NAME=VALUE ...]   prints the two paths
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const API_CONFIG = join(root, 'wrangler.toml');
export const SCANNER_CONFIG = join(root, 'wrangler.scanner.toml');
/** Worker names, as in the configs (miniflare routes by them). */
export const API_NAME = 'audit-api';
export const SCANNER_NAME = 'audit-scanner';

const tomlString = (v) => JSON.stringify(String(v));

/** The config text without its [build] table (the caller has built already). */
export function withoutBuild(text) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === '[build]');
  if (start < 0) return text;
  let end = lines.findIndex((l, i) => i > start && l.trim().startsWith('['));
  if (end < 0) end = lines.length;
  lines.splice(start, end - start);
  return lines.join('\n');
}

/** The config text with `vars` set in its [vars] table and paths (main, migrations, assets) made absolute. */
export function withVars(text, vars) {
  const lines = withoutBuild(text).split('\n');
  const start = lines.findIndex((l) => l.trim() === '[vars]');
  if (start < 0) throw new Error('config has no [vars] table');
  let end = lines.findIndex((l, i) => i > start && l.trim().startsWith('['));
  if (end < 0) end = lines.length;
  while (end - 1 > start && lines[end - 1].trim() === '') end--;
  for (const [name, value] of Object.entries(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad var name ${name}`);
    const line = `${name} = ${tomlString(value)}`;
    const at = lines.findIndex((l, i) => i > start && i < end && new RegExp(`^${name}\\s*=`).test(l.trim()));
    if (at >= 0) lines[at] = line;
    else lines.splice(end++, 0, line);
  }
  return lines
    .map((l) => l.replace(/^(main|migrations_dir|directory)\s*=\s*"([^"]+)"/, (_, k, p) => `${k} = ${tomlString(resolve(root, p))}`))
    .join('\n');
}

/** Writes both development configs into `dir`; returns their paths. */
export function writeDevConfigs(dir, vars = {}) {
  mkdirSync(dir, { recursive: true });
  const all = { ENVIRONMENT: 'development', ...vars };
  const api = join(dir, 'wrangler.toml');
  const scanner = join(dir, 'wrangler.scanner.toml');
  // The API reaches the scanner's development routes (the cron trigger)
  // through this binding; see src/edge/scanner/fetch_handler.rs.
  const devBinding = `\n# Development only (scripts/devconfig.mjs).\n[[services]]\nbinding = "DEV_SCANNER"\nservice = "${SCANNER_NAME}"\n`;
  writeFileSync(api, withVars(readFileSync(API_CONFIG, 'utf8'), all) + devBinding);
  writeFileSync(scanner, withVars(readFileSync(SCANNER_CONFIG, 'utf8'), all));
  return { api, scanner };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, ...pairs] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: devconfig.mjs <dir> [NAME=VALUE ...]\n');
    process.exit(2);
  }
  const vars = Object.fromEntries(
    pairs.map((p) => {
      const i = p.search(/[=:]/);
      if (i < 1) throw new Error(`expected NAME=VALUE, got ${p}`);
      return [p.slice(0, i), p.slice(i + 1)];
    }),
  );
  const { api, scanner } = writeDevConfigs(resolve(dir), vars);
  process.stdout.write(`${api}\n${scanner}\n`);
}
