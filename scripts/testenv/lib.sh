# Shared by the test-environment component scripts: background processes tracked by PID files.
# Expects STATE (the component's state folder) and LOG_PREFIX to be set by the sourcing script.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TESTENV_DIR="${TESTENV_DIR:-$ROOT/.testenv}"
BIN="$TESTENV_DIR/bin"

log() { echo "[$LOG_PREFIX] $*" >&2; }

# A step that fails says which one, even where its own output went to /dev/null or a log (set -e stops silently).
set -E
trap 'log "failed (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND"' ERR

pid_of() { cat "$STATE/$1.pid" 2>/dev/null || true; }
# A process that exited but was not reaped yet (a zombie: where nothing reaps orphans, as in some containers) is gone.
pid_running() { kill -0 "$1" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }
alive() { local p; p="$(pid_of "$1")"; [ -n "$p" ] && pid_running "$p"; }

# start NAME CMD...: runs CMD in its own session in the background, output to $STATE/NAME.log, PID to
# $STATE/NAME.pid. Does nothing when NAME already runs.
start() {
  local name="$1"
  shift
  mkdir -p "$STATE"
  if alive "$name"; then return; fi
  setsid "$@" >"$STATE/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
}

# stop NAME: TERM, then KILL after 10 s; exactly the PID that `start` recorded.
stop() {
  local name="$1" p
  p="$(pid_of "$name")"
  [ -n "$p" ] || return 0
  if pid_running "$p"; then
    kill -TERM "$p"
    for _ in $(seq 1 100); do pid_running "$p" || break; sleep 0.1; done
    pid_running "$p" && kill -KILL "$p"
    log "stopped $name (pid $p)"
  fi
  rm -f "$STATE/$name.pid"
}

status_line() { if alive "$1"; then echo "$1: running (pid $(pid_of "$1")) $2"; else echo "$1: stopped"; fi; }

# wait_until WHAT TIMEOUT_S CMD...: polls CMD until it succeeds; shows the component's log on time-out.
wait_until() {
  local what="$1" timeout="$2" t0
  shift 2
  t0=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    if [ $(($(date +%s) - t0)) -ge "$timeout" ]; then
      log "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

http_ok() { curl -sf -o /dev/null --max-time 2 "$1"; }

# write_kubeconfig FILE NAME SERVER PKI: an admin kubeconfig for a cluster of the environment (its CA, the admin client
# certificate).
write_kubeconfig() {
  cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
  - name: $2
    cluster:
      server: $3
      certificate-authority: $4/ca.crt
users:
  - name: admin
    user:
      client-certificate: $4/admin.crt
      client-key: $4/admin.key
contexts:
  - name: $2
    context: { cluster: $2, user: admin }
current-context: $2
KC
}
