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
# Java 17 is what Kafka 4.x and OpenSearch 2.19 are tested with here; OpenSearch 3.x needs 21+
# (see pick_opensearch_java).
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

# java_major JAVA_BIN -> the feature version (17, 21, 25, ...) of that java, or nothing.
# Reads the JDK's `release` file when there is one (no JVM start), else `java -version`.
java_major() {
  local bin="$1" home v
  [[ -x "$bin" ]] || return 0
  home="$(cd "$(dirname "$(readlink -f "$bin")")/.." && pwd)"
  if [[ -f "$home/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")"
  fi
  [[ -n "${v:-}" ]] || v="$("$bin" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  v="${v#1.}"                                    # 1.8.0_x -> 8.0_x
  v="${v%%[.+-]*}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v"
  return 0
}

opensearch_major() { echo "${OPENSEARCH_VERSION%%.*}"; }

# OS_JAVA/OS_JAVAC: the JDK that runs OpenSearch. 2.x: the one pick_java chose (Java 17).
# 3.x needs Java 21+: SERVICES_JAVA_HOME if set (must be 21+), else the java pick_java chose if it
# is 21+, else the newest JDK 21+ under /usr/lib/jvm (e.g. temurin-25-jdk-amd64), else JAVA_HOME
# or PATH if 21+. Dies with a clear message when there is none.
pick_opensearch_java() {
  OS_JAVA="$JAVA"; OS_JAVAC="$JAVAC"
  local major; major="$(opensearch_major)"
  [[ "$major" =~ ^[0-9]+$ ]] || die "OPENSEARCH_VERSION=$OPENSEARCH_VERSION is not a version"
  (( major >= 3 )) || return 0
  local need=21 home="" best="" best_v=0 v cand
  if [[ -n "${SERVICES_JAVA_HOME:-}" ]]; then
    v="$(java_major "$SERVICES_JAVA_HOME/bin/java")"
    [[ -x "$SERVICES_JAVA_HOME/bin/javac" ]] || die "SERVICES_JAVA_HOME=$SERVICES_JAVA_HOME has no bin/javac"
    (( ${v:-0} >= need )) || die "opensearch $OPENSEARCH_VERSION needs Java $need+, but SERVICES_JAVA_HOME=$SERVICES_JAVA_HOME is Java ${v:-unknown}; unset it or point it at a JDK $need+"
    home="$SERVICES_JAVA_HOME"
  else
    v="$(java_major "$JAVA")"
    if (( ${v:-0} >= need )) && [[ -x "$JAVAC" ]]; then
      OS_JAVA="$JAVA"; OS_JAVAC="$JAVAC"; return 0
    fi
    for cand in /usr/lib/jvm/*/ "${JAVA_HOME:-}"; do
      cand="${cand%/}"
      [[ -n "$cand" && -x "$cand/bin/javac" && -x "$cand/bin/java" ]] || continue
      v="$(java_major "$cand/bin/java")"
      if (( ${v:-0} >= need && ${v:-0} > best_v )); then best="$cand"; best_v="$v"; fi
    done
    home="$best"
    if [[ -z "$home" ]]; then
      cand="$(command -v javac || true)"
      if [[ -n "$cand" ]]; then
        cand="$(cd "$(dirname "$(readlink -f "$cand")")/.." && pwd)"
        v="$(java_major "$cand/bin/java")"
        (( ${v:-0} >= need )) && home="$cand"
      fi
    fi
  fi
  [[ -n "$home" ]] || die "opensearch $OPENSEARCH_VERSION needs a JDK $need+ and none was found (looked in /usr/lib/jvm/*, JAVA_HOME, PATH; Java 17 runs only OpenSearch <= 2.19.x). Install a JDK $need+ or set SERVICES_JAVA_HOME to one."
  OS_JAVA="$home/bin/java"; OS_JAVAC="$home/bin/javac"
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

# Shared by up.sh and the TLS helpers (kafka-tls.sh): the Maven jar cache.
hash_of() { cat "$@" | sha1sum | cut -c1-10; }

# resolve_jars NAME POM VERSION_PROPERTY VERSION -> prints the libs dir (cached by version + pom hash)
resolve_jars() {
  local name="$1" pom="$2" prop="$3" version="$4" extra_hash="${5:-}"
  local dir="$DIST_DIR/$name-$version-$(hash_of "$pom" $extra_hash)"
  if [[ ! -f "$dir/.complete" ]]; then
    log "$name $version: resolving jars with Maven (first run only) ..."
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    # shellcheck disable=SC2086
    if ! mvn -q -B ${MAVEN_ARGS:-} -f "$pom" "-D$prop=$version" \
         dependency:copy-dependencies "-DoutputDirectory=$dir.tmp/libs" >"$dir.tmp/mvn.log" 2>&1; then
      tail -n 30 "$dir.tmp/mvn.log" >&2
      die "Maven could not resolve $name $version (full log: $dir.tmp/mvn.log)"
    fi
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    touch "$dir/.complete"
  fi
  echo "$dir"
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
