/**
 * Pressure stall information from `/proc/pressure/{cpu,memory,io}` (Linux ≥ 4.20 with PSI on).
 */
import { lineEnd, num, type Labels, type Round } from "./round.ts";

/** PSI resources, one file each. */
export const PSI_RESOURCES = ["cpu", "memory", "io"] as const;

const LABELS: Record<string, Labels> = Object.fromEntries(PSI_RESOURCES.map((r) => [r, Object.freeze({ resource: r }) as Labels]));
const KEYS = ["avg10", "avg60", "avg300"] as const;
const NAMES: Record<string, string[]> = {
  some: KEYS.map((k) => `pressure.some_${k}`),
  full: KEYS.map((k) => `pressure.full_${k}`),
};

/**
 * Read one PSI file (`some avg10=0.12 avg60=0.05 avg300=0.01 total=1234`, then a `full`
 * line) into `round`, label `resource`: gauges `pressure.{some,full}_avg{10,60,300}` (percent
 * of wall time stalled, as the kernel gives it), counters `pressure.{some,full}_seconds`
 * (`total`, µs → s) and from the second round on `pressure.{some,full}_seconds_per_sec` (share
 * of wall time stalled over the round, 0..1). Kernels before 5.13 have no `full` line for cpu.
 *
 * @example
 * readPressure(round, "some avg10=1.00 avg60=0.50 avg300=0.10 total=5000\n", "pressure/cpu", "cpu");
 */
export function readPressure(round: Round, text: string, file: string, resource: string): void {
  const labels = LABELS[resource] ?? (Object.freeze({ resource }) as Labels);
  let line = 0;
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    line++;
    if (end > start) parseLine(round, text.slice(start, end), file, line, resource, labels);
    start = end + 1;
  }
}

function parseLine(round: Round, s: string, file: string, line: number, resource: string, labels: Labels): void {
  const kind = s.startsWith("some ") ? "some" : s.startsWith("full ") ? "full" : "";
  const vals: number[] = [NaN, NaN, NaN, NaN];
  if (kind !== "") {
    let i = 5;
    for (const key of ["avg10=", "avg60=", "avg300=", "total="]) {
      const at = s.indexOf(key, i);
      if (at < 0) break;
      const from = at + key.length;
      let to = s.indexOf(" ", from);
      if (to < 0) to = s.length;
      vals[key === "avg10=" ? 0 : key === "avg60=" ? 1 : key === "avg300=" ? 2 : 3] = num(s.slice(from, to));
      i = to;
    }
  }
  if (kind === "" || !vals.every(Number.isFinite)) {
    round.parseError(file, `line ${line}: expected "some|full avg10=.. avg60=.. avg300=.. total=..", got ${JSON.stringify(s.slice(0, 80))}`);
    return;
  }
  const names = NAMES[kind];
  for (let k = 0; k < 3; k++) round.gauge(names[k], labels, vals[k]);
  round.counter(`pressure.${kind}_seconds`, labels, vals[3] / 1e6, resource, `pressure.${kind}_seconds_per_sec`);
}
