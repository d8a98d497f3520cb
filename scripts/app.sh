#!/usr/bin/env bash
# Sets up a fresh Debian machine (see setup.sh), then builds and starts the desktop app with
# the Vite dev server. For a release build: `npx tauri build` (a .deb under target/release/bundle).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec npx tauri dev
