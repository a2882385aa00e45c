/**
 * The disk buffer: records in segment files under `dir`, one cursor file per sink; what a sink
 * has not acknowledged is replayed after a restart or a crash. See `core/buffer/README.md`.
 * @module
 */
import { join } from "node:path";
import type { OutRecord } from "../../events.ts";
import { BaseBuffer, StoreError } from "../base.ts";
import { BUFFER_DEFAULTS, BufferError, type BufferOptions, type BufferRead } from "../buffer.ts";
import { RecordQueue } from "../queue.ts";
import { CursorStore } from "./cursors.ts";
import { encodeFrames, frameSize, HEADER_BYTES } from "./format.ts";
import { freeBytes, prepareDir, releaseDir, scanSegments, syncDir } from "./recover.ts";
import { Segment, segmentName } from "./segment.ts";

/**
 * When data and cursors reach the disk (a process crash loses nothing in any mode: every append
 * is written to the kernel before it returns; the modes differ on power loss / kernel crash):
 * - `always`: fsync after every append and every acknowledgement. Loses nothing; slowest.
 * - `interval`: fsync every `fsyncIntervalMs` (default 1 s). Loses up to that much of the newest
 *   records on power loss, and sinks may re-send up to that much (duplicates).
 * - `never`: the OS decides (Linux: ~30 s). Loses up to that much on power loss.
 */
export type FsyncPolicy = "always" | "interval" | "never";

/** Options of {@link DiskBuffer.open}. */
export interface DiskBufferOptions extends BufferOptions {
  /** Directory of the segments and cursors (`<data_dir>/buffer`). */
  dir: string;
  /** A segment is closed and a new one started past this size (default 8 MiB). */
  segmentBytes: number;
  fsync: FsyncPolicy;
  /** Period of `fsync: interval`, and of cursor writes in `interval` and `never` modes (default 1 s). */
  fsyncIntervalMs: number;
  /** Newest records not yet acknowledged by every sink, kept in memory too (at most this many bytes), so sinks that keep up never read the disk (default 16 MiB). */
  cacheBytes: number;
  /** Free bytes on the file system of a directory (injectable for tests). */
  freeBytes?: (dir: string) => number;
}

/** True for "no space left" errors (ENOSPC, EDQUOT): the buffer is full, not broken. */
function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOSPC" || code === "EDQUOT";
}

/** Defaults of {@link DiskBufferOptions}. */
export const DISK_BUFFER_DEFAULTS = {
  ...BUFFER_DEFAULTS,
  segmentBytes: 8 * 1024 * 1024,
  fsync: "interval",
  fsyncIntervalMs: 1000,
  cacheBytes: 16 * 1024 * 1024,
} as const satisfies Partial<DiskBufferOptions>;

/**
 * A durable {@link RecordBuffer}.
 *
 * @example
 * const buffer = await DiskBuffer.open({ dir: "/var/lib/agent/buffer", onError: (type, msg) => log.warn({ type }, msg) });
 * await buffer.attach(["kafka", "es"]); // new sinks start at the tail, removed ones lose their cursor
 */
export class DiskBuffer extends BaseBuffer {
  readonly type = "disk" as const;
  readonly durable = true;
  private readonly segments: Segment[];
  private nextId: number;
  private readonly cache: RecordQueue;
  private readonly cursorFiles: CursorStore;
  private dataDirty = false;
  /** A segment was created or deleted since the directory was last fsync'ed. */
  private dirDirty = false;
  /** fsyncs of sealed segments in flight (awaited by close). */
  private readonly sealing = new Set<Promise<unknown>>();
  private rotate = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking: Promise<void> | undefined;
  private readonly d: DiskBufferOptions;

  private constructor(d: DiskBufferOptions) {
    super(d);
    this.d = d;
    if (d.segmentBytes * 2 > d.maxBytes)
      throw new BufferError(`buffer max size (${d.maxBytes} bytes) must hold at least two segments (${d.segmentBytes} bytes each)`);
    const { diskFull } = prepareDir(d.dir, d.segmentBytes, d.freeBytes ?? freeBytes);
    if (diskFull) this.o.onError?.("disk_full", diskFull, 1);
    const report = this.reportCorrupt.bind(this);
    ({ segments: this.segments, nextId: this.nextId } = scanSegments(d.dir, report));
    this.cursorFiles = new CursorStore(join(d.dir, "cursors"), (message) => this.o.onError?.("io_error", message, 1));
    const { cursors, bad } = this.cursorFiles.load();
    const last = this.segments[this.segments.length - 1];
    const maxCursor = Math.max(0, ...cursors.values());
    this.tail = last ? last.end : maxCursor;
    this.head = this.segments.length ? this.segments[0].base : this.tail;
    for (const b of bad) {
      this.o.onError?.("corrupt_cursor", `${b.path}: ${b.problem}; sink ${b.id} replays the whole buffer`, 1);
      cursors.set(b.id, this.head);
    }
    for (const [id, pos] of cursors) this.cursors.set(id, Math.min(this.tail, Math.max(this.head, pos)));
    this.bytes = this.segments.reduce((n, s) => n + s.size, 0);
    this.cache = new RecordQueue(this.tail);
    try {
      this.segments.push(this.newSegment());
    } catch (error) {
      // Full of its own backlog: the first append opens the new segment once there is room.
      if (!isDiskFull(error) || this.segments.length === 0) throw error;
      this.rotate = true;
    }
    if (d.fsync !== "always") {
      this.timer = setInterval(() => void this.tick(), d.fsyncIntervalMs);
      this.timer.unref?.();
    }
  }

