#!/usr/bin/env bash
# Builds the test environment's server binaries once into .testenv/bin (git-ignored) and reuses them.
#   kube-apiserver, kube-controller-manager, kube-scheduler  k8s.io/kubernetes  (wrapper module, staging pins)
#   etcd                                                     go.etcd.io/etcd/server/v3
#   kwok                                                     sigs.k8s.io/kwok
#   argo, workflow-controller                                github.com/argoproj/argo-workflows/v3 (wrapper, vendored)
#   tofu                                                     github.com/opentofu/opentofu (wrapper)
#   terraform-provider-local, terraform-provider-kubernetes  their modules (the Metaflow fixture's providers)
#   dex                                                      github.com/dexidp/dex (wrapper, pseudo-version of a tag)
# Usage: build-binaries.sh [component...]   (default: all)
#        build-binaries.sh module-dir MODULE@VERSION
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${TESTENV_DIR:-$ROOT/.testenv}/bin"
WORK="${TESTENV_DIR:-$ROOT/.testenv}/build"

K8S_VERSION="v1.36.3"
K8S_BUILD="ldflags-version" # part of the cache stamp: change it when the build flags change
ETCD_VERSION="v3.6.16"
KWOK_VERSION="v0.8.0"
KWOK_BUILD="argo-stages-3" # part of the cache stamp: change it when the generated stages change
ARGO_VERSION="v3.7.1"
ARGO_BUILD="ldflags-version-2"
TOFU_VERSION="v1.12.6"
# hashicorp/local, for the Metaflow fixture's local_file (as the real module writes config.json). Its module declares
# the provider's old path; the module proxy serves v1.4.0 of it (newer tags are not served here).
LOCAL_PROVIDER_MODULE="github.com/terraform-providers/terraform-provider-local"
LOCAL_PROVIDER_VERSION="v1.4.0"
# hashicorp/kubernetes, for the Metaflow fixture's services (the Deployments and Services the real services module
# creates on AKS, here in the local cluster). v1.13.4 is the newest the module proxy serves under this path.
KUBERNETES_PROVIDER_MODULE="github.com/hashicorp/terraform-provider-kubernetes"
KUBERNETES_PROVIDER_VERSION="v1.13.4"
# Dex tags v2.x but its module path has no /v2, so the proxy serves a tag only as the pseudo-version of its commit.
DEX_TAG="v2.45.1"
DEX_VERSION="v0.0.0-20260303133905-11d2eeb52b42"

mkdir -p "$OUT" "$WORK"
export GOFLAGS="-trimpath"
export CGO_ENABLED=0

log() { echo "[build] $*" >&2; }
# A step that fails says which one: several send their own output to /dev/null, and set -e stops silently.
trap 'log "failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

# Go builds write the module cache, the build cache and (for Argo) a vendor tree: a full disk fails them midway,
# with messages that do not say so. Say it first.
NEEDED_MB=4096
disk_room() {
  local dir free_mb
  for dir in "$OUT" "$(go env GOMODCACHE)" "$(go env GOCACHE)"; do
    mkdir -p "$dir"
    free_mb="$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')"
    if [ "$free_mb" -lt "$NEEDED_MB" ]; then
      log "only ${free_mb} MB free for $dir; a first build needs about $NEEDED_MB MB (free some, or set TESTENV_DIR, GOMODCACHE or GOCACHE elsewhere)"
      exit 1
    fi
  done
}

# Progress on a first run (later runs reuse the binaries): which binary, how many are done, time since the first.
ALL_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok argo workflow-controller tofu
  terraform-provider-local terraform-provider-kubernetes dex)
building() {
  # $1 binary, $2 version
  disk_room
  local done=0 b
  for b in "${ALL_BINARIES[@]}"; do [ -f "$OUT/.$b.version" ] && done=$((done + 1)); done
  [ -f "$OUT/.build-started" ] || date +%s >"$OUT/.build-started"
  local elapsed=$(($(date +%s) - $(cat "$OUT/.build-started")))
  log "building $1 $2: binary $((done + 1)) of ${#ALL_BINARIES[@]}, $((elapsed / 60))m$((elapsed % 60))s so far (first run only; Go builds take minutes each)"
}

