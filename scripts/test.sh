#!/usr/bin/env bash
# Every test of Rota on a fresh machine: set up, then format check, lints and the whole test
# suite (unit, property, golden, end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ui: npm run build (the desktop app embeds ui/dist when it compiles)"
(cd ui && npm run build)
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test (a throwaway PostgreSQL server for the store's tests on both backends)"
pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/rota-pg.XXXXXX")"
trap 'bash scripts/pg-test-server.sh stop "$pg_dir"' EXIT
ROTA_TEST_PG_URL="$(bash scripts/pg-test-server.sh start "$pg_dir")"
export ROTA_TEST_PG_URL
cargo test --workspace --locked
bash scripts/pg-test-server.sh stop "$pg_dir"
trap - EXIT
unset ROTA_TEST_PG_URL
echo "== bench/fieldday: the field-day checker, generator and converters (python3, standard library)"
(cd bench/fieldday && python3 -m unittest -q test_check)
echo "== ui: npm test (type check, catalogs, literal strings, rules, formatting)"
(cd ui && npm test)
echo "== ui: npm run e2e (headless Chromium, en + zh-CN, screenshots in docs/screenshots/)"
(cd ui && npm run e2e)
echo "== app: the real window under Xvfb through WebDriver (tauri-driver + WebKitWebDriver)"
# target/debug/rota-app was built by `cargo test` above (it builds the binary for the app's
# integration tests) with the UI built first; screenshots in docs/screenshots/app-*.png.
# Every WebDriver call in run.mjs fails by name after 90 s and each attempt is capped at 10 min,
# so a stuck WebKitWebDriver cannot hang CI. One such hang was seen (1 run in about 10, in the
# plan-history step); a failed first attempt is reported and the test runs once more on a fresh
# database and another port — a real regression fails both attempts.
app_window_test() {
  ROTA_WEBDRIVER_PORT="$1" timeout -k 15 600 \
    xvfb-run -a -s "-screen 0 1600x1000x24" node tests/app/run.mjs target/debug/rota-app
}
if ! app_window_test 4544; then
  echo "== app: the real-window test failed (see above); running it once more"
  app_window_test 4644
fi
