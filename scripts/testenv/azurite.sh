#!/usr/bin/env bash
# The Azure Storage emulator: Azurite's blob service (from npm, under .testenv/azurite) on loopback.
#   azurite.sh up|down|status|env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/azurite"
LOG_PREFIX=azurite
AZURITE_VERSION="3.36.0" # 3.37 needs @azure/monitor-opentelemetry ^1.20.1, not published on the registry mirror
PORT="${COLLATE_TEST_AZURITE_PORT:-10000}"
PKG="$STATE/pkg"

install() {
  [ -x "$PKG/node_modules/.bin/azurite-blob" ] && [ "$(cat "$PKG/.version" 2>/dev/null)" = "$AZURITE_VERSION" ] && return
  log "installing azurite@$AZURITE_VERSION into $PKG"
  rm -rf "$PKG" && mkdir -p "$PKG"
  npm_config_nodedir= npm install --prefix "$PKG" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "azurite@$AZURITE_VERSION" >&2
  echo "$AZURITE_VERSION" >"$PKG/.version"
}

up() {
  install
  mkdir -p "$STATE/data"
  start azurite node "$PKG/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$PORT" \
    --location "$STATE/data" --skipApiVersionCheck --loose --disableProductStyleUrl
  wait_until azurite 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"
  log "up: http://127.0.0.1:$PORT/devstoreaccount1"
}

case "${1:-}" in
  up) up ;;
  down) stop azurite ;;
  status) status_line azurite "http://127.0.0.1:$PORT/devstoreaccount1" ;;
  env)
    # Azurite's documented well-known development account (the same in every Azurite install).
    echo "export COLLATE_TEST_AZURITE_BLOB_URL=http://127.0.0.1:$PORT/devstoreaccount1"
    echo "export COLLATE_TEST_AZURITE_ACCOUNT=devstoreaccount1"
    ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
