import type { Logger } from "pino";
import type { OutRecord } from "../events.ts";
import { backoffDelay, sleep, type BackoffOptions } from "../runtime/backoff.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import type { Sink, SinkState } from "./sink.ts";

/** Batching and queue limits of one sink. */
export interface DriverOptions {
  /** Records per batch (default 500). */
  maxRecords: number;
  /** Approximate JSON bytes per batch (default 1 MB). */
  maxBytes: number;
  /** Longest a record waits for its batch to fill (default 1 s). */
  maxWaitMs: number;
  /** Records held in memory at most; beyond it new records are dropped and counted (default 1M). */
  maxQueue: number;
  backoff: BackoffOptions;
}

/** Defaults of {@link DriverOptions}. */
export const DRIVER_DEFAULTS: DriverOptions = {
  maxRecords: 500,
  maxBytes: 1_000_000,
  maxWaitMs: 1000,
  maxQueue: 1_000_000,
  backoff: { initialMs: 200, maxMs: 30_000 },
};

/** What `/status` shows for one sink. */
export interface SinkStatus {
  id: string;
  type: string;
  state: SinkState;
  queued: number;
  delivered: number;
  dead: number;
  dropped: number;
  retries: number;
  last_error?: string;
  halted_reason?: string;
}

/**
 * Drives one sink: queues records, cuts batches by count, bytes and time, sends them, re-queues
 * what must be retried (exponential backoff with jitter, capped), dead-letters what the
 * destination rejects, and halts (keeping the data) when the sink says so. Every outcome is
 * counted in {@link Telemetry}.
 */
export class SinkDriver {
  private queue: OutRecord[] = [];
  private head = 0;
  private state: SinkState = "starting";
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private firstQueuedAt = 0;
  private attempt = 0;
  private readonly abort = new AbortController();
  private readonly counts = { delivered: 0, dead: 0, dropped: 0, retries: 0 };
  private lastError: string | undefined;
  private haltedReason: string | undefined;
  readonly o: DriverOptions;

  constructor(
    readonly sink: Sink,
    options: Partial<DriverOptions>,
    private readonly telemetry: Telemetry,
    private readonly log: Logger,
  ) {
    this.o = { ...DRIVER_DEFAULTS, ...options };
  }

  /** Records waiting. */
  get depth(): number {
    return this.queue.length - this.head;
  }

  /** Accepts records; drops (and counts) what does not fit under `maxQueue`. */
  push(records: readonly OutRecord[]): void {
    const room = this.o.maxQueue - this.depth;
    const take = Math.min(room, records.length);
    if (take < records.length) {
      const n = records.length - take;
      this.counts.dropped += n;
      this.telemetry.dropped.inc({ component: this.sink.id, reason: "queue_full" }, n);
    }
    if (take <= 0) return;
    if (this.depth === 0) this.firstQueuedAt = Date.now();
    for (let i = 0; i < take; i++) this.queue.push(records[i]);
    this.telemetry.bufferDepth.set({ component: this.sink.id }, this.depth);
    if (this.depth >= this.o.maxRecords) this.wake?.();
  }

  /** Starts the sink and the send loop. */
  async start(): Promise<void> {
    await this.sink.start();
    this.running = true;
    this.state = "ok";
    this.loop = this.run();
  }

  /** Stops accepting time: sends what is queued (up to `timeoutMs`), then stops the sink. Returns records left. */
  async stop(timeoutMs = 10_000): Promise<OutRecord[]> {
    this.running = false;
    this.wake?.();
    const deadline = sleep(timeoutMs).then(() => this.abort.abort());
    await Promise.race([this.loop, deadline]);
    this.abort.abort();
    await this.loop;
    await this.sink.stop();
    this.state = "stopped";
    const left = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    return left;
  }

  /** Status for `/status`. */
  status(): SinkStatus {
    return {
      id: this.sink.id,
      type: this.sink.type,
      state: this.state,
      queued: this.depth,
      ...this.counts,
      last_error: this.lastError,
      halted_reason: this.haltedReason,
    };
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      if (this.depth === 0) {
        if (!this.running) return;
        await this.waitFor(this.o.maxWaitMs);
        continue;
      }
      const waited = Date.now() - this.firstQueuedAt;
      if (this.running && this.depth < this.o.maxRecords && waited < this.o.maxWaitMs) {
        await this.waitFor(this.o.maxWaitMs - waited);
        continue;
      }
      if (this.state === "halted") {
        if (!this.running) return;
        await this.waitFor(this.o.maxWaitMs);
        continue;
      }
      await this.sendOne();
    }
  }

  private waitFor(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  private takeBatch(): OutRecord[] {
    const batch: OutRecord[] = [];
    let bytes = 0;
    while (this.head < this.queue.length && batch.length < this.o.maxRecords) {
      const r = this.queue[this.head];
      const size = r.json !== undefined ? r.json.length : (r.json = JSON.stringify(r.doc)).length;
      if (batch.length > 0 && bytes + size > this.o.maxBytes) break;
      batch.push(r);
      bytes += size;
      this.head++;
    }
    if (this.head > 65_536 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  private async sendOne(): Promise<void> {
    const batch = this.takeBatch();
    const started = performance.now();
    const result = await this.sink.send(batch);
    this.telemetry.batchLatency.observe({ component: this.sink.id }, (performance.now() - started) / 1000);
    for (const [type, n] of Object.entries(result.errors)) this.telemetry.error(this.sink.id, type, n);
    if (result.delivered) {
      this.counts.delivered += result.delivered;
      this.telemetry.pointsOut.inc({ component: this.sink.id, component_kind: this.sink.type }, result.delivered);
    }
    if (result.dead.length) {
      this.counts.dead += result.dead.length;
      this.telemetry.dropped.inc({ component: this.sink.id, reason: "rejected" }, result.dead.length);
      this.lastError = result.dead[0].reason;
    }
    if (result.retry.length) {
      // Put them back at the head, in order.
      this.queue.splice(this.head, 0, ...result.retry);
      this.counts.retries += result.retry.length;
      this.lastError = Object.keys(result.errors).join(",") || this.lastError;
    }
    if (result.halt) {
      this.state = "halted";
      this.haltedReason = result.halt;
      this.lastError = result.halt;
      this.log.error({ sink: this.sink.id, reason: result.halt }, "sink halted; its records are kept");
    } else if (result.retry.length) {
      this.state = "retrying";
      this.attempt++;
      const delay = backoffDelay(this.attempt, this.o.backoff);
      if (this.attempt === 1 || this.attempt % 10 === 0) {
        this.log.warn({ sink: this.sink.id, retry_in_ms: delay, attempt: this.attempt, errors: result.errors }, "sink delivery failed; retrying");
      }
      await sleep(delay, this.abort.signal);
    } else {
      if (this.state === "retrying") this.log.info({ sink: this.sink.id }, "sink recovered");
      this.state = "ok";
      this.attempt = 0;
    }
    this.telemetry.bufferDepth.set({ component: this.sink.id }, this.depth);
  }
}
