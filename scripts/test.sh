#!/usr/bin/env bash
# Runs every test. When the PostgreSQL server binaries are installed and
# SP_TEST_POSTGRES_URL is not set, it starts a throwaway cluster on loopback so
# that the store suite runs on PostgreSQL as well as SQLite; otherwise it says
# loudly that the PostgreSQL tests are skipped.
# Extra arguments go to `go test` (e.g. scripts/test.sh -run Store -v).
set -euo pipefail
cd "$(dirname "$0")/.."

find_pg_bin() {
  local d
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

pgdir=""
cleanup() {
  if [ -n "$pgdir" ] && [ -d "$pgdir" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
trap cleanup EXIT

as_pg() {
  # initdb and postgres refuse to run as root: use the postgres account.
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ -z "${SP_TEST_POSTGRES_URL:-}" ]; then
  if pgbin=$(find_pg_bin) && { [ "$(id -u)" != 0 ] || id postgres >/dev/null 2>&1; }; then
    pgdir=$(mktemp -d /tmp/safetynet-pg.XXXXXX)
    chmod 755 "$pgdir"
    [ "$(id -u)" = 0 ] && chown postgres "$pgdir"
    as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 \
      || { cat "$pgdir/initdb.log"; exit 1; }
    started=""
    for _ in 1 2 3 4 5; do
      port=$((20000 + RANDOM % 30000))
      if as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 30 \
          -o "-h 127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null; then
        started=1; break
      fi
    done
    if [ -z "$started" ]; then cat "$pgdir/server.log"; echo "could not start the throwaway PostgreSQL" >&2; exit 1; fi
    export SP_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    echo "== PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') throwaway cluster on 127.0.0.1:$port: store tests run on SQLite and PostgreSQL"
  else
    echo "!!"
    echo "!! PostgreSQL server binaries (initdb, pg_ctl) not found: the PostgreSQL tests are SKIPPED."
    echo "!! Install Debian's postgresql package (CI does: .ci/run) or set SP_TEST_POSTGRES_URL."
    echo "!!"
  fi
else
  echo "== using PostgreSQL at SP_TEST_POSTGRES_URL"
fi

if command -v chromium >/dev/null 2>&1 || [ -n "${SP_CHROMIUM:-}" ]; then
  echo "== $(chromium --version 2>/dev/null || echo "$SP_CHROMIUM"): the console's browser tests run headless"
else
  echo "!!"
  echo "!! chromium not found: the console's browser tests are SKIPPED."
  echo "!! Install Debian's chromium package (CI does: .ci/run) or set SP_CHROMIUM."
  echo "!!"
fi

go vet ./...
go test -count=1 -timeout 45m "$@" ./...
