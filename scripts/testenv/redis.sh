#!/usr/bin/env bash
# A throw-away Redis on loopback for Backstage's shared cache (backend.cache.store: redis), as portals that run
# several backend replicas use: Debian's redis-server, no persistence, its own folder under .testenv/redis, started
# and stopped by PID.
#   redis.sh up|down|status|env
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/redis"
LOG_PREFIX=redis
REDIS_PORT="${COLLATE_TEST_REDIS_PORT:-56379}"
# A fixed, obviously local-only password: the server listens on 127.0.0.1 only and keeps nothing on disk.
REDIS_PASSWORD="redis-test-only"

redis_bin() {
  if ! command -v redis-server >/dev/null; then
    log "installing Debian's redis-server"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    else
      log "redis-server is not installed and this user cannot install it: apt-get install redis-server" && exit 1
    fi
  fi
  command -v redis-server
}

ping() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --no-auth-warning -a "$REDIS_PASSWORD" ping | grep -q PONG; }

up() {
  local bin; bin="$(redis_bin)"
  if alive redis-server; then log "already running (pid $(pid_of redis-server)) on 127.0.0.1:$REDIS_PORT"; return; fi
  mkdir -p "$STATE"
  # Started in the foreground of its own session (lib.sh's start): --daemonize would leave a PID the file does not hold.
  start redis-server "$bin" --bind 127.0.0.1 --port "$REDIS_PORT" --requirepass "$REDIS_PASSWORD" \
    --save '' --appendonly no --dir "$STATE" --protected-mode yes
  wait_until redis 30 ping
  log "up (pid $(pid_of redis-server)) on 127.0.0.1:$REDIS_PORT"
}

down() { stop redis-server; }

status() { status_line redis-server "127.0.0.1:$REDIS_PORT"; }

env_vars() {
  echo "export COLLATE_TEST_REDIS_URL=redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) env_vars ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
