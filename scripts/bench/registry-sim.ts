/**
 * Pieces of the registry benchmark: a `fetch` load loop, a fleet heartbeating in real time, and
 * the discrete-event simulation of a fleet picking up a pushed version.
 */
import type { Hono } from "hono";
import { createRng } from "../../data/random.ts";
import type { Heartbeat } from "../../models/registry-protocol/heartbeat.ts";

/** A realistic heartbeat of agent `i`. */
export function heartbeat(i: number): Heartbeat {
  return {
    agent_id: `agent-${i}`,
    host: `host-${i % 250}`,
    agent_version: "0.1.0",
    model: { name: "host-ae", version: "1" },
    uptime_s: 3600 + i,
    points_per_s: 120,
    anomaly_rate: 0.002,
    buffer_depth: 0,
    sinks: [
      { id: "kafka", state: "ok" },
      { id: "es", state: "ok" },
    ],
    last_error: null,
    scoring_latency_ms_p99: 3.2,
    load_failures: 0,
    scoring_failures: 0,
    interval_s: 10,
  };
}

/** q-quantile of sorted numbers. */
export function pct(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : Number.NaN;
}

/** Runs `c` concurrent loops of `once` for `seconds`; requests/s and latency percentiles (ms). */
export async function load(c: number, seconds: number, once: (i: number) => Promise<void>) {
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: c }, async (_, w) => {
      for (let k = 0; performance.now() < end; k++) {
        const t = performance.now();
        await once(w * 100_000 + k);
        lat.push(performance.now() - t);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return { rate: lat.length / seconds, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

/** Each of `agents` heartbeats every `interval` s from a random phase, for `seconds` (real time). */
export async function fleetHeartbeats(agents: number, interval: number, seconds: number, send: (i: number) => Promise<void>) {
  const rng = createRng(3);
  const lat: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: agents }, async (_, i) => {
      let next = start + rng.next() * interval * 1000;
      while (next < end) {
        await Bun.sleep(Math.max(0, next - performance.now()));
        const t = performance.now();
        await send(i);
        lat.push(performance.now() - t);
        next += interval * 1000;
      }
    }),
  );
  return { n: lat.length, sorted: lat.sort((a, b) => a - b) };
}

/**
 * Push → adoption on a simulated clock. Every agent polls resolve with its ETag at a phase
 * U(0, 10) s after the push, then every 10 s + U(−1, 1) s; each poll (and, once it answers 200
 * with the new version, the bundle download) is a real request to the in-process app whose
 * measured wall time is added to the simulated clock, as is the publish + channel move.
 */
export async function simulateAdoption(app: Hono<any>, agents: number, tokens: { pub: string; agt: string }, publish: () => Promise<string>) {
  const rng = createRng(9);
  const h = (t: string) => ({ authorization: `Bearer ${t}` });
  const etags: string[] = [];
  for (let i = 0; i < agents; i++)
    etags[i] = (await app.request(`/v1/models/host-ae/channels/stable/resolve?agent_id=sim-${i}`, { headers: h(tokens.agt) })).headers.get("etag")!;
  const t0 = performance.now();
  const version = await publish();
  await app.request("/v1/models/host-ae/channels/stable", { method: "PUT", headers: h(tokens.pub), body: JSON.stringify({ version }) });
  const pushS = (performance.now() - t0) / 1000;
  const queue = Array.from({ length: agents }, (_, i) => ({ i, at: rng.next() * 10 }));
  const done: number[] = [];
  let requests = 0;
  while (queue.length) {
    queue.sort((a, b) => a.at - b.at);
    const ev = queue.shift()!;
    const t = performance.now();
    const r = await app.request(`/v1/models/host-ae/channels/stable/resolve?agent_id=sim-${ev.i}`, {
      headers: { ...h(tokens.agt), "if-none-match": etags[ev.i] },
    });
    requests++;
    if (r.status === 200 && ((await r.json()) as { version: string }).version === version) {
      const b = await app.request(`/v1/models/host-ae/versions/${version}/bundle`, { headers: h(tokens.agt) });
      await b.arrayBuffer();
      done.push(ev.at + pushS + (performance.now() - t) / 1000);
    } else {
      queue.push({ i: ev.i, at: ev.at + 10 + rng.uniform(-1, 1) });
    }
  }
  done.sort((a, b) => a - b);
  return { p50: pct(done, 0.5), p95: pct(done, 0.95), p100: done.at(-1)!, requests, pushS };
}
