/**
 * What both buffers share: cursors, positions, size accounting, `when_full`, waiting for data
 * and for space. Storage (memory array or segment files) is left to the subclass.
 * @module
 */
import type { OutRecord } from "../events.ts";
import {
  BufferError,
  type AppendResult,
  type AttachResult,
  type BufferOptions,
  type BufferRead,
  type BufferStats,
  type DropReason,
  type RecordBuffer,
} from "./buffer.ts";

interface DataWaiter {
  sinkId: string;
  min: number;
  done: () => void;
}

/**
 * Thrown by a subclass's `store` when the records could not be written. `full` (the file system
 * is out of space: ENOSPC, EDQUOT) means the buffer is full and `when_full` applies; otherwise it
 * is an I/O error and the records are dropped as `buffer_io_error`.
 */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly full = false,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

/** While blocked on a full file system, how often a blocked append tries again (space may be freed by others). */
const DISK_FULL_RETRY_MS = 1000;

/**
 * Positions: every appended record gets the next integer position (`tail`); records from `head`
 * to `tail` are held; a sink's cursor is the position of the first record it has not
 * acknowledged.
 */
export abstract class BaseBuffer implements RecordBuffer {
  abstract readonly type: "memory" | "disk";
  abstract readonly durable: boolean;
  protected readonly cursors = new Map<string, number>();
  protected head = 0;
  protected tail = 0;
  protected bytes = 0;
  protected corrupt = 0;
  private readonly dropped: Partial<Record<DropReason, number>> = {};
  private chain: Promise<unknown> = Promise.resolve();
  private readonly dataWaiters = new Set<DataWaiter>();
  private spaceWaiters: (() => void)[] = [];
  private blockedOn: BufferStats["blocked"];

  constructor(protected readonly o: BufferOptions) {
    if (!(o.maxBytes > 0)) throw new BufferError(`buffer max size must be positive, got ${o.maxBytes}`);
  }

  /** Bytes `r` takes in storage (sets `r.json`). */
  protected abstract sizeOf(r: OutRecord): number;
  /** Stores records at positions `tail…`; adds their bytes to `bytes`. Throws {@link StoreError}. */
  protected abstract store(records: readonly OutRecord[], sizes: readonly number[]): void | Promise<void>;
  /** Records from position `from` (head ≤ from < tail). */
  protected abstract load(from: number, maxRecords: number, maxBytes: number): BufferRead;
  /** Frees what lies before `upTo` (every cursor is at or past it); updates `head` and `bytes`. */
  protected abstract release(upTo: number): void;
  /** Called when a cursor moved or was removed (`position` undefined). */
  protected cursorChanged(_sinkId: string, _position: number | undefined): void {}

  async attach(sinkIds: readonly string[]): Promise<AttachResult> {
    const result: AttachResult = { added: [], removed: [] };
    for (const [id, pos] of [...this.cursors]) {
      if (sinkIds.includes(id)) continue;
      this.cursors.delete(id);
      this.cursorChanged(id, undefined);
      result.removed.push({ id, lost: this.tail - pos });
    }
    for (const id of sinkIds) {
      if (this.cursors.has(id)) continue;
      this.cursors.set(id, this.tail);
      this.cursorChanged(id, this.tail);
      result.added.push(id);
    }
    this.releaseAcked();
    return result;
  }

  append(records: readonly OutRecord[], signal?: AbortSignal): Promise<AppendResult> {
    const run = this.chain.then(() => this.appendNow(records, signal));
    this.chain = run.catch(() => {});
    return run;
  }

