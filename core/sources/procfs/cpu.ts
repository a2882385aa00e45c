/**
 * CPU time from `/proc/stat` (the aggregate `cpu` line): per-mode seconds as counters and,
 * from the second round on, the fraction of CPU time per mode between rounds.
 */
import { fields, num, type Round } from "./round.ts";

/** Modes of the `cpu` line, in file order (guest time is already inside user/nice). */
export const CPU_MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;

const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Read the aggregate `cpu` line of `/proc/stat` text into `round`: `cpu.<mode>_seconds`
 * counters, and `cpu.<mode>` gauges in [0, 1] when the previous round is known.
 *
 * @example
 * readCpu(round, "cpu  10 0 5 85 0 0 0 0 0 0\n", "stat", 100);
 */
export function readCpu(round: Round, text: string, file: string, userHz: number): void {
  const nl = text.indexOf("\ncpu ");
  const start = text.startsWith("cpu ") ? 0 : nl < 0 ? -1 : nl + 1;
  if (start < 0) {
    round.parseError(file, "no aggregate `cpu` line");
    return;
  }
  const end = text.indexOf("\n", start);
  const tok = fields(text.slice(start, end < 0 ? undefined : end));
  // Kernels before 2.6.11 have no steal column: need at least user..idle.
  const present = Math.min(tok.length - 1, CPU_MODES.length);
  if (present < 4) {
    round.parseError(file, `cpu line has ${tok.length - 1} fields, expected >= 4`);
    return;
  }
  for (let m = 0; m < present; m++) {
    if (!Number.isFinite(num(tok[m + 1]))) {
      round.parseError(file, `cpu ${CPU_MODES[m]} is not a number: ${JSON.stringify(tok[m + 1])}`);
      return;
    }
  }
  let total = 0;
  for (let m = 0; m < present; m++) {
    const ticks = num(tok[m + 1]);
    total += ticks;
    round.remember(CPU_MODES[m], ticks, "cpu");
    round.counter(`cpu.${CPU_MODES[m]}_seconds`, NO_LABELS, ticks / userHz, "");
  }
  round.remember("total", total, "cpu");
  const dTotal = round.delta("total", "cpu");
  if (!(dTotal > 0)) return;
  for (let m = 0; m < present; m++) {
    const d = round.delta(CPU_MODES[m], "cpu");
    if (Number.isFinite(d)) round.gauge(`cpu.${CPU_MODES[m]}`, NO_LABELS, Math.min(1, d / dTotal));
  }
}