# module_field FIELD MODULE@VERSION: a field (Dir, GoMod) of the downloaded module; the proxy's own error otherwise
# (`go mod download -json` writes it to standard output, which a pipe would swallow).
module_field() {
  local json value
  json="$(go mod download -json "$2")" || { log "go mod download $2 failed: $json" && return 1; }
  value="$(sed -n "s/.*\"$1\": \"\(.*\)\",/\1/p" <<<"$json")"
  [ -n "$value" ] || { log "go mod download $2 gave no $1: $json" && return 1; }
  echo "$value"
}

stamp_ok() { [ -x "$OUT/$1" ] && [ "$(cat "$OUT/.$1.version" 2>/dev/null)" = "$2" ]; }
stamp() { echo "$2" >"$OUT/.$1.version"; }

# A module whose go.mod uses `replace` to local paths cannot be `go install`ed directly. Build it from a small
# wrapper module that requires it and maps each replaced module to its published version.
wrapper_module() {
  # $1 dir, $2 module, $3 version, $4 replace-version-for-staging (or empty)
  local dir="$1" mod="$2" ver="$3" staging_ver="$4"
  disk_room
  rm -rf "$dir" && mkdir -p "$dir"
  local modfile
  modfile="$(cd "$dir" && module_field GoMod "$mod@$ver")"
  {
    echo "module collate.local/testenv/$(basename "$dir")"
    echo
    echo "go $(sed -n 's/^go //p' "$modfile")"
    echo
    echo "require $mod $ver"
    echo
    echo "replace ("
    # Every `X => ./staging/...` or `X => ../...` in the upstream go.mod becomes `X => X <published version>`.
    sed -n 's#^\s*\([a-z0-9./-]*\) => \./staging/src/.*#\t\1 => \1 '"$staging_ver"'#p' "$modfile"
    # Non-local replaces are copied as they are.
    sed -n '/^replace (/,/^)/p' "$modfile" | grep -v '=> \.' | grep '=>' || true
    sed -n 's#^replace \(.*=> [^.].*\)#\t\1#p' "$modfile"
    echo ")"
  } >"$dir/go.mod"
}

build_kubernetes() {
  local names=(kube-apiserver kube-controller-manager kube-scheduler)
  local all_ok=1
  for n in "${names[@]}"; do stamp_ok "$n" "$K8S_VERSION+$K8S_BUILD" || all_ok=0; done
  [ "$all_ok" = 1 ] && return
  local staging="v0.${K8S_VERSION#v1.}"
  local dir="$WORK/kubernetes"
  wrapper_module "$dir" k8s.io/kubernetes "$K8S_VERSION" "$staging"
  cat >"$dir/tools.go" <<GO
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO
  (cd "$dir" && go mod tidy -e >/dev/null 2>&1 || true)
  # The version the binaries report (`/version`, kubectl version) is stamped at link time, as upstream's build does.
  local minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  local ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for n in "${names[@]}"; do
    building "$n" "$K8S_VERSION"
    (cd "$dir" && go build -tags tools -ldflags "$ldflags" -o "$OUT/$n" "k8s.io/kubernetes/cmd/$n")
    stamp "$n" "$K8S_VERSION+$K8S_BUILD"
  done
}

build_etcd() {
  stamp_ok etcd "$ETCD_VERSION" && return
  building etcd "$ETCD_VERSION"
  local dir="$WORK/etcd"
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && go mod init collate.local/testenv/etcd >/dev/null 2>&1 &&
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>&1 &&
    go build -o "$OUT/etcd" go.etcd.io/etcd/server/v3)
  stamp etcd "$ETCD_VERSION"
}

build_kwok() {
  stamp_ok kwok "$KWOK_VERSION+$KWOK_BUILD" && [ -f "$OUT/kwok-stages.yaml" ] && return
  building kwok "$KWOK_VERSION"
  GOBIN="$OUT" go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # The kwok binary has no built-in stages (kwokctl embeds them). Assemble its config from the stage files of
  # the same module version: nodes become Ready and keep a heartbeat, pods become Ready, Job pods complete,
  # deleted pods go away. One more stage completes the pods of Argo workflows, like a Job's.
  local mod
  mod="$(module_field Dir "sigs.k8s.io/kwok@$KWOK_VERSION")"
  {
    for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml pod/fast/pod-ready.yaml \
      pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      echo "---"
      cat "$mod/kustomize/stage/$f"
    done
    argo_pod_stages
  } >"$OUT/kwok-stages.yaml"
  stamp kwok "$KWOK_VERSION+$KWOK_BUILD"
}

