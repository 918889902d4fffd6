#!/usr/bin/env bash
# Installs what Rota needs to build and test, idempotently: Debian packages (only those
# missing) and the Rust workspace's dependencies. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build needs: a C/C++ toolchain, and cmake + libclang for HiGHS (the LP
# solver, compiled from source by highs-sys); for the desktop app (src-tauri/, Tauri 2 on
# WebKitGTK) its build libraries, and for its real-window test Xvfb, WebKitWebDriver and
# ImageMagick (screenshots), sqlite3 (it checks the database); python3 for the field-day
# benchmark checker's tests (bench/fieldday, standard library only).
packages=(build-essential pkg-config cmake libclang-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev file
  xvfb xauth webkit2gtk-driver imagemagick sqlite3 python3)
# PostgreSQL for the store's tests on the team backend: scripts/pg-test-server.sh runs a
# throwaway server from its binaries (/usr/lib/postgresql/*/bin); its TLS client uses libssl.
packages+=(postgresql)
# `rota area build` (a service area's basemap tiles from OpenStreetMap, docs/areas.md) runs
# tilemaker, after osmium turns the extract's reference-complete copy into PBF.
packages+=(tilemaker osmium-tool)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install Rust (https://rustup.rs) and run again" >&2
  exit 1
fi
cargo fetch --locked 2>/dev/null || cargo fetch
# tauri-driver: the WebDriver front for the app's real-window test (compiled once, ~1 min).
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

# The desktop UI (ui/): headless Chromium for its end-to-end tests, a CJK font so Chinese renders
# (also in WebKitGTK), and its npm dependencies — `npm ci` only when node_modules is missing or
# package-lock.json changed since the last install.
ui_packages=(chromium fonts-noto-cjk)
ui_missing=()
for p in "${ui_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || ui_missing+=("$p")
done
if [ ${#ui_missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages for the UI: ${ui_missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${ui_missing[@]}"
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: npm not found; install Node.js 20.19+ (with npm) and run again" >&2
  exit 1
fi
lock_sum=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
if [ ! -d ui/node_modules ] || [ "$(cat ui/node_modules/.rota-lock-sum 2>/dev/null)" != "$lock_sum" ]; then
  echo "setup: npm ci in ui/"
  (cd ui && npm ci --no-audit --no-fund)
  echo "$lock_sum" > ui/node_modules/.rota-lock-sum
fi
