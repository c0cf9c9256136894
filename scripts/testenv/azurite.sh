#!/usr/bin/env bash
# The Azure Storage emulator: Azurite's blob service (from npm, under .testenv/azurite) on loopback, twice:
#   - azurite: plain HTTP, shared key, the well-known development account (the Terraform state backend);
#   - azurite-oauth: HTTPS with Entra ID bearer tokens (`--oauth basic`: issuer, audience and lifetime checked, the
#     signature not), in memory, with a pool of accounts the ARM contract server hands out as the blob endpoints of
#     the storage accounts it creates: the data plane the storage actions read as Backstage's own identity; and
#     one more account, the Metaflow fixture's storage account on the local plane (its datastore).
#   azurite.sh up|down|status|env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/azurite"
LOG_PREFIX=azurite
AZURITE_VERSION="3.36.0" # 3.37 needs @azure/monitor-opentelemetry ^1.20.1, not published on the registry mirror
PORT="${COLLATE_TEST_AZURITE_PORT:-10000}"
OAUTH_PORT="${COLLATE_TEST_AZURITE_OAUTH_PORT:-10001}"
OAUTH_ACCOUNTS=(collatepool1 collatepool2 collatepool3 collatepool4 collatepool5 collatepool6)
METAFLOW_ACCOUNT=metaflowlocal
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
    --location "$STATE/data" --skipApiVersionCheck --loose --disableProductStyleUrl --disableTelemetry
  local tls="$TESTENV_DIR/tls" accounts="" a
  [ -f "$tls/server.crt" ] || "$(dirname "${BASH_SOURCE[0]}")/tls.sh" up
  # Shared keys are required by the account list's format; the OAuth instance is only ever called with tokens.
  for a in "${OAUTH_ACCOUNTS[@]}" "$METAFLOW_ACCOUNT"; do accounts+="$a:$(printf '%s' "$a" | sha256sum | cut -c1-32 | base64 -w0);"; done
  AZURITE_ACCOUNTS="$accounts" start azurite-oauth node "$PKG/node_modules/azurite/dist/src/blob/main.js" \
    --blobHost 127.0.0.1 --blobPort "$OAUTH_PORT" --inMemoryPersistence --skipApiVersionCheck --loose \
    --disableProductStyleUrl --disableTelemetry --oauth basic --cert "$tls/server.crt" --key "$tls/server.key"
  wait_until azurite 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"
  wait_until azurite-oauth 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$OAUTH_PORT"
  log "up: http://127.0.0.1:$PORT/devstoreaccount1, https://127.0.0.1:$OAUTH_PORT (OAuth)"
}

case "${1:-}" in
  up) up ;;
  down) stop azurite-oauth; stop azurite ;;
  status)
    status_line azurite "http://127.0.0.1:$PORT/devstoreaccount1"
    status_line azurite-oauth "https://127.0.0.1:$OAUTH_PORT"
    ;;
  env)
    # Azurite's documented well-known development account (the same in every Azurite install).
    echo "export COLLATE_TEST_AZURITE_BLOB_URL=http://127.0.0.1:$PORT/devstoreaccount1"
    echo "export COLLATE_TEST_AZURITE_ACCOUNT=devstoreaccount1"
    echo "export COLLATE_TEST_AZURITE_OAUTH_URL=https://127.0.0.1:$OAUTH_PORT"
    echo "export COLLATE_TEST_AZURITE_OAUTH_ACCOUNTS=$(IFS=,; echo "${OAUTH_ACCOUNTS[*]}")"
    echo "export COLLATE_TEST_METAFLOW_BLOB_ENDPOINT=https://127.0.0.1:$OAUTH_PORT/$METAFLOW_ACCOUNT/"
    ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
