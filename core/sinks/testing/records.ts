/**
 * Test fixtures shared by the sink tests (not used at runtime).
 * @module
 */
import { SCORE_DRIFT_METRIC, type AnomalyRecord, type DriftRecord, type OutRecord, type PointRecord } from "../../events.ts";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A scored point following the data contract. */
export function makePoint(agentId: string, seq: number, over: Partial<PointRecord> = {}): OutRecord {
  const doc: PointRecord = {
    "@timestamp": new Date(T0 + seq * 1000).toISOString(),
    agent: { id: agentId, seq },
    host: { name: "edge-01" },
    metric: { name: "synthetic.value", labels: { series: `series_${String(seq % 4).padStart(4, "0")}` } },
    value: Math.round(Math.sin(seq) * 1000) / 1000,
    anomaly: { score: 0.12, threshold: 0.8, is_anomaly: false },
    model: { name: "online:default", version: "1" },
    event: { kind: "metric" },
    ...over,
  };
  return { kind: "point", doc };
}

/** An anomaly event (open unless `state` says otherwise) following the data contract. */
export function makeAnomaly(agentId: string, seq: number, state: "open" | "close" = "open"): OutRecord {
  const ts = new Date(T0 + seq * 1000).toISOString();
  const doc: AnomalyRecord = {
    "@timestamp": ts,
    agent: { id: agentId, seq },
    host: { name: "edge-01" },
    metric: { name: "synthetic.value", labels: { series: "series_0003" } },
    anomaly: {
      state,
      start: new Date(T0).toISOString(),
      ...(state === "close" ? { end: ts } : {}),
      peak_score: 0.93,
      threshold: 0.8,
      points: 3,
    },
    model: { name: "online:default", version: "1" },
    event: { kind: "alert" },
  };
  return { kind: "anomaly", doc };
}

/** A drift event (start) of a series' input, or of the model's scores, following the data contract. */
export function makeDrift(agentId: string, seq: number, stream: "input" | "score" = "input"): OutRecord {
  const doc: DriftRecord = {
    "@timestamp": new Date(T0 + seq * 1000).toISOString(),
    agent: { id: agentId, seq },
    host: { name: "edge-01" },
    metric: stream === "input" ? { name: "synthetic.value", labels: { series: "series_0003" } } : { name: SCORE_DRIFT_METRIC, labels: {} },
    drift: { state: "start", stream, psi: 0.412, level: 0.25 },
    model: { name: "online:default", version: "1" },
    event: { kind: "drift" },
  };
  return { kind: "anomaly", doc };
}

/** `n` records from seq `from`: every 10th one an event, every other event of them a drift record (seq 19, 39, …), the rest anomaly events. */
export function makeBatch(agentId: string, n: number, from = 0): OutRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const seq = from + i;
    return seq % 20 === 19 ? makeDrift(agentId, seq) : seq % 10 === 9 ? makeAnomaly(agentId, seq) : makePoint(agentId, seq);
  });
}

/** Resolves when a TCP connect to `host:port` succeeds, else rejects with `hint` (tests fail, not skip). */
export async function requireTcp(hostPort: string, hint: string, timeoutMs = 2000): Promise<void> {
  const i = hostPort.lastIndexOf(":");
  const { connect } = await import("node:net");
  await new Promise<void>((resolve, reject) => {
    const sock = connect({ host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`${hint} (connect timeout)`));
    }, timeoutMs);
    sock.once("connect", () => {
      clearTimeout(timer);
      sock.end();
      resolve();
    });
    sock.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${hint} (${err.message})`));
    });
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
