import type { Logger } from "pino";
import type { RecordBuffer } from "../buffer/buffer.ts";
import type { OutRecord } from "../events.ts";
import { backoffDelay, type BackoffOptions } from "../runtime/backoff.ts";
import { realClock, type Clock } from "../runtime/clock.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import { passesOnly, type OnlyFilter } from "./shared/only.ts";
import type { Sink, SinkState } from "./sink.ts";

/** Batching of one sink. */
export interface DriverOptions {
  /** Records per batch (default 500). */
  maxRecords: number;
  /** Approximate JSON bytes per batch (default 1 MB). */
  maxBytes: number;
  /** Longest a record waits for its batch to fill (default 1 s). */
  maxWaitMs: number;
  /** Which records the sink receives (default all); the others are acknowledged unsent. */
  only: OnlyFilter;
  backoff: BackoffOptions;
  /**
   * While waiting out a backoff longer than this, the sink is probed this often; when a probe
   * that failed succeeds again (the destination is back after an outage), the batch is retried
   * at once instead of after the rest of the backoff (default 1 s). A sink that stays reachable
   * (429, a rejected batch) keeps the full backoff.
   */
  probeEveryMs: number;
  /** Time for batch waits, backoffs, probes and the stop deadline (default the real clock; tests inject a virtual one). */
  clock: Clock;
}

/** Defaults of {@link DriverOptions}. */
export const DRIVER_DEFAULTS: DriverOptions = {
  maxRecords: 500,
  maxBytes: 1_000_000,
  maxWaitMs: 1000,
  only: "all",
  backoff: { initialMs: 200, maxMs: 30_000 },
  probeEveryMs: 1000,
  clock: realClock,
};

/** Longest timer a runtime accepts (about 24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What `/status` shows for one sink. */
export interface SinkStatus {
  id: string;
  type: string;
  state: SinkState;
  /** Records in the buffer this sink has not acknowledged. */
  buffer_depth: number;
  delivered: number;
  dead: number;
  /** Records meant for this sink that the buffer did not accept (full, I/O error, shutdown of a memory buffer). */
  dropped: number;
  retries: number;
  last_error?: string;
  halted_reason?: string;
}

/**
 * Drives one sink from its cursor in the shared {@link RecordBuffer}: waits for a batch to fill
 * (count, bytes, time), sends it, re-sends what must be retried (exponential backoff with
 * jitter, capped), counts what the destination rejects as dead, and halts (keeping the data)
 * when the sink says so. A batch is acknowledged in the buffer only once every record in it is
 * delivered or dead, so a crash or a stop re-sends it rather than losing it. Every outcome is
 * counted in {@link Telemetry}.
 */
export class SinkDriver {
  private state: SinkState = "starting";
  private running = false;
  private loop: Promise<void> | undefined;
  /** The batch in flight: what is left to deliver, and the position to acknowledge after it. */
  private pending: { batch: OutRecord[]; next: number } | undefined;
  private firstSeen = 0;
  private attempt = 0;
  private readonly abort = new AbortController();
  private readonly wake = new AbortController();
  private readonly counts = { delivered: 0, dead: 0, dropped: 0, retries: 0 };
  private lastError: string | undefined;
  private haltedReason: string | undefined;
  readonly o: DriverOptions;

  constructor(
    readonly sink: Sink,
    private readonly buffer: RecordBuffer,
    options: Partial<DriverOptions>,
    private readonly telemetry: Telemetry,
    private readonly log: Logger,
  ) {
    this.o = { ...DRIVER_DEFAULTS, ...options };
  }

  /** Records waiting in the buffer for this sink. */
  get depth(): number {
    return this.buffer.depth(this.sink.id);
  }

  /** Counts records meant for this sink (after `only`) that never made it into the buffer. */
  noteDropped(records: readonly OutRecord[], reason: string): void {
    const n = this.o.only === "all" ? records.length : records.filter((r) => passesOnly(r, this.o.only)).length;
    if (n === 0) return;
    this.counts.dropped += n;
    this.telemetry.dropped.inc({ component: this.sink.id, reason }, n);
  }

  /** Starts the sink and the send loop. */
  async start(): Promise<void> {
    await this.sink.start();
    this.running = true;
    this.state = "ok";
    this.loop = this.run();
  }

  /**
   * Stops: keeps sending what is buffered for up to `timeoutMs` (not at all when it is 0, or when
   * the buffer is durable and the sink is failing: the records wait on disk), then stops the
   * sink. A batch in flight is awaited (and acknowledged if delivered). Returns the records left
   * in the buffer for this sink.
   */
  async stop(timeoutMs = 10_000): Promise<number> {
    this.running = false;
    this.wake.abort();
    if (timeoutMs <= 0 || (this.buffer.durable && this.state !== "ok")) this.abort.abort();
    const deadline = new AbortController();
    void this.o.clock.sleep(timeoutMs, deadline.signal).then(() => this.abort.abort());
    await this.loop;
    deadline.abort();
    await this.sink.stop();
    this.state = "stopped";
    return this.depth;
  }

  /** Status for `/status`. */
  status(): SinkStatus {
    return {
      id: this.sink.id,
      type: this.sink.type,
      state: this.state,
      buffer_depth: this.state === "stopped" ? 0 : this.depth,
      ...this.counts,
      last_error: this.lastError,
      halted_reason: this.haltedReason,
    };
  }

