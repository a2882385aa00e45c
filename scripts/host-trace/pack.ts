/**
 * Packs a recorded host trace (the JSON-lines points `agent run` wrote with the procfs source
 * and a file sink, plus the phase log of record.sh) into the compact test fixture:
 *
 *   trace.csv.gz  — one row per round: `timestamp,<series 1>,<series 2>,…` (series = metric name
 *                   and its labels, e.g. `disk.busy_fraction{device=sda}`; empty = no sample)
 *   phases.json   — [{ name, onset, end }] of the load phases, ISO timestamps
 *
 *   bun scripts/host-trace/pack.ts --points var/trace/out.jsonl --phases var/trace/labels.txt --out models/online/testdata/host-trace
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { points: { type: "string" }, phases: { type: "string" }, out: { type: "string" } } });
if (!args.points || !args.phases || !args.out) {
  console.error("usage: bun scripts/host-trace/pack.ts --points out.jsonl --phases labels.txt --out DIR");
  process.exit(2);
}

interface Point {
  "@timestamp": string;
  metric: { name: string; labels: Record<string, string> };
  value: number | null;
}

const rows = new Map<string, Map<string, number>>();
const names = new Set<string>();
for (const line of readFileSync(args.points, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const p = JSON.parse(line) as Point;
  if (!p.metric) continue;
  const labels = Object.entries(p.metric.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const key = labels.length ? `${p.metric.name}{${labels.map(([k, v]) => `${k}=${v}`).join(",")}}` : p.metric.name;
  names.add(key);
  const ts = p["@timestamp"];
  let row = rows.get(ts);
  if (!row) rows.set(ts, (row = new Map()));
  if (p.value !== null && Number.isFinite(p.value)) row.set(key, p.value);
}
const cols = [...names].sort();
const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const lines = [["timestamp", ...cols].map(quote).join(",")];
for (const ts of [...rows.keys()].sort()) {
  const row = rows.get(ts)!;
  lines.push([ts, ...cols.map((c) => (row.has(c) ? String(row.get(c)) : ""))].join(","));
}
const phases: { name: string; onset: string; end?: string }[] = [];
for (const line of readFileSync(args.phases, "utf8").split("\n")) {
  const [kind, name, at] = line.trim().split(/\s+/);
  if (kind === "onset") phases.push({ name, onset: at });
  if (kind === "end") {
    const p = phases.find((x) => x.name === name && !x.end);
    if (p) p.end = at;
  }
}
mkdirSync(args.out, { recursive: true });
const gz = Bun.gzipSync(new TextEncoder().encode(lines.join("\n") + "\n"), { level: 9 });
writeFileSync(join(args.out, "trace.csv.gz"), gz);
writeFileSync(join(args.out, "phases.json"), JSON.stringify(phases, null, 2) + "\n");
console.log(`${rows.size} rounds × ${cols.length} series → ${join(args.out, "trace.csv.gz")} (${gz.length} bytes); ${phases.length} phases`);
