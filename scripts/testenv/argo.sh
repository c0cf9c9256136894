#!/usr/bin/env bash
# Argo Workflows on the local control plane: the CRDs from the argo-workflows module (the version the guides
# target), `argo server --auth-mode=server` and the workflow controller, both on loopback outside the cluster.
# The workflow archive is on, in the postgres component's `argo` database, as both Collate templates configure it:
# the controller archives completed workflows and the server answers /api/v1/archived-workflows from it.
# Needs the kubernetes and postgres components up.
#   argo.sh up|down|status|env|crds KUBECONFIG
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/argo"
LOG_PREFIX=argo
PORT="${COLLATE_TEST_ARGO_PORT:-12746}"
KUBECONFIG_FILE="$TESTENV_DIR/kubernetes/admin.kubeconfig"
ARGO_NAMESPACE=argo
ARCHIVE_DB=argo
ARGO_VERSION="$(sed -n 's/^ARGO_VERSION="\(.*\)"/\1/p' "$ROOT/scripts/testenv/build-binaries.sh")"

kc() { "${KUBECTL_BIN:-kubectl}" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

established() {
  [ "$(kc get crd "$1" -o 'jsonpath={.status.conditions[?(@.type=="Established")].status}')" = True ]
}

# crds [KUBECONFIG]: the Argo CRDs on the kubernetes component's cluster, or on another (the fleet's clusters).
crds() {
  local KUBECONFIG_FILE="${1:-$KUBECONFIG_FILE}"
  local mod
  mod="$("$ROOT/scripts/testenv/build-binaries.sh" module-dir "github.com/argoproj/argo-workflows/v3@$ARGO_VERSION")"
  # Server-side apply: the full CRDs exceed the client-side apply annotation limit.
  local f
  for f in "$mod"/manifests/base/crds/full/argoproj.io_*.yaml; do
    kc apply --server-side --force-conflicts --field-manager collate-testenv -f "$f" >/dev/null
  done
  # `kubectl wait` fails at once while a new CRD has no conditions yet: poll instead.
  local crd
  for crd in workflows.argoproj.io cronworkflows.argoproj.io workflowtaskresults.argoproj.io; do
    wait_until "CRD $crd" 60 established "$crd"
  done
}

# The archive's database and the controller configuration that points at it (the credentials in a Secret, as the
# Helm chart's `persistence.postgresql.userNameSecret`/`passwordSecret` do).
archive() {
  eval "$("$ROOT/scripts/testenv/postgres.sh" env)"
  local psql
  psql="$(ls -d /usr/lib/postgresql/*/bin/psql | sort -V | tail -n1)"
  if [ "$(PGPASSWORD="$COLLATE_TEST_PG_PASSWORD" "$psql" -h 127.0.0.1 -p "$COLLATE_TEST_PG_PORT" -U "$COLLATE_TEST_PG_USER" \
    -d postgres -tAc "select 1 from pg_database where datname = '$ARCHIVE_DB'")" != 1 ]; then
    PGPASSWORD="$COLLATE_TEST_PG_PASSWORD" "$psql" -h 127.0.0.1 -p "$COLLATE_TEST_PG_PORT" -U "$COLLATE_TEST_PG_USER" \
      -d postgres -qc "create database $ARCHIVE_DB" >/dev/null
  fi
  kc -n "$ARGO_NAMESPACE" create secret generic argo-postgres-config \
    --from-literal=username="$COLLATE_TEST_PG_USER" --from-literal=password="$COLLATE_TEST_PG_PASSWORD" \
    --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc -n "$ARGO_NAMESPACE" create configmap workflow-controller-configmap --from-literal=persistence="archive: true
postgresql:
  host: 127.0.0.1
  port: $COLLATE_TEST_PG_PORT
  database: $ARCHIVE_DB
  tableName: argo_workflows
  userNameSecret: {name: argo-postgres-config, key: username}
  passwordSecret: {name: argo-postgres-config, key: password}" --dry-run=client -o yaml | kc apply -f - >/dev/null
}

up() {
  [ -f "$KUBECONFIG_FILE" ] || { log "the kubernetes component is not up" && exit 1; }
  "$ROOT/scripts/testenv/build-binaries.sh" argo
  crds
  kc create namespace "$ARGO_NAMESPACE" --dry-run=client -o yaml | kc apply -f - >/dev/null
  archive
  start argo-server env ARGO_NAMESPACE="$ARGO_NAMESPACE" "$BIN/argo" server --kubeconfig "$KUBECONFIG_FILE" \
    --namespace "$ARGO_NAMESPACE" --auth-mode=server --secure=false --port "$PORT" --x-frame-options SAMEORIGIN
  start workflow-controller env LEADER_ELECTION_DISABLE=true "$BIN/workflow-controller" --kubeconfig "$KUBECONFIG_FILE" \
    --namespace "$ARGO_NAMESPACE" --executor-image "quay.io/argoproj/argoexec:$ARGO_VERSION"
  wait_until argo-server 60 http_ok "http://127.0.0.1:$PORT/api/v1/version"
  log "up: http://127.0.0.1:$PORT (argo $ARGO_VERSION)"
}

case "${1:-}" in
  up) up ;;
  crds)
    "$ROOT/scripts/testenv/build-binaries.sh" argo
    crds "${2:?usage: $0 crds KUBECONFIG}"
    ;;
  down)
    stop workflow-controller
    stop argo-server
    ;;
  status)
    status_line argo-server "http://127.0.0.1:$PORT"
    status_line workflow-controller ""
    ;;
  env) echo "export COLLATE_TEST_ARGO_URL=http://127.0.0.1:$PORT" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
