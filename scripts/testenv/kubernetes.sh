#!/usr/bin/env bash
# A real Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC, service-account issuer and signing
# key), kube-controller-manager, kube-scheduler, and KWOK with fake worker nodes so pods become Ready and
# complete without a kubelet. State, certificates and logs under .testenv/kubernetes; stopped by PID.
#   kubernetes.sh up|down|status|env
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
STATE="$TESTENV_DIR/kubernetes"
LOG_PREFIX=kubernetes
K="$STATE"
PKI="$K/pki"
ETCD_PORT=23791
ETCD_PEER_PORT=23801
API_PORT="${COLLATE_TEST_K8S_PORT:-16443}"
API_URL="https://127.0.0.1:$API_PORT"
SA_ISSUER="https://kubernetes.default.svc.cluster.local"
FAKE_NODES=(kwok-worker-0 kwok-worker-1 kwok-worker-2)
KUBELET_PORT=10250
# Token issuers the API server trusts besides its own service accounts (structured authentication configuration),
# for Backstage's `azure` and `oidc` cluster auth providers. Both run only while a test needs them: the ARM contract
# server's Entra endpoint (a fixed port and tenant) and a test OIDC issuer. The API server finds their keys when a
# token arrives.
ENTRA_PORT=16501
ENTRA_TENANT=7f3b6a2e-0c1d-4e5f-9a8b-1c2d3e4f5a6b
# The object id of the service principal Backstage runs as (AZURE_CLIENT_ID's principal), and the AKS AAD server
# application every AKS cluster's tokens are issued for.
ENTRA_BACKSTAGE_OID=3d1c7a52-96b4-4f0e-8a43-2b7e6f1d9c05
AKS_AAD_SERVER_APP=6dae42f8-4368-4678-94ff-3960e28e3630
OIDC_PORT=16502
OIDC_AUDIENCE=backstage
OIDC_VIEWER=viewer@collate.test
TLS_CA="$TESTENV_DIR/tls/ca.crt"
KUBECTL="${KUBECTL_BIN:-kubectl}"

pki() {
  [ -f "$PKI/admin.crt" ] && return
  mkdir -p "$PKI"
  cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=collate-testenv-ca" -keyout ca.key -out ca.crt 2>/dev/null
  cert() {
    # $1 name, $2 subject, $3 extensions
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
    printf '%s\n' "$3" >"$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
  }
  cert apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
  cert admin "/O=system:masters/CN=kubernetes-admin" "extendedKeyUsage=clientAuth"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
  kubelet_cert
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  cd - >/dev/null
}

# The serving certificate of the fake nodes' kubelet, which the pod network answers for (KWOK_NODE_IPS).
kubelet_cert() {
  [ -f "$PKI/kubelet.crt" ] && return
  (
    cd "$PKI"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kwok-kubelet" -keyout kubelet.key -out kubelet.csr 2>/dev/null
    printf 'subjectAltName=IP:10.0.0.1,IP:10.0.0.2,IP:10.0.0.3\nextendedKeyUsage=serverAuth\n' >kubelet.ext
    openssl x509 -req -in kubelet.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile kubelet.ext \
      -out kubelet.crt 2>/dev/null
    rm -f kubelet.csr kubelet.ext
  )
}

kubeconfig() { write_kubeconfig "$K/admin.kubeconfig" collate-testenv "$API_URL" "$PKI"; }

kc() { "$KUBECTL" --kubeconfig "$K/admin.kubeconfig" "$@"; }

