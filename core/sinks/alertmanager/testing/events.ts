/**
 * Test support: anomaly events of chosen hosts and series (the shared fixtures' events all
 * share one host and series).
 * @module
 */
import type { AnomalyRecord, OutRecord } from "../../../events.ts";

/** One anomaly event of `host` (also its agent id) on `cpu.busy{series}`, at `atMs`. */
export function event(host: string, series: string, seq: number, state: "open" | "close", atMs: number, extra: Record<string, string> = {}): OutRecord {
  const start = new Date(atMs - (state === "close" ? 5000 : 0)).toISOString();
  const doc: AnomalyRecord = {
    "@timestamp": new Date(atMs).toISOString(),
    agent: { id: host, seq },
    host: { name: host },
    metric: { name: "cpu.busy", labels: { series, ...extra } },
    anomaly: { state, start, ...(state === "close" ? { end: new Date(atMs).toISOString() } : {}), peak_score: 0.97, threshold: 0.8, points: 4 },
    model: { name: "online:default", version: "3" },
    event: { kind: "alert" },
  };
  return { kind: "anomaly", doc };
}
