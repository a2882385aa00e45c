/**
 * Virtual memory event counters from `/proc/vmstat` (page faults, swapping, reclaim, OOM kills).
 */
import { lineEnd, num, type Labels, type Round } from "./round.ts";

const NO_LABELS: Labels = Object.freeze({}) as Labels;

/**
 * Kept counters: [metric suffix, vmstat keys summed]. Per-zone keys (`pgalloc_dma32`,
 * `allocstall_normal`...) are summed; keys a kernel lacks are left out of the sum, and a metric
 * none of whose keys exist is not emitted.
 */
export const VMSTAT_COUNTERS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["page_faults", ["pgfault"]],
  ["major_page_faults", ["pgmajfault"]],
  ["paged_in_bytes", ["pgpgin"]],
  ["paged_out_bytes", ["pgpgout"]],
  ["swap_in", ["pswpin"]],
  ["swap_out", ["pswpout"]],
  ["oom_kills", ["oom_kill"]],
  ["pages_allocated", ["pgalloc_dma", "pgalloc_dma32", "pgalloc_normal", "pgalloc_movable", "pgalloc_device", "pgalloc_high"]],
  ["pages_freed", ["pgfree"]],
  ["pages_scanned_kswapd", ["pgscan_kswapd"]],
  ["pages_scanned_direct", ["pgscan_direct"]],
  ["pages_stolen_kswapd", ["pgsteal_kswapd"]],
  ["pages_stolen_direct", ["pgsteal_direct"]],
  ["alloc_stalls", ["allocstall_dma", "allocstall_dma32", "allocstall_normal", "allocstall_movable", "allocstall_device", "allocstall_high", "allocstall"]],
  ["compact_stalls", ["compact_stall"]],
  ["workingset_refaults", ["workingset_refault", "workingset_refault_anon", "workingset_refault_file"]],
  ["thp_fault_allocs", ["thp_fault_alloc"]],
  ["thp_fault_fallbacks", ["thp_fault_fallback"]],
];

/** vmstat key → index of its metric in {@link VMSTAT_COUNTERS}. */
const INDEX = new Map<string, number>(VMSTAT_COUNTERS.flatMap(([, keys], i) => keys.map((k) => [k, i] as [string, number])));
const NAMES = VMSTAT_COUNTERS.map(([s]) => `vmstat.${s}`);
const RATES = VMSTAT_COUNTERS.map(([s]) => `vmstat.${s}_per_sec`);
/** `pgpgin`/`pgpgout` count KiB, not pages. */
const SCALES = VMSTAT_COUNTERS.map(([s]) => (s.endsWith("_bytes") ? 1024 : 1));

/**
 * Read `/proc/vmstat` text (`key value` lines) into `round`: counters `vmstat.<name>` and from
 * the second round on `vmstat.<name>_per_sec` for each of {@link VMSTAT_COUNTERS}.
 *
 * @example
 * readVmstat(round, "pgfault 100\npgmajfault 2\n", "vmstat");
 */
export function readVmstat(round: Round, text: string, file: string): void {
  const sums: number[] = new Array(VMSTAT_COUNTERS.length).fill(NaN);
  let line = 0;
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    line++;
    const sp = text.indexOf(" ", start);
    if (sp < 0 || sp > end) {
      if (end > start) round.parseError(file, `line ${line}: expected "key value", got ${JSON.stringify(text.slice(start, Math.min(end, start + 80)))}`);
    } else {
      const i = INDEX.get(text.slice(start, sp));
      if (i !== undefined) {
        const v = num(text.slice(sp + 1, end));
        if (!Number.isFinite(v)) round.parseError(file, `line ${line}: not a number: ${JSON.stringify(text.slice(start, Math.min(end, start + 80)))}`);
        else sums[i] = Number.isNaN(sums[i]) ? v : sums[i] + v;
      }
    }
    start = end + 1;
  }
  for (let i = 0; i < sums.length; i++) if (!Number.isNaN(sums[i])) round.counter(NAMES[i], NO_LABELS, sums[i] * SCALES[i], "", RATES[i]);
}