authentication_config() {
  "$ROOT/scripts/testenv/tls.sh" up
  local ca
  ca="$(sed 's/^/        /' "$TLS_CA")"
  cat >"$K/authentication-config.yaml" <<CONFIG
apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
  # Microsoft Entra ID, as on an AKS cluster with Entra integration: the token's oid is the user.
  - issuer:
      url: https://127.0.0.1:$ENTRA_PORT/$ENTRA_TENANT/v2.0
      audiences: [$AKS_AAD_SERVER_APP]
      certificateAuthority: |
$ca
    claimMappings:
      username: { claim: oid, prefix: "aad:" }
  # A corporate OpenID Connect provider whose ID tokens the portal's users sign in with.
  - issuer:
      url: https://127.0.0.1:$OIDC_PORT
      audiences: [$OIDC_AUDIENCE]
      certificateAuthority: |
$ca
    claimMappings:
      username: { claim: email, prefix: "oidc:" }
      groups: { claim: groups, prefix: "oidc:" }
CONFIG
}

# RBAC for the identities of those issuers: Backstage's Entra service principal may do what its service account
# may; the OIDC viewer may only read what the status cards read.
token_identities() {
  kc create clusterrolebinding backstage-entra-cluster-admin --clusterrole cluster-admin \
    --user "aad:$ENTRA_BACKSTAGE_OID" --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc apply -f - >/dev/null <<RBAC
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: collate-status-reader
rules:
  - apiGroups: [""]
    resources: [pods, services, namespaces]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [pods/proxy]
    verbs: [get]
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get, list, watch]
  - apiGroups: [argoproj.io]
    resources: [workflows, cronworkflows]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: collate-status-reader-oidc-viewer
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: collate-status-reader }
subjects:
  - { apiGroup: rbac.authorization.k8s.io, kind: User, name: "oidc:$OIDC_VIEWER" }
RBAC
}

# Every write request is audited (metadata only), so tests can count what a run changed on the server side.
audit_policy() {
  cat >"$K/audit-policy.yaml" <<'POLICY'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
POLICY
}

# The identity the portal and the Collate actions use, like a real cluster's Backstage service account:
# cluster-admin, with a long-lived token written to $K/backstage.token.
backstage_service_account() {
  admin_service_account backstage "$K/backstage.token"
}

# The identity Terraform has on the local cluster when the Metaflow fixture's services module deploys into it, as
# the real module's Terraform is the admin of the AKS cluster it created: a kubeconfig of its own (never the
# backend's), $K/terraform.kubeconfig, readable by the sandbox's unprivileged user.
terraform_service_account() {
  admin_service_account metaflow-terraform "$K/terraform.token"
  cat >"$K/terraform.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster:
      server: $API_URL
      certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
  - name: metaflow-terraform
    user:
      token: $(cat "$K/terraform.token")
contexts:
  - name: local
    context: { cluster: local, user: metaflow-terraform }
current-context: local
KC
  chmod 0644 "$K/terraform.kubeconfig"
}

# admin_service_account NAME TOKEN_FILE: a kube-system service account bound to cluster-admin, its long-lived token
# written to TOKEN_FILE.
admin_service_account() {
  local name="$1" file="$2"
  kc -n kube-system create serviceaccount "$name" --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc create clusterrolebinding "$name-cluster-admin" --clusterrole cluster-admin \
    --serviceaccount "kube-system:$name" --dry-run=client -o yaml | kc apply -f - >/dev/null
  kc -n kube-system apply -f - >/dev/null <<SECRET
apiVersion: v1
kind: Secret
metadata:
  name: $name-token
  annotations:
    kubernetes.io/service-account.name: $name
type: kubernetes.io/service-account-token
SECRET
  wait_until "$name token" 30 kc -n kube-system get secret "$name-token" -o 'jsonpath={.data.token}' --allow-missing-template-keys=false
  local t=""
  for _ in $(seq 1 50); do
    t="$(kc -n kube-system get secret "$name-token" -o 'jsonpath={.data.token}')"
    [ -n "$t" ] && break
    sleep 0.1
  done
  echo "$t" | base64 -d >"$file"
}

