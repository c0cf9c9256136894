#!/usr/bin/env bash
# The real Metaflow client (PyPI metaflow) with the Azure and Kubernetes libraries its Azure datastore and its
# `argo-workflows create` use, in a virtualenv under .testenv/metaflow; installed once per pinned set, nothing runs.
# The client test runs a flow with the configuration the Metaflow fixture writes (the template hands it out as is).
#   metaflow.sh up|down|status|env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/metaflow"
LOG_PREFIX=metaflow
# The newest served when pinned; what END_USER_SETUP_INSTRUCTIONS asks users to install (azure-storage-blob,
# azure-identity) and what `argo-workflows create` imports (kubernetes; 37 needs python-dateutil 4, which botocore,
# a metaflow dependency, refuses: pip backtracks for minutes).
PACKAGES=(metaflow==2.19.39 azure-storage-blob==12.31.1 azure-identity==1.27.0 kubernetes==36.0.0)
VENV="$STATE/venv"

case "${1:-}" in
  up)
    if [ "$(cat "$VENV/.packages" 2>/dev/null)" != "${PACKAGES[*]}" ]; then
      log "installing ${PACKAGES[*]} into $VENV"
      rm -rf "$VENV"
      python3 -m venv "$VENV"
      "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PACKAGES[@]}"
      echo "${PACKAGES[*]}" >"$VENV/.packages"
    fi
    log "up: $VENV"
    ;;
  down) ;;
  status)
    if [ "$(cat "$VENV/.packages" 2>/dev/null)" = "${PACKAGES[*]}" ]; then echo "metaflow: $VENV"; else echo "metaflow: not installed"; fi
    ;;
  env) echo "export COLLATE_TEST_METAFLOW_PYTHON=$VENV/bin/python" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
