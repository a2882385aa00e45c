/**
 * Block device I/O from `/proc/diskstats`.
 */
import { fields, num, type Round } from "./round.ts";

/**
 * Devices skipped by default: loop, RAM and floppy devices, and partitions of whole disks
 * (their I/O is already in the disk's line), as node_exporter's default.
 */
export const DEFAULT_DISK_EXCLUDE = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]+|nvme\d+n\d+p|mmcblk\d+p)\d+$/;

/** Sectors in `/proc/diskstats` are always 512 bytes, whatever the device's sector size. */
const SECTOR = 512;

/**
 * Detail columns (group `disk_detail`): [field index, counter, rate or "", scale]. Discard
 * fields exist from Linux 4.18, flush fields from 5.5: absent columns are not emitted.
 */
const DETAIL: ReadonlyArray<readonly [number, string, string, number]> = [
  [4, "disk.reads_merged", "disk.reads_merged_per_sec", 1],
  [6, "disk.read_time_seconds", "", 1 / 1000],
  [8, "disk.writes_merged", "disk.writes_merged_per_sec", 1],
  [10, "disk.write_time_seconds", "", 1 / 1000],
  [13, "disk.weighted_io_time_seconds", "disk.queue_length", 1 / 1000],
  [14, "disk.discards", "disk.discards_per_sec", 1],
  [16, "disk.discard_bytes", "disk.discard_bytes_per_sec", SECTOR],
  [17, "disk.discard_time_seconds", "", 1 / 1000],
  [18, "disk.flushes", "disk.flushes_per_sec", 1],
  [19, "disk.flush_time_seconds", "", 1 / 1000],
];

function readDetail(round: Round, tok: string[], labels: Record<string, string>, device: string, reads: number, writes: number): void {
  round.gauge("disk.in_flight", labels, num(tok[11]));
  for (const [i, name, rate, scale] of DETAIL) {
    if (i >= tok.length) break;
    const v = num(tok[i]);
    if (rate === "") round.counter(name, labels, v * scale, device);
    else round.counter(name, labels, v * scale, device, rate);
  }
  // Average latency of the operations completed this round (iostat's r_await / w_await).
  round.remember("disk.reads_done", reads, device);
  round.remember("disk.writes_done", writes, device);
  const await_ = (ops: string, time: string, out: string): void => {
    const n = round.delta(ops, device);
    const t = round.delta(time, device);
    if (n > 0 && Number.isFinite(t)) round.gauge(out, labels, t / n);
  };
  await_("disk.reads_done", "disk.read_time_seconds", "disk.read_await_seconds");
  await_("disk.writes_done", "disk.write_time_seconds", "disk.write_await_seconds");
}

/**
 * Read `/proc/diskstats` text into `round`, per device (label `device`): counters
 * `disk.reads`, `disk.writes` (completed operations), `disk.read_bytes`, `disk.write_bytes`,
 * `disk.io_time_seconds`; from the second round on, the gauges `disk.reads_per_sec`,
 * `disk.writes_per_sec`, `disk.read_bytes_per_sec`, `disk.write_bytes_per_sec` and
 * `disk.busy_fraction` (share of wall time with I/O in flight, 0..1). With `detail` (group
 * `disk_detail`): merged operations, read/write/discard/flush times, in-flight operations,
 * weighted I/O time (its rate is the average queue length), discards, flushes, and the
 * average latency of the round's reads and writes (`disk.{read,write}_await_seconds`).
 *
 * @example
 * readDisks(round, "   8 0 sda 10 0 80 5 4 0 32 3 0 8 8\n", "diskstats", DEFAULT_DISK_EXCLUDE);
 */
export function readDisks(round: Round, text: string, file: string, exclude: RegExp, base = true, detail = false): void {
  if (!base && !detail) return;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const tok = fields(lines[i]);
    const device = tok[2];
    if (tok.length < 14) {
      round.parseError(file, `line ${i + 1}: expected >= 14 fields, got ${tok.length}`);
      continue;
    }
    if (exclude.test(device)) continue;
    const reads = num(tok[3]);
    const readSectors = num(tok[5]);
    const writes = num(tok[7]);
    const writeSectors = num(tok[9]);
    const ioMs = num(tok[12]);
    if (!(Number.isFinite(reads) && Number.isFinite(readSectors) && Number.isFinite(writes) && Number.isFinite(writeSectors) && Number.isFinite(ioMs))) {
      round.parseError(file, `line ${i + 1}: non-numeric field for device ${device}`);
      continue;
    }
    const labels = { device };
    if (base) {
      round.counter("disk.reads", labels, reads, device, "disk.reads_per_sec");
      round.counter("disk.writes", labels, writes, device, "disk.writes_per_sec");
      round.counter("disk.read_bytes", labels, readSectors * SECTOR, device, "disk.read_bytes_per_sec");
      round.counter("disk.write_bytes", labels, writeSectors * SECTOR, device, "disk.write_bytes_per_sec");
      round.counter("disk.io_time_seconds", labels, ioMs / 1000, device);
      const busy = round.delta("disk.io_time_seconds", device);
      if (Number.isFinite(busy) && round.dtSec > 0) round.gauge("disk.busy_fraction", labels, Math.min(1, busy / round.dtSec));
    }
    if (detail) readDetail(round, tok, labels, device, reads, writes);
  }
}
