#!/usr/bin/env bash
# npm test: set up from scratch if needed, run the native suite (unit tests,
# conformance runners), check the deployable bundle, then run the black-box
# integration suite against real workerd (wrangler dev). Fails on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== native tests (cargo test)"
cargo test --release --quiet -- --nocapture 2>&1 | grep -v '^running 0 tests$'
# The `audit` CLI (tests/integration/cli.test.mjs runs it), built apart:
# `cargo test --release --features cli` fails to link the test targets
# ("requires panic strategy `abort`") once the bin is in the test build.
cargo build --release --quiet --features cli --bin audit
echo "== bundle (wrangler deploy --dry-run, both Workers)"
bash scripts/build.sh >/dev/null 2>&1 || bash scripts/build.sh
# One wasm serves both Workers; each config is dry-run so a broken config
# fails here, and the wasm size is checked once.
for cfg in wrangler.api.toml wrangler.scanner.toml; do
  out=$(mktemp -d)
  npx wrangler deploy --dry-run -c "$cfg" --outdir "$out" 2>&1 | grep -Ei 'total upload|gzip|error' | sed "s|^|$cfg: |" || true
  wasm=$(find "$out" -name '*.wasm' | head -n 1)
  if [ -z "$wasm" ]; then echo "$cfg: dry run produced no wasm" >&2; exit 1; fi
  if [ "$cfg" = wrangler.api.toml ]; then
    raw=$(stat -c %s "$wasm"); gz=$(gzip -9 -c "$wasm" | wc -c)
    echo "bundle wasm: ${raw} bytes raw, ${gz} bytes gzipped"
    if [ "$gz" -ge 1048576 ]; then echo "wasm over the 1 MiB gzipped budget" >&2; exit 1; fi
  fi
  rm -rf "$out"
done
echo "== integration tests (node --test against wrangler dev)"
node --test --test-concurrency=1 --test-reporter=spec "tests/integration/*.test.mjs"
