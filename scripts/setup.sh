#!/usr/bin/env bash
# Installs what Rota needs to build and test, idempotently: Debian packages (only those
# missing) and the Rust workspace's dependencies. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build needs. (The LP solver, HiGHS, will add cmake and libclang-dev;
# the desktop app adds WebKitGTK.)
packages=(build-essential pkg-config)
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
