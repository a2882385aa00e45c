/**
 * A sink that keeps what it receives in memory, for pipeline tests (never used at runtime). It
 * can be taken down (`down = true`): batches come back to be retried as "unavailable" and probes
 * fail, like a destination that is unreachable.
 * @module
 */
import type { OutRecord } from "../../events.ts";
import { emptyResult } from "../../sinks/shared/result.ts";
import type { SendResult, Sink } from "../../sinks/sink.ts";

/** A {@link Sink} delivering into {@link MemorySink.records}. */
export class MemorySink implements Sink {
  readonly type = "file" as const;
  /** Every record delivered, in delivery order. */
  readonly records: OutRecord[] = [];
  /** While true the destination is unreachable: nothing is delivered. */
  down = false;
  /** Batches handed to `send` (delivered or not). */
  batches = 0;
  stopped = false;

  constructor(readonly id: string) {}

  async start(): Promise<void> {}

  async send(batch: OutRecord[]): Promise<SendResult> {
    this.batches++;
    const r = emptyResult();
    if (this.down) return { ...r, retry: batch, errors: { unreachable: batch.length }, unavailable: true };
    this.records.push(...batch);
    return { ...r, delivered: batch.length };
  }

  async probe(): Promise<string | undefined> {
    return this.down ? "memory sink is down" : undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  /** The `agent.seq` of every delivered record, sorted. */
  seqs(): number[] {
    return this.records.map((r) => r.doc.agent.seq).sort((a, b) => a - b);
  }
}
