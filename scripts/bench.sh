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
echo "== criterion: assertion";   criterion assertion
echo "== criterion: share";       criterion share
echo "== concurrency";            cargo bench --workspace --locked --bench concurrency 2>/dev/null | tee "$log/concurrency"
echo "== CLI against curl (and Bruno)"; python3 scripts/bench-cli.py "$@" | tee "$log/cli"
echo "== import of large OpenAPI descriptions"; python3 scripts/bench-import.py | tee "$log/import"
# The desktop app against an empty Tauri 2 app built the same way (scripts/desktop-floor/, its
# artefacts in the root's target/): both release builds with their .deb, the CLI that fills the
# vault, then WebDriver under Xvfb in a private D-Bus session (stdin closed, or it waits).
desktop_build() { "$@" >>"$log/desktop-build" 2>&1 || { tail -40 "$log/desktop-build"; exit 1; }; }
echo "== desktop against an empty Tauri app (release builds first)"
desktop_build npx tauri build --bundles deb -- --locked
desktop_build env -C scripts/desktop-floor CARGO_TARGET_DIR="$PWD/target" npx tauri build --bundles deb -- --locked
desktop_build cargo build --release --locked -p latchkey-cli
PATH="$HOME/.cargo/bin:$PATH" dbus-run-session -- xvfb-run -a node scripts/bench-desktop.mjs </dev/null | tee "$log/desktop"

echo
echo "| benchmark | figure |"
echo "|---|---|"
cat "$log/prepare.rows" "$log/scale.rows" "$log/assertion.rows" "$log/share.rows" | sed 's/^/| /; s/$/ |/'
grep -E "token calls|latency" "$log/concurrency" | sed 's/^ */| concurrency: /; s/: \([^:]*\)$/ | \1/; s/$/ |/'
# A table row is a name (which may have spaces, as in "bru (oauth2 cc)") and three numbers.
awk 'NF >= 4 && $(NF-2) ~ /^[0-9.]+$/ && $(NF-1) ~ /^[0-9.]+$/ && $NF ~ /^[0-9.]+$/ {
       name = $1; for (i = 2; i <= NF - 3; i++) name = name " " $i
       printf "| %s request, median / p90 / peak RSS | %s ms / %s ms / %s MiB |\n", name, $(NF-2), $(NF-1), $NF }' "$log/cli"
grep -E "^(latchkey/curl|bru/latchkey|token-endpoint calls[^:]*):" "$log/cli" | sed 's/^\([^:]*\): /| \1 | /; s/$/ |/'
# A row of bench-import.py: a name (with spaces), ops, MiB, mode, seconds, peak, beyond, ×.
awk 'NF >= 8 && ($(NF-4) == "dry-run" || $(NF-4) == "applied") {
       name = $1; for (i = 2; i <= NF - 7; i++) name = name " " $i
       printf "| import %s %s (%s ops, %s MiB): median / peak RSS / beyond the floor per MiB of file | %s s / %s MiB / %s× |\n",
         name, $(NF-4), $(NF-6), $(NF-5), $(NF-3), $(NF-2), $NF }' "$log/import"
grep "^| desktop:" "$log/desktop" || true
grep -h "filled:\|folder:" "$log/scale" "$log/share" | sed 's/^/(/; s/$/)/' || true
