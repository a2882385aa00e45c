/**
 * The pipeline's side of the record buffer: opening it from the config, reporting what it
 * survived, attaching the configured sinks, and counting what it did not accept.
 * @module
 */
import type { Logger } from "pino";
import { openBuffer, type AppendResult, type RecordBuffer } from "../buffer/index.ts";
import type { OutRecord } from "../events.ts";
import type { SinkDriver } from "../sinks/driver.ts";
import type { RateLimitedLog } from "../telemetry/log.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import type { PipelineBufferConfig as BufferConfig } from "./types.ts";

/**
 * Opens the buffer `config` asks for. Problems it survives (corrupt records or segments, I/O
 * errors) count in `agent_component_errors_total{component="buffer",error_type}` and are
 * logged (one line per type per 10 s). Throws `BufferError` (naming the path) when it cannot open.
 */
export function openRuntimeBuffer(config: BufferConfig, telemetry: Telemetry, rl: RateLimitedLog): Promise<RecordBuffer> {
  return openBuffer(config, (type, message, count) => {
    telemetry.error("buffer", type, count);
    rl.warn(`buffer:${type}`, { component: "buffer", error_type: type, count }, message);
  });
}

/**
 * Gives every configured sink a cursor: a sink new to the buffer starts at the newest record; a
 * cursor whose sink is no longer configured is removed and its backlog counted as dropped
 * (`reason="sink_removed"`).
 */
export async function attachSinks(buffer: RecordBuffer, sinkIds: string[], telemetry: Telemetry, log: Logger): Promise<void> {
  const { added, removed } = await buffer.attach(sinkIds);
  for (const r of removed) {
    if (r.lost) telemetry.dropped.inc({ component: r.id, reason: "sink_removed" }, r.lost);
    log.warn({ sink: r.id, records: r.lost }, "sink no longer configured: its buffer cursor is removed and its backlog will not be sent");
  }
  const before = buffer.stats().records;
  if (added.length && before > 0) log.info({ sinks: added, buffered: before }, "new sinks start at the newest record (the buffered backlog is for the others)");
}

/** Counts the records `append` did not accept, for every sink they were meant for, and logs it (rate-limited). */
export function countRejected(records: readonly OutRecord[], result: AppendResult, drivers: readonly SinkDriver[], rl: RateLimitedLog): void {
  if (!result.dropped) return;
  const rejected = records.slice(result.accepted);
  const reason = result.reason ?? "buffer_full";
  for (const d of drivers) d.noteDropped(rejected, reason);
  rl.warn(`buffer:${reason}`, { component: "buffer", reason, records: rejected.length }, "buffer did not accept records; they are dropped");
}

/** Sets `agent_buffer_depth{component=<sink>}` and `agent_buffer_bytes` to their current values. */
export function refreshBufferGauges(buffer: RecordBuffer | undefined, drivers: readonly SinkDriver[], telemetry: Telemetry): void {
  if (!buffer) return;
  for (const d of drivers) telemetry.bufferDepth.set({ component: d.sink.id }, d.depth);
  telemetry.bufferBytes.set(buffer.stats().bytes);
}

/** The `buffer` block of `/status`. */
export function bufferStatus(buffer: RecordBuffer | undefined, config: BufferConfig): Record<string, unknown> | null {
  if (!buffer) return null;
  const s = buffer.stats();
  return {
    type: s.type,
    ...(s.type === "disk" ? { dir: config.dir, fsync: config.fsync } : {}),
    records: s.records,
    bytes: s.bytes,
    max_bytes: s.maxBytes,
    when_full: config.whenFull,
    dropped: Object.values(s.dropped).reduce((a, b) => a + (b ?? 0), 0),
    dropped_by_reason: s.dropped,
    corrupt_records: s.corrupt,
  };
}
