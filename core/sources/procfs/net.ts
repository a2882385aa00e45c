/**
 * Network interface counters from `/proc/net/dev`.
 */
import { scanNumbers, type Round } from "./round.ts";

/** Interfaces skipped by default: loopback. */
export const DEFAULT_NET_EXCLUDE = /^lo$/;

/** Columns of `/proc/net/dev` we keep: [metric suffix, column index after the colon]. */
const COLUMNS: ReadonlyArray<readonly [string, number]> = [
  ["rx_bytes", 0],
  ["rx_packets", 1],
  ["rx_errors", 2],
  ["rx_drops", 3],
  ["tx_bytes", 8],
  ["tx_packets", 9],
  ["tx_errors", 10],
  ["tx_drops", 11],
];
/** The other 8 columns, kept with group `network_detail`. */
const DETAIL_COLUMNS: ReadonlyArray<readonly [string, number]> = [
  ["rx_fifo_errors", 4],
  ["rx_frame_errors", 5],
  ["rx_compressed", 6],
  ["rx_multicast", 7],
  ["tx_fifo_errors", 12],
  ["tx_collisions", 13],
  ["tx_carrier_errors", 14],
  ["tx_compressed", 15],
];

interface Column {
  name: string;
  rate: string;
  index: number;
}
const toColumns = (cols: ReadonlyArray<readonly [string, number]>): Column[] =>
  cols.map(([s, index]) => ({ name: `net.${s}`, rate: `net.${s}_per_sec`, index }));
const BASE = toColumns(COLUMNS);
const DETAIL = toColumns(DETAIL_COLUMNS);
const ALL = [...BASE, ...DETAIL];

/** Per-source cache: label objects per interface. */
export class NetState {
  readonly labels = new Map<string, Record<string, string>>();
  readonly nums: number[] = [];
}

/**
 * Read `/proc/net/dev` text into `round`, per interface (label `interface`): counters
 * `net.{rx,tx}_{bytes,packets,errors,drops}` and, from the second round on, the matching
 * `..._per_sec` gauges; with `detail` (group `network_detail`) the other eight columns too:
 * `net.rx_{fifo_errors,frame_errors,compressed,multicast}`, `net.tx_{fifo_errors,collisions,carrier_errors,compressed}`.
 *
 * @example
 * readNet(round, text, "net/dev", DEFAULT_NET_EXCLUDE);
 */
export function readNet(round: Round, text: string, file: string, exclude: RegExp, base = true, detail = false, st = new NetState()): void {
  const cols = base && detail ? ALL : detail ? DETAIL : base ? BASE : [];
  if (cols.length === 0) return;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon < 0) {
      // The two header lines carry `|` separators and no colon.
      if (line.trim() !== "" && !line.includes("|")) round.parseError(file, `line ${i + 1}: no interface name`);
      continue;
    }
    const iface = line.slice(0, colon).trim();
    if (exclude.test(iface)) continue;
    const tok = st.nums;
    const n = scanNumbers(line, colon + 1, line.length, tok);
    if (n < 16) {
      round.parseError(file, `line ${i + 1}: expected 16 counters for ${iface}, got ${n}`);
      continue;
    }
    let ok = true;
    for (let c = 0; c < cols.length; c++) if (!Number.isFinite(tok[cols[c].index])) ok = false;
    if (!ok) {
      round.parseError(file, `line ${i + 1}: non-numeric counter for ${iface}`);
      continue;
    }
    let labels = st.labels.get(iface);
    if (labels === undefined) {
      labels = Object.freeze({ interface: iface }) as Record<string, string>;
      if (st.labels.size < 4096) st.labels.set(iface, labels);
    }
    for (let c = 0; c < cols.length; c++) round.counter(cols[c].name, labels, tok[cols[c].index], iface, cols[c].rate);
  }
}
