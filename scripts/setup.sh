#!/usr/bin/env bash
# Installs everything the build needs on a fresh machine, idempotently:
# the wasm32 target, worker-build and wasm-bindgen-cli (cached under
# $AUDIT_TOOLS, default ~/.cache/audit-worker-tools, so a second run is fast),
# and the npm packages. worker-build's own download of wasm-bindgen/wasm-opt
# cannot work offline, so we point it at these binaries in build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${AUDIT_TOOLS:-$HOME/.cache/audit-worker-tools}"
mkdir -p "$TOOLS"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
WORKER_VERSION=$(awk '/^name = "worker"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)

install_tool() { # crate version binary
  local crate=$1 version=$2 bin=$3 root="$TOOLS/$1-$2"
  if [ ! -x "$root/bin/$bin" ]; then
    echo "setup: installing $crate $version (cached in $root)" >&2
    cargo install "$crate" --version "$version" --root "$root" --quiet
  fi
}
install_tool worker-build "$WORKER_VERSION" worker-build
install_tool wasm-bindgen-cli "$WB_VERSION" wasm-bindgen

if [ ! -x node_modules/.bin/wrangler ] || [ package.json -nt node_modules/.package-lock.json ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
fi

# The dashboard's browser tests drive Debian's Chromium (puppeteer-core never
# downloads a browser); the fuzzing step runs schemathesis from PyPI, pinned.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "setup: installing chromium (apt)" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq chromium >&2
fi
SCHEMATHESIS_VERSION=4.32.5
if ! schemathesis --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
  echo "setup: installing schemathesis $SCHEMATHESIS_VERSION (pip)" >&2
  # A system Python that refuses pip (PEP 668) gets it with --break-system-packages.
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2 \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi
