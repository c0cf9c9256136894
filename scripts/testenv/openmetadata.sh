#!/usr/bin/env bash
# OpenMetadata's own models and Python client, one virtualenv per supported line (PyPI openmetadata-ingestion, which
# ships the pydantic models generated from the server's JSON Schemas and the real client, `OpenMetadata`), under
# .testenv/openmetadata/<line>. Installed once per pinned version; nothing runs. The contract tests validate the
# Collate contract server's answers with these models and drive it with this client.
#   openmetadata.sh up|down|status|env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/openmetadata"
LOG_PREFIX=openmetadata
# The newest patch of each line served today; bump together with packages/testenv/src/openmetadata.ts.
VERSIONS=(1.12.3.0 1.13.6.3 2.0.7.0)
# Its metadata lacks cachetools, which the client imports; dbt-core 1.12 breaks its dbt models' import.
PINS=("dbt-core<1.12" "cachetools")

line_of() { echo "$1" | cut -d. -f1-2; }

install() {
  local version="$1" venv
  venv="$STATE/$(line_of "$version")/venv"
  [ "$(cat "$venv/.version" 2>/dev/null)" = "$version" ] && return
  log "installing openmetadata-ingestion==$version into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "openmetadata-ingestion==$version" "${PINS[@]}"
  echo "$version" >"$venv/.version"
}

case "${1:-}" in
  up)
    # One at a time: two cores, and pip's resolver is the slow part.
    for v in "${VERSIONS[@]}"; do install "$v"; done
    log "up: ${VERSIONS[*]}"
    ;;
  down) ;;
  status)
    for v in "${VERSIONS[@]}"; do
      venv="$STATE/$(line_of "$v")/venv"
      if [ "$(cat "$venv/.version" 2>/dev/null)" = "$v" ]; then echo "openmetadata $v: $venv"; else echo "openmetadata $v: not installed"; fi
    done
    ;;
  env)
    echo "export COLLATE_TEST_OPENMETADATA_DIR=$STATE"
    ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
