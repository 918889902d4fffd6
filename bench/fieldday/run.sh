#!/usr/bin/env bash
# Field-service days side by side: Rota (`rota solve` on the VROOM JSON, and on the day
# converted to rota-problem/1) and VROOM (pyvroom, exploration level 5, one thread), one after
# the other, every solution scored by our own checker (check.py). Creates a virtualenv with
# pyvroom on first use (PyPI must be reachable).
#
#   bench/fieldday/run.sh TIME_LIMIT [DAYS...]      (days default to bench/fieldday/days/*.json)
#
# Environment: ROTA (binary, default target/release/rota; build it with
# `cargo build --workspace --release --locked`), FIELDDAY_SOLVERS (default
# rota,vroom,rota-problem), FIELDDAY_OUT (solutions and results.json, default
# bench/fieldday/out), FIELDDAY_VENV (default bench/fieldday/.venv), FIELDDAY_REUSE_VROOM=1
# (reuse pyvroom's solutions and times already in the output folder for unchanged days).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${FIELDDAY_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import vroom" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pyvroom
fi
limit="${1:-30}"
shift || true
[ $# -gt 0 ] || set -- "$here"/days/*.json
exec python3 "$here/bench.py" --time-limit "$limit" --vroom-python "$venv/bin/python" \
  --rota "${ROTA:-$here/../../target/release/rota}" \
  --solvers "${FIELDDAY_SOLVERS:-rota,vroom,rota-problem}" --out "${FIELDDAY_OUT:-$here/out}" \
  ${FIELDDAY_REUSE_VROOM:+--reuse-vroom} "$@"
