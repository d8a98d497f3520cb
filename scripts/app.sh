#!/usr/bin/env bash
# Sets up a fresh Debian machine (see setup.sh), then builds and starts the desktop app with
# the Vite dev server (the UI reloads as you edit it; rerun this for Rust changes).
# For a release build: `npx tauri build` (a .deb under target/release/bundle).
#
# The app is built with `cargo build --workspace`, the feature set `cargo test --workspace`
# (scripts/test.sh) also builds, so after the tests nothing is rebuilt. `tauri dev` builds the
# desktop package alone: another feature variant of Tauri and its dependencies, ~20 s more.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --workspace --locked
if curl -s -o /dev/null http://localhost:5173/; then
  echo "app: port 5173 (the dev URL in tauri.conf.json) is taken, by another dev server or a GUI test run: stop it first" >&2
  exit 1
fi
npx vite --port 5173 --strictPort --logLevel warn &
vite=$!
trap 'kill "$vite" 2>/dev/null || true' EXIT
# The debug app loads its UI from the dev server (tauri.conf.json devUrl): wait until it answers.
for _ in $(seq 1 150); do
  curl -sf -o /dev/null http://localhost:5173/ && break
  kill -0 "$vite" 2>/dev/null || { echo "app: the Vite dev server did not start" >&2; exit 1; }
  sleep 0.2
done
target/debug/latchkey-desktop
