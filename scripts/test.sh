#!/usr/bin/env bash
# npm test: set up from scratch if needed, build the native tests and the
# Worker bundle side by side, run the native suite (unit tests, conformance
# runners), check the deployable bundle, then run the black-box integration
# suite against real workerd (wrangler dev), its files in parallel. Fails on
# any failure. Each phase prints the seconds since the start.
#
#   AUDIT_TEST_JOBS=N   integration files run at once (default 1: files side by side are not yet proven free of timing flakes)
set -euo pipefail
cd "$(dirname "$0")/.."
T0=$(date +%s)
phase() { echo "== $1 (at $(($(date +%s) - T0)) s)"; }

phase "setup"
bash scripts/setup.sh

# One native build serves the unit tests, the conformance runners and the
# `audit` CLI that tests/integration/cli.test.mjs runs (profile `ci`: no LTO,
# unwinding; see Cargo.toml). The wasm is built meanwhile in its own target
# directory: its link-time optimisation runs on one core, the native
# compile on the other.
phase "native build and Worker bundle (side by side)"
WASM_LOG=$(mktemp)
bash scripts/build.sh >"$WASM_LOG" 2>&1 &
WASM_PID=$!
cargo test --profile ci --features cli --no-run --quiet
phase "native tests (cargo test)"
cargo test --profile ci --features cli --quiet -- --nocapture 2>&1 | grep -v '^running 0 tests$'
if ! wait "$WASM_PID"; then
  cat "$WASM_LOG" >&2
  echo "the Worker bundle did not build" >&2
  exit 1
fi
grep -E '^(strip-names|dashboard):' "$WASM_LOG" || true
rm -f "$WASM_LOG"

phase "bundle (wrangler deploy --dry-run, both Workers)"
# One wasm serves both Workers; each config is dry-run so a broken config
# fails here, and the wasm size is checked once.
for cfg in wrangler.toml wrangler.scanner.toml; do
  out=$(mktemp -d)
  npx wrangler deploy --dry-run -c "$cfg" --outdir "$out" 2>&1 | grep -Ei 'total upload|gzip|error' | sed "s|^|$cfg: |" || true
  wasm=$(find "$out" -name '*.wasm' | head -n 1)
  if [ -z "$wasm" ]; then echo "$cfg: dry run produced no wasm" >&2; exit 1; fi
  if [ "$cfg" = wrangler.toml ]; then
    raw=$(stat -c %s "$wasm"); gz=$(gzip -9 -c "$wasm" | wc -c)
    echo "bundle wasm: ${raw} bytes raw, ${gz} bytes gzipped"
    if [ "$gz" -ge 1048576 ]; then echo "wasm over the 1 MiB gzipped budget" >&2; exit 1; fi
  fi
  rm -rf "$out"
done

# Every file starts its own wrangler dev (own port, state and fixtures), so
# files run side by side. hostile.test.mjs measures another team's read
# latency while hostile pages are scanned: it runs alone afterwards, so the
# figures it prints are its own.
phase "integration tests (node --test against wrangler dev, ${AUDIT_TEST_JOBS:-1} files at once)"
mapfile -t FILES < <(ls tests/integration/*.test.mjs | grep -v '/hostile\.test\.mjs$')
node --test --test-concurrency="${AUDIT_TEST_JOBS:-1}" --test-reporter=spec "${FILES[@]}"
phase "integration tests: hostile pages, alone"
node --test --test-reporter=spec tests/integration/hostile.test.mjs
phase "done"
