#!/usr/bin/env bash
# The main job on its embedded defaults, no external service: build the binary, generate a
# labelled training set, train the dense autoencoder, generate an unseen test set, and compare
# it with online:default and the robust z-score baseline, writing an HTML report.
#
#   npm run demo            # outputs under ./var/demo
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${DEMO_DIR:-var/demo}
mkdir -p "$out"
[[ -x dist/agent ]] && [[ -z "$(find agent core models data scripts/build.ts -newer dist/agent -name '*.ts' -print -quit)" ]] || npm run -s build
A=dist/agent
$A doctor
$A generate --n-series 300 --seed 1 --output-dir "$out/train"
$A generate --n-series 300 --seed 2 --output-dir "$out/test"
$A train --data "$out/train" --model autoencoder --out "$out/models/autoencoder"
$A train --data "$out/train" --model robust-zscore --out "$out/models/robust-zscore"
$A eval --data "$out/test" --model "$out/models/autoencoder" --model online:default --model "$out/models/robust-zscore" \
  --report "$out/report.html"
echo "report: $out/report.html"