  /** Opens (or creates) the buffer in `options.dir`; throws {@link BufferError} naming the path when it cannot. */
  static async open(options: Partial<DiskBufferOptions> & { dir: string }): Promise<DiskBuffer> {
    try {
      return new DiskBuffer({ ...DISK_BUFFER_DEFAULTS, ...options });
    } catch (error) {
      releaseDir(options.dir);
      if (error instanceof BufferError) throw error;
      const e = error as NodeJS.ErrnoException;
      throw new BufferError(`buffer directory ${options.dir}: ${e.code === "ENOSPC" ? "disk full: " : ""}${e.message}`);
    }
  }

  protected sizeOf(r: OutRecord): number {
    return frameSize(r);
  }

  protected async store(records: readonly OutRecord[]): Promise<void> {
    const { bytes: frames, sizes } = encodeFrames(records);
    let active = this.segments[this.segments.length - 1];
    try {
      if (this.rotate || (active.count > 0 && active.size + frames.length > this.d.segmentBytes)) {
        if (this.d.fsync !== "never") {
          const sealed = active;
          const done = sealed.sync().catch((e) => this.o.onError?.("io_error", `${sealed.path}: fsync: ${(e as Error).message}`, 1));
          this.sealing.add(done);
          void done.finally(() => this.sealing.delete(done));
        }
        active = this.newSegment();
        this.segments.push(active);
        this.rotate = false;
      }
      active.append(frames, sizes);
    } catch (error) {
      // Out of space: the segment was truncated back to its last whole frame; append to it again
      // later. Any other error: start a new segment next time.
      const full = isDiskFull(error);
      if (!full) this.rotate = true;
      throw new StoreError(`${active.path}: ${full ? "disk full: " : ""}${(error as Error).message}`, full);
    }
    this.bytes += frames.length;
    this.cache.push(records, sizes);
    this.cache.trimTo(this.d.cacheBytes);
    this.dataDirty = true;
    if (this.d.fsync === "always") {
      // The records are written (readable, in the cache, positions taken): a failed fsync must
      // not report them as dropped (the buffer's positions would no longer match the segment).
      await active
        .sync()
        .catch((e) => this.o.onError?.("io_error", `${active.path}: fsync: ${(e as Error).message}; records written but not known to be on disk`, 1));
    }
  }

  private newSegment(): Segment {
    const id = this.nextId++;
    const s = Segment.create(join(this.d.dir, segmentName(id)), id, this.tail);
    this.bytes += HEADER_BYTES;
    if (this.d.fsync === "always") syncDir(this.d.dir);
    else this.dirDirty = true;
    return s;
  }

  protected load(from: number, maxRecords: number, maxBytes: number): BufferRead {
    if (from >= this.cache.base) {
      const records = this.cache.slice(from, maxRecords, maxBytes);
      return { records, next: from + records.length };
    }
    const records: OutRecord[] = [];
    let pos = from;
    let i = this.segmentAt(pos);
    while (i < this.segments.length && pos < this.cache.base && records.length < maxRecords) {
      const s = this.segments[i];
      if (pos < s.base) pos = s.base; // positions lost with a corrupt segment
      if (pos >= s.end) {
        i++;
        continue;
      }
      const limit = Math.min(maxRecords - records.length, this.cache.base - pos);
      const got = s.read(pos - s.base, limit, maxBytes, this.reportCorrupt.bind(this));
      records.push(...got.records);
      pos += got.consumed;
      if (records.length > 0) break; // one segment per read keeps reads simple; the next read continues
    }
    return { records, next: Math.min(pos, this.tail) };
  }

  /** Index of the segment holding position `pos` (or the first one after it). */
  private segmentAt(pos: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].base <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  protected release(upTo: number): void {
    // Every sink is past `upTo`: the cached records before it will not be read again (a read
    // from before the cache falls back to the segments anyway). Holding them until the cache is
    // full kept ~16 MiB of JSON and its parsed documents alive for nothing.
    this.cache.dropBefore(upTo);
    while (this.segments.length > 1 && this.segments[0].end <= upTo) {
      const s = this.segments.shift()!;
      try {
        s.remove();
      } catch (error) {
        this.o.onError?.("io_error", `${s.path}: cannot delete: ${(error as Error).message}`, 1);
      }
      this.bytes -= s.size;
    }
    this.head = this.segments[0].base;
  }

  protected override cursorChanged(sinkId: string, position: number | undefined): void {
    this.cursorFiles.changed(sinkId, position, this.d.fsync === "always", this.d.fsync !== "never");
  }

  /** Periodic flush: data fsync (`interval`) and cursor files; never overlaps itself. */
  private tick(): Promise<void> {
    this.ticking ??= this.flush(this.d.fsync === "interval").finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async flush(durable: boolean): Promise<void> {
    if (this.dirDirty && durable) {
      this.dirDirty = false;
      syncDir(this.d.dir);
    }
    if (this.dataDirty && durable) {
      this.dataDirty = false;
      const active = this.segments[this.segments.length - 1];
      await active.sync().catch((e) => this.o.onError?.("io_error", `${active.path}: fsync: ${(e as Error).message}`, 1));
    }
    this.cursorFiles.flush(durable);
  }

  async close(): Promise<void> {
    await this.settled();
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await Promise.all(this.sealing);
    await this.flush(this.d.fsync !== "never");
    const active = this.segments[this.segments.length - 1];
    for (const s of this.segments) s.close();
    if (active.count === 0 && this.segments.length > 0) {
      try {
        active.remove();
      } catch {
        // an empty segment is harmless
      }
    }
    releaseDir(this.d.dir);
  }
}
