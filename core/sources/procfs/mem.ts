/**
 * Memory and swap from `/proc/meminfo`.
 */
import { fields, num, type Round } from "./round.ts";

const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Parse `Key:  123 kB` lines into bytes; bad lines are reported and skipped. */
function parse(round: Round, text: string, file: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    const tok = colon > 0 ? fields(line.slice(colon + 1)) : [];
    const v = num(tok[0]);
    if (colon <= 0 || !Number.isFinite(v) || tok.length > 2 || (tok.length === 2 && tok[1] !== "kB")) {
      round.parseError(file, `line ${i + 1}: malformed: ${JSON.stringify(line.slice(0, 80))}`);
      continue;
    }
    out.set(line.slice(0, colon), tok.length === 2 ? v * 1024 : v);
  }
  return out;
}

/**
 * Read `/proc/meminfo` text into `round`: `mem.total_bytes`, `mem.free_bytes`,
 * `mem.available_bytes`, `mem.used_bytes`, `mem.used_fraction`, `mem.buffers_bytes`,
 * `mem.cached_bytes`, `mem.swap_total_bytes`, `mem.swap_free_bytes`, `mem.swap_used_bytes`,
 * `mem.swap_used_fraction` (0 without swap). Available falls back to free + buffers + cached
 * on kernels without `MemAvailable`.
 *
 * @example
 * readMem(round, "MemTotal: 1000 kB\nMemFree: 500 kB\nMemAvailable: 700 kB\n", "meminfo");
 */
export function readMem(round: Round, text: string, file: string): void {
  const m = parse(round, text, file);
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
