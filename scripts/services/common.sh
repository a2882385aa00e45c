# shellcheck shell=bash
# Shared settings and helpers for scripts/services/{up,down}.sh. Sourced, not run.
#
# Every value below can be overridden from the environment (see infra/README.md).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

: "${AGENT_SERVICES_HOME:=${XDG_CACHE_HOME:-$HOME/.cache}/agent-services}"
: "${SERVICES:=kafka,opensearch}"          # which services to manage
: "${SERVICES_TIMEOUT:=180}"               # seconds to wait for readiness, per `up`

: "${KAFKA_VERSION:=4.4.0}"
: "${KAFKA_PORT:=9092}"
: "${KAFKA_CONTROLLER_PORT:=9093}"
: "${KAFKA_HEAP:=1g}"

: "${OPENSEARCH_VERSION:=2.19.6}"
: "${OPENSEARCH_PORT:=9200}"
: "${OPENSEARCH_TRANSPORT_PORT:=9300}"
: "${OPENSEARCH_HEAP:=1g}"

DIST_DIR="$AGENT_SERVICES_HOME/dist"       # resolved jars + compiled launcher (the cache)
# pid files, logs, data. AGENT_SERVICES_RUN_DIR runs a second, independent instance (other ports)
# that shares the jar cache, e.g. the fault tests in agent/e2e/faults-*.test.ts.
RUN_DIR="${AGENT_SERVICES_RUN_DIR:-$AGENT_SERVICES_HOME/run}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

has_service() { [[ ",$SERVICES," == *",$1,"* ]]; }

# java/javac to use: SERVICES_JAVA_HOME, else a Java 17 under /usr/lib/jvm, else JAVA_HOME, else PATH.
# Java 17 is what Kafka 4.x and OpenSearch 2.19 are tested with here; OpenSearch 3.x needs 21+.
pick_java() {
  local home="${SERVICES_JAVA_HOME:-}"
  if [[ -z "$home" ]]; then
    for cand in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/java-17-openjdk; do
      [[ -x "$cand/bin/javac" ]] && { home="$cand"; break; }
    done
  fi
  [[ -z "$home" && -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/javac" ]] && home="$JAVA_HOME"
  if [[ -n "$home" ]]; then
    JAVA="$home/bin/java"; JAVAC="$home/bin/javac"
  else
    JAVA="$(command -v java || true)"; JAVAC="$(command -v javac || true)"
  fi
}

# Installs a JDK / Maven / curl with apt-get when missing (root on Debian only).
ensure_tools() {
  pick_java
  local missing=()
  [[ -x "${JAVA:-}" && -x "${JAVAC:-}" ]] || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      log "installing ${missing[*]} with apt-get"
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 \
        || die "apt-get install ${missing[*]} failed"
      pick_java
    else
      die "missing ${missing[*]}; install them (a JDK 17, Maven, curl) and retry"
    fi
  fi
}

pid_file() { echo "$RUN_DIR/$1/$1.pid"; }
log_file() { echo "$RUN_DIR/$1/$1.log"; }

# Prints the pid of our running service $1 (pid file + /proc cmdline carries -Dagent.service=$1), or nothing.
running_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 0
  pid="$(<"$f")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] \
     && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-Dagent.service=$1 "; then
    echo "$pid"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
