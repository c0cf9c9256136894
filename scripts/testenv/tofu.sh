#!/usr/bin/env bash
# OpenTofu for the collate:terraform:apply tests: built once from its Go module into .testenv/bin (nothing runs), with
# the hashicorp/local provider in a filesystem mirror and the CLI configuration that uses it (.testenv/terraform).
#   tofu.sh up|down|status|env
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/tofu"
LOG_PREFIX=tofu

case "${1:-}" in
  up) "$ROOT/scripts/testenv/build-binaries.sh" tofu ;;
  down) ;;
  status) [ -x "$BIN/tofu" ] && echo "tofu: $BIN/tofu" || echo "tofu: not built" ;;
  env)
    echo "export COLLATE_TEST_TOFU_BIN=$BIN/tofu"
    echo "export COLLATE_TEST_TF_CLI_CONFIG=$TESTENV_DIR/terraform/cli.tfrc"
    ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
