#!/usr/bin/env bash
# npm start: set up, build, migrate the local D1, and serve both Workers (the
# API and the scanner) in one `wrangler dev` on :8787, sharing local D1 and
# Queue state. Extra arguments (npm start -- --port 8790 ...) go to
# `wrangler dev`; `--var NAME:VALUE` reaches both Workers (wrangler itself
# would apply it to the first only, so it is written into the development
# copies of the configs in .wrangler/dev/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
PERSIST=()
VARS=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --persist-to) PERSIST=(--persist-to "${args[$((i + 1))]}") ;;
    --persist-to=*) PERSIST=("${args[$i]}") ;;
    --var) VARS+=("${args[$((i + 1))]}") ;;
    --var=*) VARS+=("${args[$i]#--var=}") ;;
  esac
done
# Local development needs no request.cf data from the network.
export CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_METRICS=false
mapfile -t CONFIGS < <(node scripts/devconfig.mjs .wrangler/dev "${VARS[@]}")
# The development configs live in .wrangler/dev/, so name the state directory
# explicitly: the one `npm run keys` and the migrations use.
if [ ${#PERSIST[@]} -eq 0 ]; then set -- --persist-to .wrangler/state "$@"; fi
# Migrations go to the same local state wrangler dev uses (honouring --persist-to).
npx wrangler d1 migrations apply DB --local -c wrangler.toml "${PERSIST[@]}" >&2
# Trigger the scanner's crons with:
#   curl "http://localhost:8787/__dev/scanner/__dev/scheduled?cron=*+*+*+*+*"
exec npx wrangler dev -c "${CONFIGS[0]}" -c "${CONFIGS[1]}" --local "$@"
