#!/usr/bin/env bash
# A local CA and a loopback server certificate for the HTTPS contract servers (the Azure SDK only sends bearer
# tokens over HTTPS). Node processes trust the CA through NODE_EXTRA_CA_CERTS (a bundle of the system's roots
# and this CA), exported by `env`.
#   tls.sh up|down|status|env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/tls"
LOG_PREFIX=tls

up() {
  [ -f "$STATE/server.crt" ] && [ -f "$STATE/bundle.pem" ] && return
  mkdir -p "$STATE"
  cd "$STATE"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=collate-testenv-contract-ca" -keyout ca.key -out ca.crt 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile server.ext -out server.crt 2>/dev/null
  rm -f server.csr server.ext
  local roots=/etc/ssl/certs/ca-certificates.crt
  { [ -f "$roots" ] && cat "$roots"; cat ca.crt; } >bundle.pem
  log "CA and server certificate in $STATE"
}

case "${1:-}" in
  up) up ;;
  down) ;; # nothing runs
  status) [ -f "$STATE/server.crt" ] && echo "tls: $STATE" || echo "tls: not created" ;;
  env)
    echo "export COLLATE_TEST_TLS_CERT=$STATE/server.crt"
    echo "export COLLATE_TEST_TLS_KEY=$STATE/server.key"
    echo "export COLLATE_TEST_TLS_CA=$STATE/ca.crt"
    echo "export NODE_EXTRA_CA_CERTS=$STATE/bundle.pem"
    ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
