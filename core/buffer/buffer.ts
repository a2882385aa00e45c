/**
 * The record buffer between the scorer and the sinks: one shared log of records, one cursor per
 * sink. Implemented in memory ({@link MemoryBuffer}) and on disk ({@link DiskBuffer}); both pass
 * the same test suite (`suite.test.ts`).
 * @module
 */
import type { OutRecord } from "../events.ts";

/** What `append` does when the buffer holds `maxBytes` (or its file system is full): wait for space, or reject the newest records. */
export type WhenFull = "block" | "drop_newest";

/** Why records were not accepted by `append`. */
export type DropReason = "buffer_full" | "buffer_io_error";

/** What {@link RecordBuffer.append} did with a list of records. */
export interface AppendResult {
  /** Records stored (a prefix of the list, in order). */
  accepted: number;
  /** Records not stored (the rest of the list); the caller counts them. */
  dropped: number;
  /**
   * Why the `dropped` ones were not stored. `aborted`: a `block` append gave up waiting for space
   * because its signal aborted (the agent is stopping); those records were never accepted and are
   * not counted as drops — the caller still holds them (the runtime gives their seqs back).
   */
  reason?: DropReason | "aborted";
}

/** The next records of one sink, as returned by {@link RecordBuffer.read}. */
export interface BufferRead {
  records: OutRecord[];
  /**
   * Position just after the last record read: pass it to {@link RecordBuffer.ack} once they are
   * all delivered. Can be past the last returned record when corrupt records were skipped, so a
   * read with no records but `next` beyond the cursor must be acknowledged too.
   */
  next: number;
}

/** Sinks that `attach` added, and those it removed with how many records they had not acknowledged. */
export interface AttachResult {
  added: string[];
  removed: { id: string; lost: number }[];
}

/** Totals shown in `/status`. */
export interface BufferStats {
  type: "memory" | "disk";
  /** Records held (appended and not yet acknowledged by every sink, modulo segment granularity on disk). */
  records: number;
  /** Bytes held (JSON bytes in memory, segment file bytes on disk). */
  bytes: number;
  maxBytes: number;
  /** Records `append` did not accept, by reason. */
  dropped: Partial<Record<DropReason, number>>;
  /** Corrupt or torn records skipped (disk only). */
  corrupt: number;
  /** Set while a `block` append waits for space: since when, and why (the file system is full, or `maxBytes` is held). */
  blocked?: { since: number; reason: "disk_full" | "max_size"; message: string };
}

/**
 * Reports a problem the buffer survived (`corrupt_record`, `corrupt_segment`, `io_error`, `disk_full`, `corrupt_cursor`): `count`
 * occurrences, one human-readable message. The runtime turns it into
 * `agent_component_errors_total{component="buffer",error_type}` and one log line.
 */
export type BufferErrorHandler = (type: string, message: string, count: number) => void;

/** Options every buffer takes. */
export interface BufferOptions {
  /** Most bytes held (default 256 MiB). */
  maxBytes: number;
  /** What `append` does when full (default `block`). */
  whenFull: WhenFull;
  /** Problems the buffer survived (default: ignored). */
  onError?: BufferErrorHandler;
}

/** Defaults of {@link BufferOptions}. */
export const BUFFER_DEFAULTS = { maxBytes: 256 * 1024 * 1024, whenFull: "block" } as const satisfies Partial<BufferOptions>;

/**
 * A shared log of records with one cursor per sink.
 *
 * - `append` stores records for every attached sink;
 * - `read(sink)` returns the records after that sink's acknowledged position without consuming
 *   them (reading twice returns the same records);
 * - `ack(sink, upTo)` moves that sink's position;
 * - a record is released only after every sink acknowledged it, so a slow or dead sink holds
 *   records (up to `maxBytes`) without holding the others back; past `maxBytes`, `whenFull`
 *   applies to `append`.
 *
 * @example
 * const buffer = new MemoryBuffer({ maxBytes: 64 << 20, whenFull: "block" });
 * await buffer.attach(["kafka", "es"]);
 * await buffer.append(records);
 * const { records: batch, next } = buffer.read("kafka", 500, 1 << 20);
 * // ... deliver batch ...
 * buffer.ack("kafka", next);
 */
export interface RecordBuffer {
  readonly type: "memory" | "disk";
  /** True when unacknowledged records survive a restart. */
  readonly durable: boolean;
  /**
   * Sets the sinks that read from the buffer: a new sink starts at the current tail (it sees
   * records appended from now on); a sink not in the list loses its cursor and its backlog.
   */
  attach(sinkIds: readonly string[]): Promise<AttachResult>;
  /**
   * Stores records (in order) for every attached sink. When full: `block` waits for space until
   * `signal` aborts (the rest is then returned with reason `aborted`, not counted as dropped); `drop_newest` rejects what does not fit.
   */
  append(records: readonly OutRecord[], signal?: AbortSignal): Promise<AppendResult>;
  /** Up to `maxRecords` (and about `maxBytes`, at least one record) after the sink's acknowledged position. */
  read(sinkId: string, maxRecords: number, maxBytes: number): BufferRead;
  /** Marks everything before position `upTo` as delivered for `sinkId`. */
  ack(sinkId: string, upTo: number): void;
  /** Records appended that `sinkId` has not acknowledged. */
  depth(sinkId: string): number;
  /** Resolves once `depth(sinkId) ≥ minDepth`, after `timeoutMs`, or when `signal` aborts. */
  waitForDepth(sinkId: string, minDepth: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  stats(): BufferStats;
  /** Flushes cursors (and, on disk, the data) and releases files. */
  close(): Promise<void>;
}

/** A buffer misuse or an unusable buffer directory (the message names the path or sink). */
export class BufferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BufferError";
  }
}
