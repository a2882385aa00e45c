#!/usr/bin/env bash
# Records a host trace: this machine's procfs metrics every 5 s through `agent run` (file sink),
# an idle phase, then load phases with stress-ng (Debian: apt-get install stress-ng), each onset
# and end written to the phase log. Pack it into the test fixture with pack.ts (see its header).
#
#   bash scripts/host-trace/record.sh [OUT_DIR]      # default var/host-trace; ~34 minutes
#
# Keep the machine otherwise quiet while it runs: the idle phase is only idle if nothing else is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=${1:-var/host-trace}
IDLE_S=${IDLE_S:-720}      # idle phase
LOAD_S=${LOAD_S:-180}      # each load phase
REST_S=${REST_S:-120}      # rest after each load phase
command -v stress-ng >/dev/null || { echo "record.sh: stress-ng not found (apt-get install stress-ng)" >&2; exit 2; }
mkdir -p "$OUT"
rm -f "$OUT/out.jsonl" "$OUT/labels.txt"
cat > "$OUT/agent.yaml" <<YAML
agent: { id: trace-host, data_dir: $OUT/var }
sources:
  - { type: procfs, id: host, interval: 5s }
model: { online: default }
sinks:
  - { type: file, id: local, path: $OUT/out.jsonl, only: points }
server: { enabled: false }
YAML
total=$((IDLE_S + 4 * (LOAD_S + REST_S) + 30))
node_modules/.bin/bun agent/main.ts run --config "$OUT/agent.yaml" --duration "${total}s" > "$OUT/agent.log" 2>&1 &
agent=$!
echo "start $(date -u +%FT%TZ)" >> "$OUT/labels.txt"
sleep "$IDLE_S"
for phase in "cpu:--cpu 2" "vm:--vm 1 --vm-bytes 3G" "hdd:--hdd 1 --hdd-bytes 1G --temp-path $OUT" "sock:--sock 1"; do
  name=${phase%%:*}
  echo "onset $name $(date -u +%FT%TZ)" >> "$OUT/labels.txt"
  # shellcheck disable=SC2086
  stress-ng ${phase#*:} --timeout "${LOAD_S}s" > "$OUT/stress-$name.log" 2>&1 || true
  echo "end $name $(date -u +%FT%TZ)" >> "$OUT/labels.txt"
  sleep "$REST_S"
done
echo "stop $(date -u +%FT%TZ)" >> "$OUT/labels.txt"
wait "$agent" || true
echo "recorded: $OUT/out.jsonl ($(wc -l < "$OUT/out.jsonl") points), phases in $OUT/labels.txt"
