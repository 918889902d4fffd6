#!/usr/bin/env bash
# Rota on a fresh machine: set up, build the UI and the workspace (release), then start the
# desktop app `rota-app` (window "Rota") on the plan database in the user's data directory
# (~/.local/share/org.rota.desktop/rota.db, created with the sample service area on first run;
# set ROTA_DB=/path/to/file.db to use another). The command-line demo is scripts/demo-cli.sh.
# Usage: bash scripts/run.sh [--build-only]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd ui && npm run build)
# Always the whole workspace: building one package alone changes feature unification and
# rebuilds HiGHS from scratch.
cargo build --release --workspace
if [ "${1:-}" = "--build-only" ]; then
  echo "run: built target/release/rota-app"
  exit 0
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'
run: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the Rota window cannot open.
     Start it from a desktop session, over `ssh -X`, or under a virtual display:
       xvfb-run -a ./target/release/rota-app
     The command-line demo needs no display: bash scripts/demo-cli.sh
MSG
  exit 1
fi
echo "run: starting target/release/rota-app"
exec ./target/release/rota-app
