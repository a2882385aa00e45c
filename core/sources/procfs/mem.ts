/**
 * Memory and swap from `/proc/meminfo`.
 */
import { lineEnd, type Round, scanNumbers } from "./round.ts";

const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Keys of the last parse without a `kB` unit (counts, not bytes). */
const BARE = new Set<string>();

const nums: number[] = [];

/** Parse `Key:  123 kB` lines into bytes; bad lines are reported and skipped. */
function parse(round: Round, text: string, file: string): Map<string, number> {
  BARE.clear();
  const out = new Map<string, number>();
  let line = 0;
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    line++;
    const from = start;
    start = end + 1;
    const colon = text.indexOf(":", from);
    const hasColon = colon > from && colon < end;
    // `123 kB`: the unit is checked by hand, the number through scanNumbers (no per-line strings)
    const kb = hasColon && end - colon > 3 && text.startsWith(" kB", end - 3);
    const n = hasColon ? scanNumbers(text, colon + 1, kb ? end - 3 : end, nums) : 0;
    if (!hasColon || n !== 1 || !Number.isFinite(nums[0])) {
      if (text.slice(from, end).trim() === "") continue;
      round.parseError(file, `line ${line}: malformed: ${JSON.stringify(text.slice(from, Math.min(end, from + 80)))}`);
      continue;
    }
    const key = text.slice(from, colon);
    if (!kb) BARE.add(key);
    out.set(key, kb ? nums[0] * 1024 : nums[0]);
  }
  return out;
}

/** meminfo key → metric name (`Active(anon)` → `meminfo.active_anon_bytes`), memoised. */
const DETAIL_NAMES = new Map<string, string>();

function detailName(key: string, bytes: boolean): string {
  const memo = DETAIL_NAMES.get(key);
  if (memo !== undefined) return memo;
  const snake = key
    .replace(/\(([^)]*)\)/g, "_$1")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .toLowerCase();
  const name = `meminfo.${snake}${bytes ? "_bytes" : ""}`;
  if (DETAIL_NAMES.size < 1024) DETAIL_NAMES.set(key, name);
  return name;
}

/** Bound of `meminfo.*` series (today's kernels have ~60 fields; a hostile file cannot add thousands). */
const MAX_DETAIL = 256;

/** Every meminfo field as a gauge (group `meminfo`); fields without `kB` are counts (hugepages). */
function readDetail(round: Round, m: Map<string, number>): void {
  let n = 0;
  for (const [key, v] of m) if (n++ < MAX_DETAIL) round.gauge(detailName(key, !BARE.has(key)), NO_LABELS, v);
}

/**
 * Read `/proc/meminfo` text into `round`: `mem.total_bytes`, `mem.free_bytes`,
 * `mem.available_bytes`, `mem.used_bytes`, `mem.used_fraction`, `mem.buffers_bytes`,
 * `mem.cached_bytes`, `mem.swap_total_bytes`, `mem.swap_free_bytes`, `mem.swap_used_bytes`,
 * `mem.swap_used_fraction` (0 without swap). Available falls back to free + buffers + cached
 * on kernels without `MemAvailable`. With `detail` (group `meminfo`), every field also as
 * `meminfo.<field>_bytes` (snake case; `meminfo.hugepages_total` etc. without unit are counts).
 * `summary` false skips the `mem.*` gauges (group `memory` off).
 *
 * @example
 * readMem(round, "MemTotal: 1000 kB\nMemFree: 500 kB\nMemAvailable: 700 kB\n", "meminfo", true, false);
 */
export function readMem(round: Round, text: string, file: string, summary = true, detail = false): void {
  const m = parse(round, text, file);
  if (detail) readDetail(round, m);
  if (!summary) return;
  const total = m.get("MemTotal");
  const free = m.get("MemFree");
  if (total === undefined || free === undefined || !(total > 0)) {
    round.parseError(file, "MemTotal/MemFree missing");
    return;
  }
  const buffers = m.get("Buffers") ?? 0;
  const cached = m.get("Cached") ?? 0;
  const available = m.get("MemAvailable") ?? free + buffers + cached;
  const g = (name: string, v: number): void => round.gauge(name, NO_LABELS, v);
  g("mem.total_bytes", total);
  g("mem.free_bytes", free);
  g("mem.available_bytes", available);
  g("mem.used_bytes", total - available);
  g("mem.used_fraction", (total - available) / total);
  g("mem.buffers_bytes", buffers);
  g("mem.cached_bytes", cached);
  const swapTotal = m.get("SwapTotal");
  const swapFree = m.get("SwapFree");
  if (swapTotal === undefined || swapFree === undefined) return;
  g("mem.swap_total_bytes", swapTotal);
  g("mem.swap_free_bytes", swapFree);
  g("mem.swap_used_bytes", swapTotal - swapFree);
  g("mem.swap_used_fraction", swapTotal > 0 ? (swapTotal - swapFree) / swapTotal : 0);
}
