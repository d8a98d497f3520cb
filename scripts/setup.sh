#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build, run and test Latchkey: Debian packages
# (only those missing, so a second run is quick) and the npm packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential pkg-config libwebkit2gtk-4.1-dev librsvg2-dev   # building the desktop app
  xvfb xauth x11-utils webkit2gtk-driver xdg-utils libglib2.0-bin # the desktop app under test (WebDriver, latchkey:// links)
  xclip                                                           # the GUI tests read what Copy as cURL put on the clipboard
  dbus dbus-x11 gnome-keyring                                     # a real Secret Service in tests
  openssl curl ca-certificates time                               # test certificates, benchmarks
  chromium                                                        # the "system browser" giving OAuth consent in tests
  tinyproxy                                                       # a real HTTP proxy (CONNECT, Basic auth) in the proxy tests
)
command -v node >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "setup: Rust is needed (https://rustup.rs), then run this again" >&2; exit 1; }

# tauri-driver puts the desktop app behind WebDriver for the GUI tests.
if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0 --quiet
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
