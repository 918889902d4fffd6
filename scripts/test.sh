#!/usr/bin/env bash
# Every test of Rota on a fresh machine: set up, then format check, lints and the whole test
# suite (unit, property, golden, end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== ui: npm test (type check, catalogs, literal strings, rules, formatting)"
(cd ui && npm test)
echo "== ui: npm run e2e (headless Chromium, en + zh-CN, screenshots in docs/screenshots/)"
(cd ui && npm run e2e)
