/**
 * Expands the host trace fixture into one CSV per series (`timestamp,value`), so any model can
 * replay it with `agent score`:
 *
 *   bun scripts/host-trace/expand.ts --out var/host-trace-csv
 *   agent score --model online:default --input "var/host-trace-csv/cpu.user.csv" --output -
 *
 * `bun scripts/host-trace/expand.ts --report` prints what online:default and online:window do on it
 * (the numbers models/online/host-trace.test.ts asserts); `--report --model DIR` (repeatable) does
 * the same for other models (a bundle directory or `online:NAME`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatIso } from "../../data/time.ts";
import { loadModel } from "../../models/load.ts";
import { hostTraceReport, readHostTrace } from "../../models/online/host-trace.ts";

const { values: args } = parseArgs({
  options: { out: { type: "string" }, dir: { type: "string" }, report: { type: "boolean" }, model: { type: "string", multiple: true } },
});
const trace = readHostTrace(args.dir);
if (args.report) {
  for (const ref of args.model ?? ["online:default", "online:window"]) {
    const model = await loadModel(ref);
    const r = await hostTraceReport(model, trace);
    model.dispose();
    console.log(
      `${ref}: ${r.series} series (${r.constantSeries} constant), idle ${r.idleMinutes.toFixed(1)} min: ` +
        `${r.idleAlarmsPerSeriesHour.toFixed(2)} alarms per series-hour (most: ${r.idleMaxAlarms.alarms} on ${r.idleMaxAlarms.series || "-"}), ` +
        `constant series with alarms: ${r.constantWithAlarms.length}; onsets found: ` +
        r.onsets
          .map((o) => `${o.phase} ${o.found ? `+${o.samples} samples (${o.series!.slice(0, 3).join(", ")}${o.series!.length > 3 ? ", …" : ""})` : "missed"}`)
          .join("; "),
    );
  }
} else if (args.out) {
  mkdirSync(args.out, { recursive: true });
  for (const s of trace.series) {
    const rows = ["timestamp,value"];
    for (let i = 0; i < s.values.length; i++) rows.push(`${formatIso(trace.timestamps[i])},${Number.isFinite(s.values[i]) ? s.values[i] : ""}`);
    writeFileSync(join(args.out, `${s.name.replace(/[/\\{}=,\s]+/g, "_").replace(/_+$/, "")}.csv`), rows.join("\n") + "\n");
  }
  console.log(`${trace.series.length} series → ${args.out}`);
} else {
  console.error("usage: bun scripts/host-trace/expand.ts --out DIR | --report [--model DIR|online:NAME]... [--dir FIXTURE_DIR]");
  process.exit(2);
}
