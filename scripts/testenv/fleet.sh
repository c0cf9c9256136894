#!/usr/bin/env bash
# More clusters for a fleet: each its own kube-apiserver (its own storage: a prefix of the kubernetes component's
# etcd), controller manager, scheduler and KWOK with a fake worker node, the Argo CRDs, and a `backstage` service
# account whose token only that cluster accepts (its own service-account issuer). They share the environment's CA.
# Needs the kubernetes component up.
#   fleet.sh up|down|status|env
# COLLATE_TEST_FLEET_NAMES: their names (default "aks-fleet eks-fleet"); API servers on 16444 and up. (`env` exports
# COLLATE_TEST_FLEET_CLUSTERS, comma-separated name=url, for the tests.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/fleet"
LOG_PREFIX=fleet
read -r -a CLUSTERS <<<"${COLLATE_TEST_FLEET_NAMES:-aks-fleet eks-fleet}"
FIRST_PORT=16444
ETCD_PORT=23791
PKI="$TESTENV_DIR/kubernetes/pki"
KUBECTL="${KUBECTL_BIN:-kubectl}"

port_of() { echo $((FIRST_PORT + $1)); }

cluster_up() {
  # $1 cluster, $2 index
  local name="$1" port dir kc
  port="$(port_of "$2")"
  dir="$STATE/$name"
  mkdir -p "$dir"
  write_kubeconfig "$dir/admin.kubeconfig" "$name" "https://127.0.0.1:$port" "$PKI"
  kc="$dir/admin.kubeconfig"
  start "kube-apiserver-$name" "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix "/fleet-$name" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" \
    --cert-dir "$dir/apiserver-certs" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" --authorization-mode Node,RBAC \
    --service-account-issuer "https://$name.fleet.collate.test" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --api-audiences "https://$name.fleet.collate.test" \
    --service-cluster-ip-range 10.96.0.0/16 --allow-privileged=true \
    --enable-priority-and-fairness=false --profiling=false
  wait_until "kube-apiserver-$name" 60 "$KUBECTL" --kubeconfig "$kc" get --raw /readyz
  start "kube-controller-manager-$name" "$BIN/kube-controller-manager" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address 127.0.0.1 --secure-port 0 \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials=true --leader-elect=false \
    --controllers '*,-nodeipam,-cloud-node-lifecycle,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-ttl,-csrsigning'
  start "kube-scheduler-$name" "$BIN/kube-scheduler" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false
  start "kwok-$name" "$BIN/kwok" --kubeconfig "$kc" --config "$BIN/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip "10.1.$2.1" --cidr "10.$((60 + $2)).0.0/16" --server-address 127.0.0.1:0
  "$KUBECTL" --kubeconfig "$kc" apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $name-worker-0
  annotations: { kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0" }
  labels: { kubernetes.io/hostname: $name-worker-0, kubernetes.io/os: linux, type: kwok }
spec: {}
status:
  allocatable: { cpu: "4", memory: 16Gi, pods: "110" }
  capacity: { cpu: "4", memory: 16Gi, pods: "110" }
NODE
  "$ROOT/scripts/testenv/argo.sh" crds "$kc"
  # Backstage's identity on this cluster, as on the kubernetes component's: its token works here only.
  "$KUBECTL" --kubeconfig "$kc" -n kube-system create serviceaccount backstage --dry-run=client -o yaml |
    "$KUBECTL" --kubeconfig "$kc" apply -f - >/dev/null
  "$KUBECTL" --kubeconfig "$kc" create clusterrolebinding backstage-cluster-admin --clusterrole cluster-admin \
    --serviceaccount kube-system:backstage --dry-run=client -o yaml | "$KUBECTL" --kubeconfig "$kc" apply -f - >/dev/null
  "$KUBECTL" --kubeconfig "$kc" -n kube-system apply -f - >/dev/null <<SECRET
apiVersion: v1
kind: Secret
metadata:
  name: backstage-token
  annotations: { kubernetes.io/service-account.name: backstage }
type: kubernetes.io/service-account-token
SECRET
  local t=""
  for _ in $(seq 1 300); do
    t="$("$KUBECTL" --kubeconfig "$kc" -n kube-system get secret backstage-token -o 'jsonpath={.data.token}')"
    [ -n "$t" ] && break
    sleep 0.1
  done
  [ -n "$t" ] || { log "$name: no token for the backstage service account" && exit 1; }
  echo "$t" | base64 -d >"$dir/backstage.token"
  wait_until "$name node Ready" 60 "$KUBECTL" --kubeconfig "$kc" wait --for=condition=Ready node --all --timeout=1s
  wait_until "$name default service account" 60 "$KUBECTL" --kubeconfig "$kc" get serviceaccount default -n default
  log "up: $name https://127.0.0.1:$port"
}

up() {
  [ -f "$PKI/admin.crt" ] || { log "the kubernetes component is not up" && exit 1; }
  local i
  for i in "${!CLUSTERS[@]}"; do cluster_up "${CLUSTERS[$i]}" "$i"; done
}

down() {
  local name
  for name in "${CLUSTERS[@]}"; do
    stop "kube-controller-manager-$name"
    stop "kwok-$name"
    stop "kube-scheduler-$name"
    stop "kube-apiserver-$name"
  done
}

status() {
  local i name
  for i in "${!CLUSTERS[@]}"; do
    name="${CLUSTERS[$i]}"
    status_line "kube-apiserver-$name" "https://127.0.0.1:$(port_of "$i")"
  done
}

# The clusters as name=url, comma-separated: no quotes or spaces, so a shell's eval and a line parser read the same.
env_vars() {
  local i name lines=()
  for i in "${!CLUSTERS[@]}"; do
    name="${CLUSTERS[$i]}"
    lines+=("$name=https://127.0.0.1:$(port_of "$i")")
  done
  local IFS=,
  echo "export COLLATE_TEST_FLEET_CLUSTERS=${lines[*]}"
  echo "export COLLATE_TEST_FLEET_DIR=$STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) env_vars ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
