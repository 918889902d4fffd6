#!/usr/bin/env bash
# The command-line demo: set up, build, plan the bundled sample service area with `rota solve`
# and print a readable summary, then check the plan independently.
# Usage: bash scripts/demo-cli.sh [extra `rota solve` options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --workspace
mkdir -p target/sample
./target/release/rota validate fixtures/sample/problem.json
./target/release/rota solve fixtures/sample/problem.json -o target/sample/plan.json --time-limit 20 "$@"
./target/release/rota check fixtures/sample/problem.json target/sample/plan.json
