#!/usr/bin/env bash
# Builds the Debian package of the desktop app with Tauri's bundler, offline:
#   target/release/bundle/deb/Rota_<version>_<arch>.deb   (package `rota`, binary /usr/bin/rota-app,
#   a "Rota" menu entry in /usr/share/applications, its icon in /usr/share/icons/hicolor).
# Steps: build the UI (ui/dist, embedded in the binary), build rota-app in release (the whole
# workspace's feature set, as everywhere else), then `tauri bundle --bundles deb` with the
# overlay src-tauri/tauri.deb.conf.json (the normal config keeps bundling off, so
# `cargo build` never bundles). The Tauri CLI is the npm devDependency @tauri-apps/cli (ui/).
# Needs scripts/setup.sh first (Debian build packages, ui/node_modules). No AppImage: that
# bundle downloads tools at build time.
# Check the package installs and starts: bash scripts/check-package.sh
# Usage: bash scripts/package.sh [--no-build]   (--no-build: bundle the existing release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
tauri=ui/node_modules/.bin/tauri
if [ ! -x "$tauri" ]; then
  echo "package: $tauri not found: run bash scripts/setup.sh (npm ci in ui/)" >&2
  exit 1
fi
if [ "${1:-}" != "--no-build" ]; then
  (cd ui && npm run build)
  # Always the whole workspace: one package alone changes feature unification (HiGHS rebuilt).
  cargo build --release --locked --workspace --bin rota-app
fi
if [ ! -x target/release/rota-app ]; then
  echo "package: target/release/rota-app not built (run without --no-build)" >&2
  exit 1
fi
rm -rf target/release/bundle/deb
(cd src-tauri && CI=true "../$tauri" bundle --bundles deb --config tauri.deb.conf.json)
deb=$(ls target/release/bundle/deb/*.deb)
echo "package: built $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
