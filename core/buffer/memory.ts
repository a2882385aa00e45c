/**
 * The in-memory buffer: records lost on restart, nothing touches the disk.
 * @module
 */
import type { OutRecord } from "../events.ts";
import { BaseBuffer } from "./base.ts";
import { BUFFER_DEFAULTS, type BufferOptions, type BufferRead } from "./buffer.ts";
import { RecordQueue } from "./queue.ts";

/**
 * A {@link RecordBuffer} in memory. `maxBytes` counts the records' JSON characters; the heap holds
 * the parsed documents too (a few times more). Not durable: what is not acknowledged at
 * shutdown is lost (the runtime counts it as `reason="shutdown"`).
 *
 * @example
 * const buffer = new MemoryBuffer({ maxBytes: 64 << 20, whenFull: "drop_newest" });
 * await buffer.attach(["kafka"]);
 */
export class MemoryBuffer extends BaseBuffer {
  readonly type = "memory" as const;
  readonly durable = false;
  private readonly queue = new RecordQueue(0);

  constructor(options: Partial<BufferOptions> = {}) {
    super({ ...BUFFER_DEFAULTS, ...options });
  }

  protected sizeOf(r: OutRecord): number {
    return (r.json ??= JSON.stringify(r.doc)).length;
  }

  protected store(records: readonly OutRecord[], sizes: readonly number[]): void {
    this.queue.push(records, sizes);
    this.bytes = this.queue.bytes;
  }

  protected load(from: number, maxRecords: number, maxBytes: number): BufferRead {
    const records = this.queue.slice(from, maxRecords, maxBytes);
    return { records, next: from + records.length };
  }

  protected release(upTo: number): void {
    this.queue.dropBefore(upTo);
    this.head = this.queue.base;
    this.bytes = this.queue.bytes;
  }

  async close(): Promise<void> {
    await this.settled();
  }
}
