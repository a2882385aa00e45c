/**
 * Load averages from `/proc/loadavg`.
 */
import { fields, num, type Round } from "./round.ts";

const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Read `/proc/loadavg` text (`1.24 1.68 1.18 2/254 17931`) into `round`: `load.load1`,
 * `load.load5`, `load.load15`, and `load.procs_running` / `load.procs_total` from the 4th field.
 *
 * @example
 * readLoad(round, "0.5 0.4 0.3 1/100 42\n", "loadavg");
 */
export function readLoad(round: Round, text: string, file: string): void {
  const tok = fields(text);
  const l1 = num(tok[0]);
  const l5 = num(tok[1]);
  const l15 = num(tok[2]);
  if (!Number.isFinite(l1) || !Number.isFinite(l5) || !Number.isFinite(l15)) {
    round.parseError(file, `expected three load averages, got ${JSON.stringify(text.slice(0, 80))}`);
    return;
  }
  round.gauge("load.load1", NO_LABELS, l1);
  round.gauge("load.load5", NO_LABELS, l5);
  round.gauge("load.load15", NO_LABELS, l15);
  const slash = tok[3]?.indexOf("/") ?? -1;
  if (slash > 0) {
    round.gauge("load.procs_running", NO_LABELS, num(tok[3].slice(0, slash)));
    round.gauge("load.procs_total", NO_LABELS, num(tok[3].slice(slash + 1)));
  }
}
