#!/usr/bin/env bash
# Installs everything the build and the tests need on a fresh machine,
# idempotently: the wasm32 target, worker-build and wasm-bindgen-cli (cached
# under $AUDIT_TOOLS, default ~/.cache/audit-worker-tools, so a second run is
# fast), the npm packages, Debian's chromium and schemathesis. worker-build's
# own download of wasm-bindgen/wasm-opt cannot work offline, so build.sh
# points it at these binaries.
#
# On a fresh machine most of the time is compiling the two cargo tools
# (CPU) and downloading packages (network), so the downloads run in the
# background while the tools compile; a failure of any step fails setup.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${AUDIT_TOOLS:-$HOME/.cache/audit-worker-tools}"
mkdir -p "$TOOLS"
LOGS=$(mktemp -d)
pids=()
names=()
background() { # name command...
  local name=$1
  shift
  ("$@") >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}

if [ ! -x node_modules/.bin/wrangler ] || [ package.json -nt node_modules/.package-lock.json ]; then
  if [ -f package-lock.json ]; then background npm npm ci --no-audit --no-fund; else background npm npm install --no-audit --no-fund; fi
fi

# The browser tests and the rendered scans drive Debian's Chromium
# (puppeteer-core never downloads a browser); the fuzzing step runs
# schemathesis from PyPI, pinned.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "setup: installing chromium (apt)" >&2
  install_chromium() {
    if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq chromium
  }
  background chromium install_chromium
fi
SCHEMATHESIS_VERSION=4.32.5
if ! schemathesis --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
  echo "setup: installing schemathesis $SCHEMATHESIS_VERSION (pip)" >&2
  # A system Python that refuses pip (PEP 668) gets it with --break-system-packages.
  install_schemathesis() {
    python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
      || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "schemathesis==$SCHEMATHESIS_VERSION"
  }
  background schemathesis install_schemathesis
fi

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
    # Tools are built with the release profile but without LTO: they run a
    # few seconds per build, and LTO would double their compile time.
    CARGO_PROFILE_RELEASE_LTO=false cargo install "$crate" --version "$version" --root "$root" --quiet
  fi
}
install_tool worker-build "$WORKER_VERSION" worker-build
install_tool wasm-bindgen-cli "$WB_VERSION" wasm-bindgen

status=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "setup: ${names[$i]} failed:" >&2
    cat "$LOGS/${names[$i]}.log" >&2
    status=1
  fi
done
rm -rf "$LOGS"
exit $status
