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
 * Read `/proc/diskstats` text into `round`, per device (label `device`): counters
 * `disk.reads`, `disk.writes` (completed operations), `disk.read_bytes`, `disk.write_bytes`,
 * `disk.io_time_seconds`; from the second round on, the gauges `disk.reads_per_sec`,
 * `disk.writes_per_sec`, `disk.read_bytes_per_sec`, `disk.write_bytes_per_sec` and
 * `disk.busy_fraction` (share of wall time with I/O in flight, 0..1).
 *
 * @example
 * readDisks(round, "   8 0 sda 10 0 80 5 4 0 32 3 0 8 8\n", "diskstats", DEFAULT_DISK_EXCLUDE);
 */
export function readDisks(round: Round, text: string, file: string, exclude: RegExp): void {
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
    round.counter("disk.reads", labels, reads, device, "disk.reads_per_sec");
    round.counter("disk.writes", labels, writes, device, "disk.writes_per_sec");
    round.counter("disk.read_bytes", labels, readSectors * SECTOR, device, "disk.read_bytes_per_sec");
    round.counter("disk.write_bytes", labels, writeSectors * SECTOR, device, "disk.write_bytes_per_sec");
    round.counter("disk.io_time_seconds", labels, ioMs / 1000, device);
    const busy = round.delta("disk.io_time_seconds", device);
    if (Number.isFinite(busy) && round.dtSec > 0) round.gauge("disk.busy_fraction", labels, Math.min(1, busy / round.dtSec));
  }
}