fake_nodes() {
  # Worker nodes sized like the guides' minimum (4 vCPU, 16 GiB, 128 GiB storage), managed by KWOK.
  local n
  for n in "${FAKE_NODES[@]}"; do
    kc apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $n
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: $n
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    node-role.kubernetes.io/worker: ""
spec: {}
status:
  allocatable: { cpu: "4", memory: 16Gi, ephemeral-storage: 128Gi, pods: "110" }
  capacity: { cpu: "4", memory: 16Gi, ephemeral-storage: 128Gi, pods: "110" }
NODE
  done
}

# Each fake node gets its own InternalIP and kubelet port, where the API server (through the pod network) asks for
# logs: KWOK gives them all the one --node-ip.
node_addresses() {
  local i=1 n
  for n in "${FAKE_NODES[@]}"; do
    kc patch node "$n" --subresource=status --type=merge -p \
      "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.0.0.$i\"},{\"type\":\"Hostname\",\"address\":\"$n\"}],\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":$KUBELET_PORT}}}}" >/dev/null
    i=$((i + 1))
  done
}

# The pod network (packages/testenv/src/podNetwork.ts): the API server sends every connection into the cluster (pod and
# service proxies, kubelet calls) through it, as HTTP CONNECT on a Unix socket, and it answers for the containers it
# simulates (the runner's metrics). KWOK pods have no process behind their IPs, and the API server's proxies refuse
# loopback endpoints, so this is how `pods/{name}:{port}/proxy` reaches something here.
pod_network() {
  local node_transform="$ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs"
  [ -f "$node_transform" ] || { log "the pod network needs the project's node modules: run scripts/install first"; return 1; }
  cat >"$K/egress-selector.yaml" <<EGRESS
apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
  - name: cluster
    connection:
      proxyProtocol: HTTPConnect
      transport:
        uds:
          udsName: $K/pod-network.sock
EGRESS
  # It reaches the Collate contract servers the runner pods name, some over HTTPS with the environment's CA.
  kubelet_cert
  start pod-network env NODE_EXTRA_CA_CERTS="$TLS_CA" node --require "$node_transform" "$ROOT/packages/testenv/src/bin/pod-network.ts" \
    "$K/pod-network.sock" "$K/admin.kubeconfig" "$PKI/kubelet.crt" "$PKI/kubelet.key"
  wait_until "pod network" 30 test -S "$K/pod-network.sock"
}

# KWOK hands out pod IPs from an in-memory pool that starts empty on each start, while the pods of earlier starts keep
# theirs: a new range per start keeps every pod's IP unique, which the pod network finds pods by.
# 10.100.0.0/16 … 10.249.0.0/16, clear of the service range (10.96.0.0/16) and the nodes' IP.
pod_cidr() {
  local n
  n=$(($(cat "$K/kwok-starts" 2>/dev/null || echo 0) + 1))
  echo "$n" >"$K/kwok-starts"
  echo "10.$((100 + n % 150)).0.0/16"
}

up() {
  "$ROOT/scripts/testenv/build-binaries.sh" kubernetes etcd kwok
  mkdir -p "$K"
  pki
  kubeconfig
  audit_policy
  authentication_config
  start etcd "$BIN/etcd" --name testenv --data-dir "$K/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "testenv=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync --quota-backend-bytes 4294967296
  wait_until etcd 30 http_ok "http://127.0.0.1:$ETCD_PORT/health"
  pod_network
  start kube-apiserver "$BIN/kube-apiserver" \
    --egress-selector-config-file "$K/egress-selector.yaml" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --cert-dir "$K/apiserver-certs" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --authorization-mode Node,RBAC \
    --service-account-issuer "$SA_ISSUER" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --api-audiences "$SA_ISSUER" \
    --authentication-config "$K/authentication-config.yaml" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --allow-privileged=true \
    --enable-priority-and-fairness=false \
    --audit-policy-file "$K/audit-policy.yaml" --audit-log-path "$K/audit.log" --audit-log-format json \
    --profiling=false
  wait_until kube-apiserver 60 "$KUBECTL" --kubeconfig "$K/admin.kubeconfig" get --raw /readyz
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$K/admin.kubeconfig" --authentication-kubeconfig "$K/admin.kubeconfig" \
    --authorization-kubeconfig "$K/admin.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --use-service-account-credentials=true --leader-elect=false \
    --controllers '*,-nodeipam,-cloud-node-lifecycle,-persistentvolume-binder,-attachdetach,-persistentvolume-expander,-ttl'
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$K/admin.kubeconfig" --authentication-kubeconfig "$K/admin.kubeconfig" \
    --authorization-kubeconfig "$K/admin.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false
  start kwok "$BIN/kwok" --kubeconfig "$K/admin.kubeconfig" --config "$BIN/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 10.0.0.1 --node-port "$KUBELET_PORT" --cidr "$(pod_cidr)" --server-address 127.0.0.1:0
  fake_nodes
  backstage_service_account
  terraform_service_account
  token_identities
  wait_until "fake nodes Ready" 60 kc wait --for=condition=Ready node --all --timeout=1s
  node_addresses
  recreate_stale_pods
  # The default namespace's service account must exist before pods can be created in it.
  wait_until "default service account" 60 kc get serviceaccount default -n default
  log "up: $API_URL, kubeconfig $K/admin.kubeconfig, nodes ${FAKE_NODES[*]}"
}

