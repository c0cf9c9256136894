#!/usr/bin/env bash
# The AWS emulator: moto's server (from PyPI, in a virtualenv under .testenv/moto) on loopback, one endpoint for
# IAM, STS, EKS, S3 and ECR. The AWS SDK reaches it through AWS_ENDPOINT_URL, never through code paths.
#   moto.sh up|down|status|env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/moto"
LOG_PREFIX=moto
MOTO_VERSION="5.2.5"
PORT="${COLLATE_TEST_MOTO_PORT:-15000}"
VENV="$STATE/venv"

install() {
  [ "$(cat "$VENV/.version" 2>/dev/null)" = "$MOTO_VERSION" ] && return
  log "installing moto[server]==$MOTO_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
  echo "$MOTO_VERSION" >"$VENV/.version"
}

up() {
  install
  # AWS managed policies (arn:aws:iam::aws:policy/...) exist in every real account; moto loads them on request.
  start moto env MOTO_IAM_LOAD_MANAGED_POLICIES=true "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT"
  wait_until moto 60 http_ok "http://127.0.0.1:$PORT/moto-api/"
  log "up: http://127.0.0.1:$PORT"
}

case "${1:-}" in
  up) up ;;
  down) stop moto ;;
  status) status_line moto "http://127.0.0.1:$PORT" ;;
  env)
    echo "export COLLATE_TEST_AWS_ENDPOINT=http://127.0.0.1:$PORT"
    ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
