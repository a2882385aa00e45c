#!/usr/bin/env bash
# The whole test suite: starts the real Kafka and OpenSearch the integration tests need
# (npm run services:up, cached after the first run), runs `bun test`, and ends with the line
# `N passed, N failed` (read by CI). Extra arguments go to `bun test` (e.g. a path filter).
#
#   npm test                  # everything
#   npm test -- models/       # a subset
#   AGENT_SERVICES=skip npm test -- models/   # don't start services (their tests will fail)
# Before the tests three gates run: `tsc --noEmit`, `biome check` (lint + format, biome.json; fix
# with `npx biome check --write .`) and
# scripts/check-layers.ts; each one that fails counts as one failure and fails the run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUN=node_modules/.bin/bun
[[ -x "$BUN" ]] || { echo "test: $BUN missing: run 'npm ci' first" >&2; exit 2; }

started_services=0
if [[ "${AGENT_SERVICES:-up}" != "skip" ]]; then
  if ! bash scripts/services/up.sh; then
    echo "test: services failed to start (see the log above); integration tests will fail" >&2
  else
    started_services=1
  fi
fi

mkdir -p .cache
log=.cache/test-output.log
export NODE_NO_WARNINGS=1

# Quality gate before the tests (bun test checks neither types nor style). Each gate that fails
# prints its first lines and counts as one failure in the closing line, and the run exits 1.
gate_failed=0
gate() {
  local name=$1; shift
  local out=".cache/gate-${name%% *}.log"
  if "$@" > "$out" 2>&1; then
    echo "[gate] $name: ok"
  else
    echo "=== gate failed: $name ==="
    head -60 "$out"
    gate_failed=$((gate_failed + 1))
  fi
}
gate "tsc --noEmit" node_modules/.bin/tsc --noEmit -p .
gate "biome check" node_modules/.bin/biome check --error-on-warnings --max-diagnostics=30 .
gate "check-layers" "$BUN" scripts/check-layers.ts

"$BUN" test --timeout 60000 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

if [[ "$started_services" == 1 && "${AGENT_SERVICES_KEEP:-}" != "1" && "${CI:-}" != "true" ]]; then
  bash scripts/services/down.sh >/dev/null 2>&1 || true
fi

# Bun prints a failing test's error above its "(fail)" line, somewhere in a long log; repeat each
# failure's block (what was printed since the test before it, at most 80 lines) at the end, so a
# log that only keeps its tail still says why.
awk '
  /^ *[0-9]+ tests? failed:$/ { exit }
  /^\(pass\)|^\(skip\)|^\(todo\)|^[^ ].*\.test\.ts:$/ { n = 0; next }
  /^\(fail\)/ {
    if (!shown++) print "\n=== failed tests, with what they printed ==="
    start = n > 80 ? n - 80 : 0
    for (i = start; i < n; i++) print buf[i % 80]
    print $0 "\n"; n = 0; next
  }
  { buf[n % 80] = $0; n++ }
' "$log" | head -400

# bun prints " 123 pass" / " 4 fail" in its summary; turn them into the CI line.
passed=$(grep -E '^ *[0-9]+ pass$' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -E '^ *[0-9]+ fail$' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
# An error outside any test (e.g. a file that fails to import) is a failure too.
errors=$(grep -E '^ *[0-9]+ errors?$' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$((failed + errors + gate_failed))
if [[ "$rc" != 0 && "$failed" == 0 ]]; then failed=1; fi
if [[ "$gate_failed" != 0 && "$rc" == 0 ]]; then rc=1; fi
echo "${passed:-0} passed, ${failed} failed"
exit "$rc"
