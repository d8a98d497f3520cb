#!/usr/bin/env bash
# Runs every benchmark of Latchkey and prints a table of the figures at the end (also in the
# README's "Performance" section). Figures only: nothing here passes or fails on speed.
#   scripts/bench.sh          # needs scripts/setup.sh first; --bru is passed on to bench-cli.py
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# Criterion prints "name\n  time: [low estimate high]"; keep the name and the estimate.
criterion() {
  cargo bench --workspace --locked --bench "$1" 2>/dev/null | tee "$log/$1" |
    awk '/^[^ ].*/ && !/^(Benchmarking|Found|Gnuplot|  )/ { name = $0 } /time:/ { print name " | " $4 " " $5 }' >"$log/$1.rows"
}
echo "== criterion: prepare";     criterion prepare
echo "== criterion: scale";       criterion scale
echo "== concurrency";            cargo bench --workspace --locked --bench concurrency 2>/dev/null | tee "$log/concurrency"
echo "== CLI against curl (and Bruno)"; python3 scripts/bench-cli.py "$@" | tee "$log/cli"

echo
echo "| benchmark | figure |"
echo "|---|---|"
cat "$log/prepare.rows" "$log/scale.rows" | sed 's/^/| /; s/$/ |/'
grep -E "token calls|latency" "$log/concurrency" | sed 's/^ */| concurrency: /; s/: \([^:]*\)$/ | \1/; s/$/ |/'
awk 'NF == 4 && $2 ~ /^[0-9.]+$/ { printf "| %s request, median / p90 / peak RSS | %s ms / %s ms / %s MiB |\n", $1, $2, $3, $4 }' "$log/cli"
grep -E "^(latchkey/curl|bru/latchkey):" "$log/cli" | sed 's/^\([^:]*\): /| \1 | /; s/$/ |/'
grep -h "filled:" "$log/scale" | sed 's/^/(/; s/$/)/' || true
