#!/usr/bin/env bash
# Runs a private single-node Kafka broker with a SASL_SSL listener (infra/kafka/sasl-ssl.properties)
# in the FOREGROUND, for the TLS/SASL tests: the caller owns the process and stops it with SIGTERM
# (the broker stops with it). With WATCH_PID set, the broker also stops, and DIR is removed, within
# a few seconds of that process being gone (a test runner that exits without stopping it).
#
#   bash scripts/services/kafka-tls.sh DIR PORT CONTROLLER_PORT INTERNAL_PORT [MTLS_PORT]
#
# PORT is the SASL_SSL listener; MTLS_PORT (optional) an SSL listener that requires a client
# certificate signed by the test CA (DIR/pki/client.pem). Without MTLS_PORT it gets a free port.
# DIR is a fresh temp dir: the PKI (tls-certs.sh) goes to DIR/pki, the data to DIR/data, the
# broker's log to stdout. Jars come from the same Maven cache as up.sh (~/.cache/agent-services).
# SCRAM users, added at format time (KRaft):
#   scram-user / scram-secret   SCRAM-SHA-256 and SCRAM-SHA-512
# PLAIN user: plain-user / plain-secret.
# Ready when the log says "Kafka Server started" (the caller waits for it).
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
dir="${1:?usage: kafka-tls.sh DIR PORT CONTROLLER_PORT INTERNAL_PORT [MTLS_PORT]}" port="${2:?}" cport="${3:?}" iport="${4:?}"
mport="${5:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
ensure_tools
mkdir -p "$DIST_DIR"
bash "$REPO_ROOT/scripts/services/tls-certs.sh" "$dir/pki"
dist="$(resolve_jars kafka "$REPO_ROOT/infra/kafka/pom.xml" kafka.version "$KAFKA_VERSION")"
sed -e "s#@DIR@#$dir#g" -e "s#@PKI@#$dir/pki#g" -e "s#@PORT@#$port#g" \
    -e "s#@CONTROLLER_PORT@#$cport#g" -e "s#@INTERNAL_PORT@#$iport#g" -e "s#@MTLS_PORT@#$mport#g" \
    "$REPO_ROOT/infra/kafka/sasl-ssl.properties" >"$dir/server.properties"
cp "$REPO_ROOT/infra/kafka/log4j2.properties" "$dir/log4j2.properties"
tools=("$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 "-Dlog4j2.configurationFile=$REPO_ROOT/infra/kafka/tools-log4j2.properties" -cp "$dist/libs/*")
if [[ ! -f "$dir/data/meta.properties" ]]; then
  "${tools[@]}" kafka.tools.StorageTool format -t "$("${tools[@]}" kafka.tools.StorageTool random-uuid)" -c "$dir/server.properties" \
    -S 'SCRAM-SHA-256=[name=scram-user,password=scram-secret]' \
    -S 'SCRAM-SHA-512=[name=scram-user,password=scram-secret]' >"$dir/format.log" 2>&1 \
    || { cat "$dir/format.log" >&2; die "kafka-tls: storage format failed"; }
fi
"$JAVA" -Dagent.service=kafka-tls -Xms128m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
  "-Dlog4j2.configurationFile=$dir/log4j2.properties" "-Dkafka.logs.dir=$dir" \
  -cp "$dist/libs/*" kafka.Kafka "$dir/server.properties" </dev/null &
jpid=$!
echo "$jpid" >"$dir/broker.pid"
if [[ -n "${WATCH_PID:-}" ]]; then
  # The owner (e.g. a `bun test` process) may end without stopping us, and may kill this script
  # on its way out: a detached watcher stops the broker and removes DIR once the owner is gone.
  setsid bash -c 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
    kill "$2" 2>/dev/null; for _ in $(seq 1 30); do kill -0 "$2" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$2" 2>/dev/null; rm -rf "$3"' _ "$WATCH_PID" "$jpid" "$dir" </dev/null >/dev/null 2>&1 &
fi
trap 'kill "$jpid" 2>/dev/null; wait "$jpid" 2>/dev/null; exit 0' TERM INT HUP
wait "$jpid"
