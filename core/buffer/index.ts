/**
 * The record buffer between the scorer and the sinks (memory or disk), behind one interface.
 *
 * @example
 * import { openBuffer } from "./core/buffer/index.ts";
 * const buffer = await openBuffer({ type: "disk", dir: "./var/buffer", maxBytes: 256 << 20, whenFull: "block", fsync: "interval" });
 * await buffer.attach(["kafka"]);
 * @module
 */
import type { BufferErrorHandler, RecordBuffer, WhenFull } from "./buffer.ts";
import { DiskBuffer, DISK_BUFFER_DEFAULTS, type FsyncPolicy } from "./disk/disk.ts";
import { MemoryBuffer } from "./memory.ts";

export * from "./buffer.ts";
export { MemoryBuffer } from "./memory.ts";
export { DiskBuffer, DISK_BUFFER_DEFAULTS, type DiskBufferOptions, type FsyncPolicy } from "./disk/disk.ts";
export { SegmentVersionError, FORMAT_VERSION } from "./disk/format.ts";

/** What {@link openBuffer} needs: the `buffer:` config section in runtime form. */
export interface BufferSettings {
  type: "memory" | "disk";
  maxBytes: number;
  whenFull: WhenFull;
  /** Disk only. */
  dir?: string;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  segmentBytes?: number;
}

/** Opens the buffer a config asks for; throws `BufferError` (naming the path) when a disk buffer cannot start. */
export async function openBuffer(s: BufferSettings, onError?: BufferErrorHandler): Promise<RecordBuffer> {
  if (s.type === "memory") return new MemoryBuffer({ maxBytes: s.maxBytes, whenFull: s.whenFull, onError });
  if (!s.dir) throw new Error("openBuffer: a disk buffer needs dir");
  return DiskBuffer.open({
    dir: s.dir,
    maxBytes: s.maxBytes,
    whenFull: s.whenFull,
    fsync: s.fsync ?? DISK_BUFFER_DEFAULTS.fsync,
    fsyncIntervalMs: s.fsyncIntervalMs ?? DISK_BUFFER_DEFAULTS.fsyncIntervalMs,
    segmentBytes: s.segmentBytes ?? DISK_BUFFER_DEFAULTS.segmentBytes,
    onError,
  });
}
