#!/usr/bin/env bash
# Builds the Worker bundle into build/ with worker-build, using the locally
# installed wasm-bindgen, esbuild and wasm-opt (worker-build's own downloads
# need a host we cannot reach). Run scripts/setup.sh first (npm scripts do).
set -euo pipefail
cd "$(dirname "$0")/.."
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
OPT=()
if [ "${AUDIT_NO_OPT:-}" = 1 ]; then OPT=(--no-opt); fi
"$TOOLS/worker-build-$WORKER_VERSION/bin/worker-build" --release "${OPT[@]}"
# worker-build keeps the wasm "name" section (function names for stack
# traces): 122 KB of the 1 MiB gzipped budget. The deployed module drops it;
# the unstripped module stays in build/symbols/ to symbolise a trace offline.
node scripts/strip-names.mjs
# The dashboard's static assets (build/assets, wrangler.api.toml [assets]).
node scripts/build-dashboard.mjs
