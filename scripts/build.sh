#!/usr/bin/env bash
# Builds the Worker bundle into build/ with worker-build, using the locally
# installed wasm-bindgen, esbuild and wasm-opt (worker-build's own downloads
# need a host we cannot reach). Run scripts/setup.sh first (npm scripts do).
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing to do when the bundle is newer than everything it is built from
# (wrangler.toml's [build] runs this before every `wrangler dev`/`deploy`).
# AUDIT_FORCE_BUILD=1 builds anyway.
STAMP=build/.stamp
MODE="opt=${AUDIT_NO_OPT:-0}"
if [ "${AUDIT_FORCE_BUILD:-}" != 1 ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$MODE" ] \
  && [ -z "$(find src js dashboard openapi Cargo.toml Cargo.lock package-lock.json scripts/build.sh scripts/strip-names.mjs scripts/build-dashboard.mjs -newer "$STAMP" 2>/dev/null | head -n 1)" ]; then
  echo "build: up to date ($STAMP)" >&2
  exit 0
fi
rm -f "$STAMP"
TOOLS="${AUDIT_TOOLS:-$HOME/.cache/audit-worker-tools}"
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
WORKER_VERSION=$(awk '/^name = "worker"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
export WASM_BINDGEN_BIN="$TOOLS/wasm-bindgen-cli-$WB_VERSION/bin/wasm-bindgen"
export ESBUILD_BIN="$PWD/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt"
# The Worker's wasm is optimised for size (opt-level z): 67 KB less gzipped
# than the release profile's "s", which native builds (tests, benches, the
# CLI) keep. The wasm32 target has its own build directory, so the two
# never invalidate each other.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
# Its own target directory, so that it can build while `npm test` builds
# the native tests (cargo locks a target directory per build).
export CARGO_TARGET_DIR="${AUDIT_WASM_TARGET_DIR:-$PWD/target/wasm}"
OPT=()
if [ "${AUDIT_NO_OPT:-}" = 1 ]; then OPT=(--no-opt); fi
"$TOOLS/worker-build-$WORKER_VERSION/bin/worker-build" --release "${OPT[@]}"
# worker-build keeps the wasm "name" section (function names for stack
# traces): 122 KB of the 1 MiB gzipped budget. The deployed module drops it;
# the unstripped module stays in build/symbols/ to symbolise a trace offline.
node scripts/strip-names.mjs
# The dashboard's static assets (build/assets, wrangler.toml [assets]).
node scripts/build-dashboard.mjs
echo "$MODE" > "$STAMP"