  private async appendNow(records: readonly OutRecord[], signal?: AbortSignal): Promise<AppendResult> {
    const sizes = records.map((r) => this.sizeOf(r));
    let i = 0;
    while (i < records.length) {
      let take = 0;
      let add = 0;
      while (i + take < records.length && this.bytes + add + sizes[i + take] <= this.o.maxBytes) add += sizes[i + take++];
      if (take > 0) {
        try {
          await this.store(records.slice(i, i + take), sizes.slice(i, i + take));
        } catch (error) {
          if (!(error instanceof StoreError)) throw error;
          if (!error.full) {
            this.o.onError?.("io_error", error.message, 1);
            return this.drop(records.length, i, "buffer_io_error");
          }
          // The file system is full: the buffer is full, whatever max_size says.
          this.o.onError?.("disk_full", error.message, 1);
          if (this.o.whenFull === "drop_newest") return this.drop(records.length, i, "buffer_full");
          if (signal?.aborted) return this.abandon(records.length, i);
          this.blockedOn ??= { since: Date.now(), reason: "disk_full", message: error.message };
          await this.waitForSpace(signal, DISK_FULL_RETRY_MS);
          continue;
        }
        this.blockedOn = undefined;
        this.tail += take;
        i += take;
        this.wakeReaders();
        continue;
      }
      // Nothing fits. A record larger than the whole buffer never will: drop it, whatever the policy.
      if (sizes[i] > this.o.maxBytes || this.o.whenFull === "drop_newest") return this.drop(records.length, i, "buffer_full");
      if (signal?.aborted) return this.abandon(records.length, i);
      this.blockedOn ??= { since: Date.now(), reason: "max_size", message: `buffer holds its max size (${this.o.maxBytes} bytes)` };
      await this.waitForSpace(signal);
    }
    this.blockedOn = undefined;
    return { accepted: records.length, dropped: 0 };
  }

  /** A blocked append given up because its signal aborted (the stop): the rest was never accepted, and is not a drop. */
  private abandon(total: number, accepted: number): AppendResult {
    this.blockedOn = undefined;
    return { accepted, dropped: total - accepted, reason: "aborted" };
  }

  private drop(total: number, accepted: number, reason: DropReason): AppendResult {
    const n = total - accepted;
    this.dropped[reason] = (this.dropped[reason] ?? 0) + n;
    return { accepted, dropped: n, reason };
  }

  read(sinkId: string, maxRecords: number, maxBytes: number): BufferRead {
    const from = Math.max(this.cursor(sinkId), this.head);
    if (from >= this.tail || maxRecords <= 0) return { records: [], next: from };
    return this.load(from, maxRecords, maxBytes);
  }

  ack(sinkId: string, upTo: number): void {
    const at = this.cursor(sinkId);
    if (!Number.isSafeInteger(upTo) || upTo < at || upTo > this.tail) {
      throw new BufferError(`sink ${sinkId}: cannot acknowledge up to ${upTo} (cursor ${at}, tail ${this.tail})`);
    }
    if (upTo === at) return;
    this.cursors.set(sinkId, upTo);
    this.cursorChanged(sinkId, upTo);
    this.releaseAcked();
  }

  depth(sinkId: string): number {
    return this.tail - Math.max(this.cursor(sinkId), this.head);
  }

  waitForDepth(sinkId: string, minDepth: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.depth(sinkId) >= minDepth || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: DataWaiter = { sinkId, min: minDepth, done };
      const timer = setTimeout(done, timeoutMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        self.dataWaiters.delete(waiter);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
      this.dataWaiters.add(waiter);
    });
  }

  stats(): BufferStats {
    return {
      type: this.type,
      records: this.tail - this.head,
      bytes: this.bytes,
      maxBytes: this.o.maxBytes,
      dropped: { ...this.dropped },
      corrupt: this.corrupt,
      ...(this.blockedOn ? { blocked: { ...this.blockedOn } } : {}),
    };
  }

  abstract close(): Promise<void>;

  /** Waits until pending appends are done (for `close`). */
  protected async settled(): Promise<void> {
    await this.chain;
  }

  /** Counts `n` corrupt records and reports them. */
  protected reportCorrupt(type: "corrupt_record" | "corrupt_segment", message: string, n = 1): void {
    if (type === "corrupt_record") this.corrupt += n;
    this.o.onError?.(type, message, n);
  }

  private cursor(sinkId: string): number {
    const c = this.cursors.get(sinkId);
    if (c === undefined) throw new BufferError(`sink ${sinkId} is not attached to the buffer`);
    return c;
  }

  /** Releases what every sink acknowledged and wakes blocked appends when space came free. */
  protected releaseAcked(): void {
    let min = this.tail;
    for (const c of this.cursors.values()) if (c < min) min = c;
    if (min <= this.head) return;
    const before = this.bytes;
    this.release(min);
    if (this.bytes < before) this.wakeWriters();
  }

  private wakeReaders(): void {
    for (const w of this.dataWaiters) if (this.depth(w.sinkId) >= w.min) w.done();
  }

  private wakeWriters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when space was released, when `signal` aborts, or after `timeoutMs` (if given). */
  private waitForSpace(signal?: AbortSignal, timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
      this.spaceWaiters.push(done);
    });
  }
}
