#!/usr/bin/env bash
# Checks the Debian package of scripts/package.sh on this machine: installs it with apt (root or
# sudo), starts the installed /usr/bin/rota-app under Xvfb with an empty home directory, a bare
# environment and / as working directory (nothing from the source tree), waits, checks that it is
# still running, that its window "Rota" is mapped and that it created the sample database in the
# user's data directory, takes a screenshot (ImageMagick `import -window root`), then removes the
# package again. Not part of scripts/test.sh: the release build behind the package is slow.
# Usage: bash scripts/check-package.sh [output-dir]   (default target/package-check)
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls target/release/bundle/deb/*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
  echo "check-package: no .deb in target/release/bundle/deb: run bash scripts/package.sh" >&2
  exit 1
fi
deb=$(realpath "$deb")
out=$(realpath -m "${1:-target/package-check}")
mkdir -p "$out"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
pkg=$(dpkg-deb --field "$deb" Package)
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  echo "check-package: $pkg is installed already; remove it first (apt-get remove $pkg)" >&2
  exit 1
fi
echo "check-package: apt install $deb"
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$deb" >/dev/null
home=$(mktemp -d)
cleanup() {
  echo "check-package: removing $pkg"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get remove -y -qq "$pkg" >/dev/null
  rm -rf "$home"
}
trap cleanup EXIT
[ "$(command -v rota-app)" = /usr/bin/rota-app ] || { echo "check-package: rota-app is not /usr/bin/rota-app" >&2; exit 1; }
desktop=$(dpkg -L "$pkg" | grep '^/usr/share/applications/.*\.desktop$' | head -1)
grep -q '^Name=Rota$' "$desktop" && grep -q '^Exec=rota-app' "$desktop" \
  || { echo "check-package: $desktop has no Name=Rota / Exec=rota-app entry" >&2; exit 1; }
echo "check-package: menu entry $desktop"
cd /
# The app runs as the desktop user would start it: no ROTA_DB, no source tree, a fresh home.
env -i PATH=/usr/bin:/bin HOME="$home" LANG=C.UTF-8 xvfb-run -a -s '-screen 0 1440x900x24' bash -c '
  rota-app > "$1/rota-app.log" 2>&1 & pid=$!
  for _ in $(seq 1 60); do
    sleep 1
    kill -0 $pid 2>/dev/null || { echo "check-package: rota-app exited early" >&2; exit 1; }
    xwininfo -root -tree | grep -q "\"Rota\"" && [ -s "$HOME/.local/share/org.rota.desktop/rota.db" ] && break
  done
  sleep 8   # let the board render
  kill -0 $pid 2>/dev/null || { echo "check-package: rota-app exited" >&2; exit 1; }
  xwininfo -root -tree | grep "\"Rota\"" | head -1 > "$1/window.txt"
  import -window root "$1/installed.png"
  kill $pid; wait $pid 2>/dev/null || true
' check "$out"
[ -s "$out/window.txt" ] || { echo "check-package: no window titled Rota" >&2; exit 1; }
db="$home/.local/share/org.rota.desktop/rota.db"
[ -s "$db" ] || { echo "check-package: no sample database at $db" >&2; exit 1; }
colors=$(convert "$out/installed.png" -format %k info:)
[ "$colors" -gt 200 ] || { echo "check-package: the screenshot has only $colors colours (blank window?)" >&2; exit 1; }
echo "check-package: ok — window: $(sed 's/^ *//' "$out/window.txt" | cut -c1-80); sample database $(stat -c %s "$db") bytes; screenshot $out/installed.png ($colors colours)"
