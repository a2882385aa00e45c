#!/usr/bin/env bash
# Stops the services started by scripts/services/up.sh: SIGTERM, then SIGKILL after
# $SERVICES_STOP_TIMEOUT seconds (default 30). Idempotent: nothing running => ok.
# Only pids from our pid files whose command line carries -Dagent.service=<name> are signalled.
#
#   npm run services:down                # stop, keep data
#   npm run services:down -- --wipe      # stop and delete the services' data dirs (not the jar cache)
set -euo pipefail
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${SERVICES_STOP_TIMEOUT:=30}"
WIPE=0
for arg in "$@"; do
  case "$arg" in
    --wipe) WIPE=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

declare -A PIDS=()
for svc in opensearch kafka; do
  has_service "$svc" || continue
  pid="$(running_pid "$svc")"
  if [[ -z "$pid" ]]; then
    log "$svc: not running"
    rm -f "$(pid_file "$svc")"
    continue
  fi
  log "$svc: stopping (pid $pid, SIGTERM)"
  kill -TERM "$pid" 2>/dev/null || true
  PIDS[$svc]=$pid
done

deadline=$(( $(date +%s) + SERVICES_STOP_TIMEOUT ))
for svc in "${!PIDS[@]}"; do
  pid=${PIDS[$svc]}
  while kill -0 "$pid" 2>/dev/null && (( $(date +%s) < deadline )); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$svc: still alive after ${SERVICES_STOP_TIMEOUT}s, SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$(pid_file "$svc")"
  log "$svc: stopped"
done

if ((WIPE)); then
  for svc in kafka opensearch; do
    has_service "$svc" || continue
    log "$svc: wiping data in $RUN_DIR/$svc"
    rm -rf "$RUN_DIR/$svc/data" "$RUN_DIR/$svc/home" "$RUN_DIR/$svc/data.version"
  done
fi
