#!/usr/bin/env node
// Builds the dashboard's static assets (served by Workers static assets,
// wrangler.toml [assets]; not part of the wasm): dashboard/ -> build/assets/.
// Prints the gzipped weight of the JS and CSS it wrote.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'dashboard');
const out = join(root, 'build', 'assets');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'dashboard'), { recursive: true });
await build({
  entryPoints: [join(src, 'app.js'), join(src, 'app.css')],
  outdir: join(out, 'dashboard'),
  bundle: true,
  minify: true,
  target: ['es2022'],
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(src, 'index.html'), join(out, 'dashboard', 'index.html'));
// The icon: the SVG the page links, and /favicon.ico (made by scripts/favicon.mjs)
// at the root, where browsers and crawlers ask for it unprompted.
copyFileSync(join(src, 'icon.svg'), join(out, 'dashboard', 'icon.svg'));
copyFileSync(join(src, 'favicon.ico'), join(out, 'favicon.ico'));
// _headers and _redirects apply to the whole assets directory.
copyFileSync(join(src, '_headers'), join(out, '_headers'));
copyFileSync(join(src, '_redirects'), join(out, '_redirects'));
// The OpenAPI description is served as written, as a static file (no key,
// no Worker invocation, and not in the wasm).
mkdirSync(join(out, 'api', 'v1'), { recursive: true });
copyFileSync(join(root, 'openapi', 'openapi.json'), join(out, 'api', 'v1', 'openapi.json'));
const gz = (f) => gzipSync(readFileSync(join(out, 'dashboard', f)), { level: 9 }).length;
console.error(`dashboard: app.js ${gz('app.js')} B gz, app.css ${gz('app.css')} B gz`);