COMPONENTS=(etcd pod-network kube-apiserver kube-controller-manager kube-scheduler kwok)

down() {
  # The controller manager first: were kwok (the nodes' heartbeats) gone while it still ran, its node lifecycle
  # controller would mark the nodes NotReady and every pod on them not Ready, and kwok does not make them Ready again.
  stop kube-controller-manager
  local i
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${COMPONENTS[$i]}"; done
}

# Pods that an interrupted stop left not Ready on Ready nodes (see down) are recreated by their ReplicaSets, as a
# kubelet coming back would make them Ready again; kwok's stages only ready a pod once.
recreate_stale_pods() {
  local stale
  stale="$(kc get pods -A -o jsonpath='{range .items[?(@.metadata.ownerReferences[0].kind=="ReplicaSet")]}{.metadata.namespace}{" "}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{" "}{.status.containerStatuses[0].ready}{"\n"}{end}' |
    awk '$3 == "False" && $4 == "true" { print $1 " " $2 }')"
  [ -n "$stale" ] || return 0
  log "recreating $(wc -l <<<"$stale") pod(s) left not Ready by an interrupted stop"
  while read -r ns name; do kc -n "$ns" delete pod "$name" --wait=false >/dev/null; done <<<"$stale"
}

status() {
  local name
  for name in "${COMPONENTS[@]}"; do status_line "$name" ""; done
}

env_vars() {
  echo "export COLLATE_TEST_K8S_URL=$API_URL"
  echo "export COLLATE_TEST_KUBECONFIG=$K/admin.kubeconfig"
  echo "export COLLATE_TEST_K8S_CA_FILE=$PKI/ca.crt"
  echo "export COLLATE_TEST_K8S_SA_ISSUER=$SA_ISSUER"
  echo "export COLLATE_TEST_K8S_TOKEN_FILE=$K/backstage.token"
  echo "export COLLATE_TEST_K8S_AUDIT_LOG=$K/audit.log"
  # Read by Terraform's kubernetes provider only (collate.terraform.passEnv in the tests).
  echo "export KUBE_CONFIG=$K/terraform.kubeconfig"
  echo "export COLLATE_TEST_ENTRA_PORT=$ENTRA_PORT"
  echo "export COLLATE_TEST_ENTRA_TENANT=$ENTRA_TENANT"
  echo "export COLLATE_TEST_ENTRA_BACKSTAGE_OID=$ENTRA_BACKSTAGE_OID"
  echo "export COLLATE_TEST_OIDC_PORT=$OIDC_PORT"
  echo "export COLLATE_TEST_OIDC_AUDIENCE=$OIDC_AUDIENCE"
  echo "export COLLATE_TEST_OIDC_VIEWER=$OIDC_VIEWER"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) env_vars ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
