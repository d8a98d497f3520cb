#!/usr/bin/env bash
# Runs every check and test of Latchkey, as CI does: set-up, formatting, lints, type checks,
# the UI's component tests and build, the whole Rust test suite under Xvfb with a real Secret
# Service (gnome-keyring, unlocked in a private D-Bus session), bounded fuzzing, then the desktop
# app end to end over WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "== cargo fmt"; cargo fmt --all --check
echo "== tsc";       npx tsc --noEmit
echo "== eslint";    npx eslint --max-warnings 0 ui/src
echo "== prettier";  npx prettier --check --log-level warn "ui/src/**/*.{ts,tsx,css}"
echo "== vitest";    npx vitest run
echo "== vite build"; npx vite build --logLevel warn
# One cargo feature set everywhere (--workspace, all targets), so tauri is built once per profile.
echo "== clippy";    cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
# The tests' servers are on loopback hosts, which a "system" proxy does not exempt by itself
# (curl's rule, see README "Proxies"): a machine's own proxy variables must leave them alone.
export NO_PROXY="127.0.0.1,localhost,::1${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost,::1${no_proxy:+,$no_proxy}"
# A fresh keyring directory each run: never the developer's own keyring, never a stale password.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
  echo -n latchkey-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  LATCHKEY_TEST_SECRET_SERVICE=1 xvfb-run -a cargo test --workspace --locked
'
echo "== fuzz (bounded)"
# cargo-fuzz over the token-response, callback and import parsers, a short run each (fuzz/run.sh
# says how to run the long ones).
FUZZ_SECONDS="${FUZZ_SECONDS:-20}" fuzz/run.sh
echo "== GUI end to end"
# The real app (the debug binary cargo test built) over WebDriver, under Xvfb, in a private D-Bus
# session: a second launch by a latchkey:// link finds the running window through it.
PATH="$HOME/.cargo/bin:$PATH" dbus-run-session -- xvfb-run -a node --test tests/gui/app.test.mjs </dev/null
