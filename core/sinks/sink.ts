import type { OutRecord } from "../events.ts";

/** Health of a sink as `/status` and `/readyz` show it. */
export type SinkState = "starting" | "ok" | "retrying" | "halted" | "stopped";

/** What happened to one batch handed to {@link Sink.send}. */
export interface SendResult {
  /** Records acknowledged by the destination (including "already there", e.g. ES 409 on create). */
  delivered: number;
  /** Records to send again later (transient failure: 429, 5xx, broker down...). */
  retry: OutRecord[];
  /** Records the destination will never accept (e.g. ES 400 mapping error), with the reason. */
  dead: { record: OutRecord; reason: string }[];
  /** Set when the sink must stop sending (e.g. 401/403): the records in `retry` are kept. */
  halt?: string;
  /** Error type counts for this batch (`http_429`, `timeout`, `mapping_error`...). */
  errors: Record<string, number>;
  /**
   * Set when records are in `retry` because the destination was unreachable or not serving yet
   * (connection refused, timeout, 502/503/504, a Kafka broker error), as opposed to refusing
   * this batch (429, 500). While it waits out the backoff, the driver retries as soon as a probe
   * succeeds, so a service that just came back is not left idle for the rest of a long backoff.
   */
  unavailable?: boolean;
}

/**
 * A destination for records. `send` never throws: every failure is classified into the
 * {@link SendResult}. Batching, retries with backoff and buffering live outside the sink
 * (core/sinks/driver.ts), so every sink gets them the same way.
 */
export interface Sink {
  readonly id: string;
  /** Its `type:` in the config: a key of the sink catalog (core/sinks/catalog.ts). */
  readonly type: string;
  /** Connect / install templates. Must not throw when the destination is unreachable; report it via `probe`. */
  start(): Promise<void>;
  /** Deliver one batch. */
  send(batch: OutRecord[]): Promise<SendResult>;
  /** Cheap reachability check for `/readyz`: undefined when reachable, else the reason. */
  probe(): Promise<string | undefined>;
  /** Flush and close. */
  stop(): Promise<void>;
}
