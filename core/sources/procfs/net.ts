/**
 * Network interface counters from `/proc/net/dev`.
 */
import { fields, num, type Round } from "./round.ts";

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
const NAMES = COLUMNS.map(([s]) => `net.${s}`);
const RATE_NAMES = COLUMNS.map(([s]) => `net.${s}_per_sec`);

/**
 * Read `/proc/net/dev` text into `round`, per interface (label `interface`): counters
 * `net.{rx,tx}_{bytes,packets,errors,drops}` and, from the second round on, the matching
 * `..._per_sec` gauges.
 *
 * @example
 * readNet(round, text, "net/dev", DEFAULT_NET_EXCLUDE);
 */
export function readNet(round: Round, text: string, file: string, exclude: RegExp): void {
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
    const tok = fields(line.slice(colon + 1));
    if (tok.length < 16) {
      round.parseError(file, `line ${i + 1}: expected 16 counters for ${iface}, got ${tok.length}`);
      continue;
    }
    let ok = true;
    for (let c = 0; c < COLUMNS.length; c++) if (!Number.isFinite(num(tok[COLUMNS[c][1]]))) ok = false;
    if (!ok) {
      round.parseError(file, `line ${i + 1}: non-numeric counter for ${iface}`);
      continue;
    }
    const labels = { interface: iface };
    for (let c = 0; c < COLUMNS.length; c++) round.counter(NAMES[c], labels, num(tok[COLUMNS[c][1]]), iface, RATE_NAMES[c]);
  }
}
