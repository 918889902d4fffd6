#!/usr/bin/env bash
# Side-by-side benchmark: PyVRP, OR-Tools and VROOM (pyvroom) on the same Solomon instances with
# the same time budget and one thread. Creates a virtualenv on first use (PyPI must be reachable).
#
#   bench/peers/run.sh TIME_LIMIT [--solvers pyvrp,ortools,vroom] [INSTANCES...]
#   (instances default to ../shared/bench/solomon/*.txt)
#
# Prints one CSV row per solver and instance (distance recomputed here in double precision,
# feasibility checked here against the Solomon rules) and a summary per solver.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${ROTA_PEERS_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pyvrp ortools pyvroom
fi
limit="${1:-1}"
shift || true
# Instances default to the shared Solomon subset; peers.py options (e.g. --solvers pyvrp) may
# be given too.
has_files=0
for a in "$@"; do [ -f "$a" ] && has_files=1; done
[ "$has_files" = 1 ] || set -- "$@" "$here"/../../../shared/bench/solomon/*.txt
OMP_NUM_THREADS=1 "$venv/bin/python" "$here/peers.py" --time-limit "$limit" \
  --bks "$here/../../../shared/bench/solomon/bks.csv" "$@"
