#!/usr/bin/env bash
# npm start: set up, build, migrate the local D1, and serve on :8787.
# Extra arguments (npm start -- --port 8790 ...) go to `wrangler dev`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
# Migrations go to the same local state wrangler dev uses (honouring --persist-to).
PERSIST=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --persist-to) PERSIST=(--persist-to "${args[$((i + 1))]}") ;;
    --persist-to=*) PERSIST=("${args[$i]}") ;;
  esac
done
# Local development needs no request.cf data from the network.
export CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_METRICS=false
npx wrangler d1 migrations apply DB --local "${PERSIST[@]}" >&2
exec npx wrangler dev --local --test-scheduled --var ENVIRONMENT:development "$@"
