#!/usr/bin/env bash
# Dex, a real OpenID Connect provider, on loopback: the production-like portal signs in through it. Two users in its
# password database (a deployer and someone else; the browser test's catalog file makes them catalog Users) and one
# client, the portal's backend. Memory storage: nothing outlives the process.
#   dex.sh up|down|status|env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/dex"
LOG_PREFIX=dex
PORT="${COLLATE_TEST_DEX_PORT:-5556}"
ISSUER="http://127.0.0.1:$PORT/dex"
# Fixed, obviously local-only credentials: Dex listens on 127.0.0.1 only. The hashes are bcrypt of the passwords.
CLIENT_ID="backstage-portal"
CLIENT_SECRET="backstage-portal-test-only"
ALICE_PASSWORD="alice-test-only"
ALICE_HASH='$2a$10$B448GCuBK7pQFdDu45J/k.omHQboQ5xTNAXHCgfPTXogn7oQ2Ma4u'
BOB_PASSWORD="bob-test-only"
BOB_HASH='$2a$10$iNZk.9D.cbeyzSTwBfrOS.nWT9f2ooO6PjMz8eHaDeANs1gCXGv/G'
# The portal's backend (production-like: it serves the app on the same origin).
PORTAL_URL="${COLLATE_TEST_PORTAL_URL:-http://localhost:7007}"

up() {
  "$ROOT/scripts/testenv/build-binaries.sh" dex
  mkdir -p "$STATE"
  cat >"$STATE/config.yaml" <<YAML
issuer: $ISSUER
storage:
  type: memory
web:
  http: 127.0.0.1:$PORT
oauth2:
  skipApprovalScreen: true
  responseTypes: [code]
enablePasswordDB: true
staticClients:
  - id: $CLIENT_ID
    name: Collate Developer Portal
    secret: $CLIENT_SECRET
    redirectURIs:
      - $PORTAL_URL/api/auth/oidc/handler/frame
staticPasswords:
  - email: alice@example.com
    username: alice
    userID: 7b1c3a52-0d0e-4c53-9b8e-5a3f0c1d2e01
    hash: '$ALICE_HASH'
  - email: bob@example.com
    username: bob
    userID: 7b1c3a52-0d0e-4c53-9b8e-5a3f0c1d2e02
    hash: '$BOB_HASH'
YAML
  start dex "$BIN/dex" serve "$STATE/config.yaml"
  wait_until dex 30 http_ok "$ISSUER/.well-known/openid-configuration"
  log "up: $ISSUER"
}

case "${1:-}" in
  up) up ;;
  down) stop dex ;;
  status) status_line dex "$ISSUER" ;;
  env)
    echo "export COLLATE_TEST_DEX_METADATA_URL=$ISSUER/.well-known/openid-configuration"
    echo "export COLLATE_TEST_DEX_CLIENT_ID=$CLIENT_ID"
    echo "export COLLATE_TEST_DEX_CLIENT_SECRET=$CLIENT_SECRET"
    echo "export COLLATE_TEST_DEX_DEPLOYER=alice@example.com:$ALICE_PASSWORD"
    echo "export COLLATE_TEST_DEX_OTHER=bob@example.com:$BOB_PASSWORD"
    ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
