#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite (Debian's `postgresql` package).
#
#   scripts/pg-test-server.sh start DIR   # initdb into DIR/data, start on a free 127.0.0.1 port;
#                                         #   prints the URL (postgres://rota@127.0.0.1:PORT/postgres)
#   scripts/pg-test-server.sh stop DIR    # stops the server and removes DIR
#
# The server runs as an unprivileged user: the current one, or (when run as root, as in CI) the
# system user `rota-pg`, created on first use. It listens on 127.0.0.1 only, trusts local
# connections (a test server: no password), keeps its socket inside DIR and runs with fsync off.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

bindir=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && bindir="$d"
done
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
  bindir="$(dirname "$(command -v initdb)")"
fi

as_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u rota-pg -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
start)
  if [ -z "$bindir" ]; then
    echo "pg-test-server: PostgreSQL not found (install Debian's postgresql package: scripts/setup.sh)" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ] && ! id rota-pg >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin rota-pg
  fi
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown rota-pg "$dir"
  chmod 700 "$dir"
  as_user "$bindir/initdb" -D "$dir/data" -U rota --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # A free port: try random ones until the server starts on one.
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 30000))
    if as_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      echo "postgres://rota@127.0.0.1:$port/postgres"
      exit 0
    fi
  done
  echo "pg-test-server: the server did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
  ;;
stop)
  if [ -d "$dir/data" ] && [ -n "$bindir" ]; then
    as_user "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