  private firstBatchSent = false;

  private async run(): Promise<void> {
    const id = this.sink.id;
    let yielded = performance.now();
    while (!this.abort.signal.aborted) {
      if (performance.now() - yielded > 20) {
        // A fast sink draining a backlog never waits on anything: let timers and I/O run.
        await new Promise((resolve) => setImmediate(resolve));
        yielded = performance.now();
      }
      if (this.state === "halted") {
        if (!this.running) return;
        await this.o.clock.sleep(this.o.maxWaitMs, this.wake.signal);
        continue;
      }
      if (this.pending) {
        await this.deliver();
        continue;
      }
      const depth = this.buffer.depth(id);
      if (depth === 0) {
        this.firstSeen = 0;
        if (!this.running) return;
        await this.waitForDepth(1, this.o.maxWaitMs);
        continue;
      }
      const now = this.o.clock.now();
      if (!this.firstSeen) this.firstSeen = now;
      const waited = now - this.firstSeen;
      // The very first batch goes out at once (time to first record); later ones fill up.
      if (this.running && this.firstBatchSent && depth < this.o.maxRecords && waited < this.o.maxWaitMs) {
        await this.waitForDepth(this.o.maxRecords, this.o.maxWaitMs - waited);
        continue;
      }
      const read = this.buffer.read(id, this.o.maxRecords, this.o.maxBytes);
      const batch = this.o.only === "all" ? read.records : read.records.filter((r) => passesOnly(r, this.o.only));
      this.pending = { batch, next: read.next };
      this.firstBatchSent = true;
      await this.deliver();
    }
  }

  /**
   * Waits until the buffer holds `min` records for this sink, `ms` pass on the clock, or the
   * driver is woken (stop). The buffer's own timer is not used: the time comes from the clock.
   */
  private async waitForDepth(min: number, ms: number): Promise<void> {
    const wake = this.wake.signal;
    if (wake.aborted) return;
    const done = new AbortController();
    const end = () => done.abort();
    wake.addEventListener("abort", end, { once: true });
    const timer = this.o.clock.setTimeout(end, ms);
    try {
      await this.buffer.waitForDepth(this.sink.id, min, MAX_TIMER_MS, done.signal);
    } finally {
      this.o.clock.clearTimeout(timer);
      wake.removeEventListener("abort", end);
    }
  }

  /** Sends the pending batch once; acknowledges it when nothing is left to retry. */
  private async deliver(): Promise<void> {
    const p = this.pending!;
    if (p.batch.length > 0) {
      const started = performance.now();
      const result = await this.sink.send(p.batch);
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
      p.batch = result.retry;
      if (result.retry.length) {
        this.counts.retries += result.retry.length;
        this.lastError = Object.keys(result.errors).join(",") || this.lastError;
      }
      if (result.halt) {
        this.state = "halted";
        this.haltedReason = result.halt;
        this.lastError = result.halt;
        this.log.error({ sink: this.sink.id, reason: result.halt }, "sink halted; its records are kept");
        return;
      }
      if (result.retry.length) {
        this.state = "retrying";
        this.attempt++;
        const delay = backoffDelay(this.attempt, this.o.backoff);
        if (this.attempt === 1 || this.attempt % 10 === 0) {
          this.log.warn({ sink: this.sink.id, retry_in_ms: delay, attempt: this.attempt, errors: result.errors }, "sink delivery failed; retrying");
        }
        await this.backoff(delay, result.unavailable === true);
        return;
      }
    }
    this.buffer.ack(this.sink.id, p.next);
    this.pending = undefined;
    if (this.state === "retrying") this.log.info({ sink: this.sink.id }, "sink recovered");
    this.state = "ok";
    this.attempt = 0;
    this.telemetry.bufferDepth.set({ component: this.sink.id }, this.depth);
  }

  /**
   * Waits `delay` ms before a retry. Longer waits probe the sink every `probeEveryMs` and end
   * early when the destination answers a probe after being down: after a failed probe, or from
   * the start when the batch failed because the destination was unavailable (`unavailable`: a
   * node still starting answers 503 while its probe already succeeds). The backoff then starts
   * over from `initialMs`: after an outage the backlog starts draining within about a second of
   * the recovery, not up to `backoff.maxMs` later. A destination that refused the batch while
   * reachable (429, 500) gets the full backoff.
   */
  private async backoff(delay: number, unavailable: boolean): Promise<void> {
    const signal = this.abort.signal;
    const clock = this.o.clock;
    const until = clock.monotonic() + delay;
    let sawDown = unavailable;
    while (!signal.aborted) {
      const left = until - clock.monotonic();
      if (left <= this.o.probeEveryMs) return clock.sleep(Math.max(0, left), signal);
      await clock.sleep(this.o.probeEveryMs, signal);
      if (signal.aborted) return;
      const down = await this.sink.probe().catch((e: Error) => e.message || "probe failed");
      if (down) sawDown = true;
      else if (sawDown) {
        this.log.info({ sink: this.sink.id, waited_ms: Math.round(delay - (until - clock.monotonic())) }, "sink reachable again; retrying now");
        this.attempt = 0; // a destination that just came back may still refuse briefly: short backoffs again
        return;
      }
    }
  }
}
