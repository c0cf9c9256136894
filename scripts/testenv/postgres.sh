#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for tests: Debian's PostgreSQL, its own data directory under
# .testenv/postgres, started and stopped by PID.
#   postgres.sh up|down|status|env
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TESTENV_DIR="${TESTENV_DIR:-$ROOT/.testenv}"
PG_DIR="$TESTENV_DIR/postgres"
PG_PORT="${COLLATE_TEST_PG_PORT:-55432}"
PG_USER="backstage"
# A fixed, obviously local-only password: the server listens on 127.0.0.1 only and is deleted with .testenv.
PG_PASSWORD="backstage-test-only"

log() { echo "[postgres] $*" >&2; }

pg_bin() {
  local initdb
  initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -z "$initdb" ]; then
    log "installing Debian's postgresql"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    else
      log "PostgreSQL is not installed and this user cannot install it: apt-get install postgresql" && exit 1
    fi
    initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)"
  fi
  dirname "$initdb"
}

# PostgreSQL refuses to run as root; run its binaries as the `postgres` system user in that case.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pid() { head -n1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true; }
# An exited but unreaped postmaster (a zombie, where nothing reaps orphans) counts as stopped.
pid_running() { kill -0 "$1" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }
running() { local p; p="$(pid)"; [ -n "$p" ] && pid_running "$p"; }

up() {
  local bin; bin="$(pg_bin)"
  if running; then log "already running (pid $(pid)) on 127.0.0.1:$PG_PORT"; return; fi
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    local pwfile="$PG_DIR/pwfile"
    echo "$PG_PASSWORD" >"$pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
    as_pg "$bin/initdb" -D "$PG_DIR/data" -U "$PG_USER" --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 >/dev/null
    rm -f "$pwfile"
  fi
  as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  log "up (pid $(pid)) on 127.0.0.1:$PG_PORT"
}

down() {
  local p; p="$(pid)"
  if [ -z "$p" ] || ! pid_running "$p"; then log "not running"; return; fi
  kill -INT "$p"
  for _ in $(seq 1 100); do pid_running "$p" || { log "stopped (pid $p)"; return; }; sleep 0.1; done
  log "pid $p did not stop" && exit 1
}

status() { if running; then echo "postgres: running (pid $(pid)) 127.0.0.1:$PG_PORT"; else echo "postgres: stopped"; fi; }

env_vars() {
  echo "export COLLATE_TEST_PG_HOST=127.0.0.1"
  echo "export COLLATE_TEST_PG_PORT=$PG_PORT"
  echo "export COLLATE_TEST_PG_USER=$PG_USER"
  echo "export COLLATE_TEST_PG_PASSWORD=$PG_PASSWORD"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) env_vars ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
