/**
 * CPU time from `/proc/stat`: the aggregate `cpu` line, the per-CPU `cpuN` lines and the
 * system counters (`ctxt`, `intr`, `processes`, `procs_blocked`), in one pass over the file.
 */
import { lineEnd, num, scanNumbers, type Labels, type Round } from "./round.ts";

/** Modes of the `cpu` line, in file order (guest time is already inside user/nice). */
export const CPU_MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;

const NO_LABELS: Labels = Object.freeze({}) as Labels;
const COUNTER_NAMES = CPU_MODES.map((m) => `cpu.${m}_seconds`);
const GAUGE_NAMES = CPU_MODES.map((m) => `cpu.${m}`);

/** What {@link readCpu} emits besides the aggregate line. */
export interface CpuOptions {
  userHz: number;
  /** Aggregate `cpu` line (group `cpu`). */
  total: boolean;
  /** `cpuN` lines, label `cpu` (group `per_cpu`). */
  perCpu: boolean;
  /** `ctxt`, `intr`, `processes`, `procs_blocked` (group `system`). */
  system: boolean;
}

/** Per-source cache: label objects of each CPU, so rounds share them. */
export class CpuState {
  readonly labels = new Map<string, Labels>();
  readonly nums: number[] = [];
  label(cpu: string): Labels {
    let l = this.labels.get(cpu);
    if (l === undefined) {
      l = Object.freeze({ cpu }) as Labels;
      if (this.labels.size < 4096) this.labels.set(cpu, l); // bounded, whatever a hostile file holds
    }
    return l;
  }
}

/** One `cpu`/`cpuN` line: counters, and fractions when the previous round is known. */
function cpuLine(round: Round, file: string, text: string, start: number, end: number, id: string, labels: Labels, o: CpuOptions, st: CpuState): void {
  const name = id === "cpu" ? "cpu" : `cpu ${id.slice(3)}`;
  const nums = st.nums;
  const n = scanNumbers(text, start + id.length, end, nums);
  // Kernels before 2.6.11 have no steal column: need at least user..idle.
  const present = Math.min(n, CPU_MODES.length);
  if (present < 4) {
    round.parseError(file, `${name} line has ${n} fields, expected >= 4`);
    return;
  }
  for (let m = 0; m < present; m++) {
    if (!Number.isFinite(nums[m])) {
      const tok = text.slice(start, end).trim().split(/\s+/)[m + 1];
      round.parseError(file, `${name} ${CPU_MODES[m]} is not a number: ${JSON.stringify(tok)}`);
      return;
    }
  }
  let total = 0;
  for (let m = 0; m < present; m++) {
    const ticks = nums[m];
    total += ticks;
    round.remember(CPU_MODES[m], ticks, id);
    round.counter(COUNTER_NAMES[m], labels, ticks / o.userHz, id === "cpu" ? "" : id);
  }
  round.remember("total", total, id);
  const dTotal = round.delta("total", id);
  if (!(dTotal > 0)) return;
  for (let m = 0; m < present; m++) {
    const d = round.delta(CPU_MODES[m], id);
    if (Number.isFinite(d)) round.gauge(GAUGE_NAMES[m], labels, Math.min(1, d / dTotal));
  }
}

/** System counters of `/proc/stat`: [line key, counter name, rate name or "" for a gauge]. */
const SYSTEM: ReadonlyArray<readonly [string, string, string]> = [
  ["ctxt", "system.context_switches", "system.context_switches_per_sec"],
  ["intr", "system.interrupts", "system.interrupts_per_sec"],
  ["processes", "system.forks", "system.forks_per_sec"],
  ["procs_blocked", "system.procs_blocked", ""],
  ["softirq", "system.softirqs", "system.softirqs_per_sec"],
];

/**
 * Read `/proc/stat` text into `round`: `cpu.<mode>_seconds` counters and, when the previous
 * round is known, `cpu.<mode>` gauges in [0, 1] for the aggregate line (no labels) and each
 * `cpuN` line (label `cpu`); `system.*` counters from the other lines. Only the first number
 * of `intr`/`softirq` (their total) is read, never the per-IRQ list.
 *
 * @example
 * readCpu(round, "cpu  10 0 5 85 0 0 0 0 0 0\n", "stat", { userHz: 100, total: true, perCpu: false, system: false }, new CpuState());
 */
export function readCpu(round: Round, text: string, file: string, o: CpuOptions, st: CpuState): void {
  let sawTotal = false;
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    if (text.startsWith("cpu", start)) {
      const sp = text.indexOf(" ", start);
      const id = sp < 0 || sp > end ? text.slice(start, end) : text.slice(start, sp);
      if (id === "cpu") {
        sawTotal = true;
        if (o.total) cpuLine(round, file, text, start, end, id, NO_LABELS, o, st);
      } else if (o.perCpu) {
        cpuLine(round, file, text, start, end, id, st.label(id.slice(3)), o, st);
      }
    } else if (o.system) {
      for (const [key, name, rate] of SYSTEM) {
        if (!text.startsWith(key, start) || text.charCodeAt(start + key.length) !== 32) continue;
        let a = start + key.length;
        while (text.charCodeAt(a) === 32) a++;
        let b = a;
        while (b < end && text.charCodeAt(b) !== 32) b++;
        const v = num(text.slice(a, b));
        if (!Number.isFinite(v)) round.parseError(file, `${key}: not a number: ${JSON.stringify(text.slice(a, b).slice(0, 40))}`);
        else if (rate === "") round.gauge(name, NO_LABELS, v);
        else round.counter(name, NO_LABELS, v, "", rate);
        break;
      }
    }
    start = end + 1;
  }
  if (!sawTotal && o.total) round.parseError(file, "no aggregate `cpu` line");
}