# The pods of Argo workflows end as a Job's do (like kwok's pod-complete stage, for owner kind Workflow): with exit
# code 0, or, for a pod annotated `testenv.collate.io/exit-code` (an Argo template's metadata.annotations reach its
# pod), with that exit code in its `main` container, so Argo records a real failed step ("Error (exit code 1)").
argo_pod_stages() {
  # A failing step runs a while before it fails, as a real one does: long enough to be seen running again after a retry.
  local kind FAILING_STEP_MS=15000
  for kind in complete fail; do
    cat <<STAGE
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: argo-workflow-pod-$kind
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Running'
    - key: '.metadata.ownerReferences.[].kind'
      operator: 'In'
      values:
      - 'Workflow'
    - key: '.metadata.annotations["testenv.collate.io/exit-code"]'
      operator: '$([ "$kind" = complete ] && echo DoesNotExist || echo Exists)'
$([ "$kind" = fail ] && printf '  delay:\n    durationMilliseconds: %s\n' "$FAILING_STEP_MS")
  next:
    statusTemplate: |
      {{ \$now := Now }}
      {{ \$code := or (index .metadata.annotations "testenv.collate.io/exit-code") "0" }}
      containerStatuses:
      {{ range \$index, \$item := .spec.containers }}
      - image: {{ \$item.image | Quote }}
        name: {{ \$item.name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: {{ if eq \$item.name "main" }}{{ \$code }}{{ else }}0{{ end }}
            finishedAt: {{ \$now | Quote }}
            reason: {{ if and (eq \$item.name "main") (ne \$code "0") }}Error{{ else }}Completed{{ end }}
            startedAt: {{ \$now | Quote }}
      {{ end }}
      phase: $([ "$kind" = complete ] && echo Succeeded || echo Failed)
STAGE
  done
}

build_argo() {
  stamp_ok argo "$ARGO_VERSION+$ARGO_BUILD" && stamp_ok workflow-controller "$ARGO_VERSION+$ARGO_BUILD" && return
  local dir="$WORK/argo"
  wrapper_module "$dir" github.com/argoproj/argo-workflows/v3 "$ARGO_VERSION" ""
  cat >"$dir/tools.go" <<GO
//go:build tools

package tools

import (
	_ "github.com/argoproj/argo-workflows/v3/cmd/argo"
	_ "github.com/argoproj/argo-workflows/v3/cmd/workflow-controller"
)
GO
  (cd "$dir" && go mod tidy -e >/dev/null 2>&1 || true)
  # The server embeds the built UI (ui/dist/app), which the published module does not contain. Vendor the
  # module and put a one-page placeholder where the UI would be; the API server does not need the UI.
  # (Its one expected complaint is that embed; anything else is shown.)
  (cd "$dir" && go mod vendor -e 2>"$dir/vendor.log") || { cat "$dir/vendor.log" >&2 && return 1; }
  local ui="$dir/vendor/github.com/argoproj/argo-workflows/v3/ui/dist/app"
  mkdir -p "$ui"
  echo '<!doctype html><title>Argo Workflows API (test environment, no UI)</title>' >"$ui/index.html"
  # Version stamped at link time, as upstream's Makefile does (`/api/v1/version` reports it).
  local p=github.com/argoproj/argo-workflows/v3
  # The module zip carries no commit hash: gitCommit names the module release it was built from.
  local ldflags="-X $p.version=$ARGO_VERSION -X $p.gitTag=$ARGO_VERSION -X $p.gitCommit=module-$ARGO_VERSION -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  for n in argo workflow-controller; do
    building "$n" "$ARGO_VERSION"
    (cd "$dir" && go build -mod=vendor -tags tools -ldflags "$ldflags" -o "$OUT/$n" "$p/cmd/$n")
    stamp "$n" "$ARGO_VERSION+$ARGO_BUILD"
  done
  # The vendor tree (some 360 MB) is only needed for these two builds.
  rm -rf "$dir/vendor"
}

# One command of a module built through a wrapper module (see wrapper_module), with a version stamped at link time.
#   build_wrapped BINARY MODULE MODULE_VERSION PACKAGE STAMP LDFLAGS
build_wrapped() {
  local name="$1" mod="$2" ver="$3" pkg="$4" stampv="$5" ldflags="$6"
  stamp_ok "$name" "$stampv" && return
  local dir="$WORK/$name"
  wrapper_module "$dir" "$mod" "$ver" ""
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >"$dir/tools.go"
  (cd "$dir" && go mod tidy -e >/dev/null 2>&1 || true)
  building "$name" "$stampv"
  (cd "$dir" && go build -ldflags "$ldflags" -o "$OUT/$name" "$pkg")
  stamp "$name" "$stampv"
}

# OpenTofu for collate:terraform:apply tests, and the providers the Metaflow fixture uses (providers cannot be
# downloaded from a registry here) in a filesystem mirror, with the CLI configuration that points OpenTofu at it
# (.testenv/terraform/cli.tfrc).
build_tofu() {
  build_wrapped tofu github.com/opentofu/opentofu "$TOFU_VERSION" github.com/opentofu/opentofu/cmd/tofu \
    "$TOFU_VERSION" "-X github.com/opentofu/opentofu/version.dev=no"
  if ! stamp_ok terraform-provider-local "$LOCAL_PROVIDER_VERSION"; then
    building terraform-provider-local "$LOCAL_PROVIDER_VERSION"
    GOBIN="$OUT" go install "$LOCAL_PROVIDER_MODULE@$LOCAL_PROVIDER_VERSION"
    stamp terraform-provider-local "$LOCAL_PROVIDER_VERSION"
  fi
  if ! stamp_ok terraform-provider-kubernetes "$KUBERNETES_PROVIDER_VERSION"; then
    local dir="$WORK/terraform-provider-kubernetes"
    wrapper_module "$dir" "$KUBERNETES_PROVIDER_MODULE" "$KUBERNETES_PROVIDER_VERSION" ""
    # A dependency's old vanity path is not served; its code lives on under this module path.
    (cd "$dir" && go mod edit -replace vbom.ml/util=github.com/fvbommel/util@v0.0.3)
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$KUBERNETES_PROVIDER_MODULE" >"$dir/tools.go"
    (cd "$dir" && go mod tidy -e >/dev/null 2>&1 || true)
    building terraform-provider-kubernetes "$KUBERNETES_PROVIDER_VERSION"
    (cd "$dir" && go build -o "$OUT/terraform-provider-kubernetes" "$KUBERNETES_PROVIDER_MODULE")
    stamp terraform-provider-kubernetes "$KUBERNETES_PROVIDER_VERSION"
  fi
  local tf
  tf="$(dirname "$OUT")/terraform"
  rm -rf "$tf/mirror"
  mirror_provider "$tf" local "$LOCAL_PROVIDER_VERSION"
  mirror_provider "$tf" kubernetes "$KUBERNETES_PROVIDER_VERSION"
  chmod -R a+rX "$tf"
  cat >"$tf/cli.tfrc" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "$tf/mirror"
    include = ["registry.opentofu.org/hashicorp/local", "registry.opentofu.org/hashicorp/kubernetes"]
  }
  direct {
    exclude = ["registry.opentofu.org/hashicorp/local", "registry.opentofu.org/hashicorp/kubernetes"]
  }
}
TFRC
}

# mirror_provider TERRAFORM_DIR NAME VERSION: the built provider where OpenTofu's filesystem mirror looks for it.
mirror_provider() {
  local dir="$1/mirror/registry.opentofu.org/hashicorp/$2/${3#v}/linux_amd64"
  mkdir -p "$dir"
  cp "$OUT/terraform-provider-$2" "$dir/terraform-provider-$2_$3"
}

# Dex, the OpenID Connect provider the production-like portal signs in through (memory storage, no cgo needed).
build_dex() {
  build_wrapped dex github.com/dexidp/dex "$DEX_VERSION" github.com/dexidp/dex/cmd/dex "$DEX_TAG+ldflags-version" \
    "-X main.version=$DEX_TAG"
}

# `build-binaries.sh module-dir MODULE@VERSION`: where the module's source is (downloaded if needed), for the
# components that read files of a module they run (argo.sh: the CRDs).
if [ "${1:-}" = module-dir ]; then
  module_field Dir "$2"
  exit
fi

components=("$@")
[ ${#components[@]} -eq 0 ] && components=(kubernetes etcd kwok argo tofu dex)
for c in "${components[@]}"; do "build_$c"; done
log "binaries in $OUT"
