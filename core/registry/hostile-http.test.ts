/**
 * Hostile agents and uploads over real HTTP (`Bun.serve` on 127.0.0.1, port 0): forged and
 * quorum failure reports, and bodies that never end — the registry cuts them at the limit.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Heartbeat } from "../../models/registry-protocol/heartbeat.ts";
import { bucketOf } from "./rollout.ts";
import { startRegistryServer, type RunningRegistry } from "./server.ts";
import { trainedEnvelope } from "./testing/fixtures.ts";
import { waitFor } from "../testing/wait-for.ts";

const PUB = "pub_hostile";
const AGT = "agt_hostile";
const MAX_BUNDLE = 1024 * 1024;
let reg: RunningRegistry;

beforeAll(async () => {
  reg = await startRegistryServer({
    dataDir: join(await mkdtemp(join(tmpdir(), "hostile-http-")), "data"),
    port: 0,
    publisherTokens: [PUB],
    agentTokens: [AGT],
    legacyAgentTokens: true,
    maxBundleBytes: MAX_BUNDLE,
  });
  for (const v of ["1", "2"]) expect((await call("POST", "/v1/models/m/versions", PUB, await trainedEnvelope("robust-zscore", "m", v))).status).toBe(201);
  await call("PUT", "/v1/models/m/channels/stable", PUB, { version: "1" });
  await call("PUT", "/v1/models/m/channels/canary", PUB, { version: "2", rollout: 50 });
}, 60_000);
afterAll(async () => {
  await reg?.stop();
});

function call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${reg.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const hb = (agent_id: string, over: Partial<Heartbeat> = {}): Heartbeat => ({
  agent_id,
  host: `${agent_id}.example`,
  agent_version: "0.1.0",
  model: { name: "m", version: "1" },
  target: { name: "m", version: "2" },
  uptime_s: 1,
  points_per_s: 1,
  anomaly_rate: 0,
  buffer_depth: 0,
  sinks: [],
  last_error: "cannot load",
  load_failures: 1,
  ...over,
});
const inCanary = (prefix: string, n: number) => {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (bucketOf(`${prefix}${i}`, "m") < 50) out.push(`${prefix}${i}`);
  return out;
};
const canaryRollout = async () =>
  ((await (await call("GET", "/v1/models/m/channels", PUB)).json()) as { channels: { channel: string; rollout: number }[] }).channels.find(
    (c) => c.channel === "canary",
  )!.rollout;

/** Streams `total` bytes of `fill` as a chunked body; resolves with the status and how many bytes the server pulled. */
async function endless(path: string, token: string, total: number): Promise<{ status: number; sent: number; connection: string | null; error?: string }> {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= total) return c.close();
      sent += chunk.byteLength;
      c.enqueue(chunk);
    },
  });
  try {
    const res = await fetch(`${reg.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    await res.arrayBuffer();
    return { status: res.status, sent, connection: res.headers.get("connection") };
  } catch (error) {
    return { status: 0, sent, connection: null, error: (error as Error).message };
  }
}

describe("over real HTTP", () => {
  test("a forged failure report leaves the canary alone; two agents that resolved it roll it back", async () => {
    expect((await call("POST", "/v1/heartbeat", AGT, hb("forged-1"))).status).toBe(200);
    expect(await canaryRollout()).toBe(50);
    const [a, b] = inCanary("edge-", 2);
    for (const id of [a, b]) {
      const r = (await (await call("GET", `/v1/models/m/channels/stable/resolve?agent_id=${id}`, AGT)).json()) as { version: string };
      expect(r.version).toBe("2");
    }
    await call("POST", "/v1/heartbeat", AGT, hb(a));
    expect(await canaryRollout()).toBe(50);
    await call("POST", "/v1/heartbeat", AGT, hb(b));
    expect(await canaryRollout()).toBe(0);
  });

  test("a 1 GiB chunked upload is cut at the limit: 413 with Connection: close after ~limit bytes, not the whole body", async () => {
    const r = await endless("/v1/models/m/versions", PUB, 1 << 30);
    const limit = Math.ceil((MAX_BUNDLE * 4) / 3) + 1024 * 1024;
    console.log(`upload cut: status ${r.status}, client pushed ${(r.sent / 2 ** 20).toFixed(1)} MiB of 1024 MiB (limit ${(limit / 2 ** 20).toFixed(1)} MiB)`);
    expect(r.status === 413 || r.error !== undefined).toBe(true);
    if (r.status === 413) expect(r.connection).toBe("close");
    expect(r.sent).toBeLessThan(limit + 32 * 1024 * 1024);
  }, 60_000);

  test("a 1 GiB chunked heartbeat is cut at 64 KiB", async () => {
    const r = await endless("/v1/heartbeat", AGT, 1 << 30);
    expect(r.status === 413 || r.error !== undefined).toBe(true);
    expect(r.sent).toBeLessThan(32 * 1024 * 1024);
  }, 60_000);

  test("a declared Content-Length past the limit is refused before any body byte is sent", async () => {
    const { hostname, port } = new URL(reg.url);
    let answer = "";
    let ended = false;
    const done = { resolve: () => void (ended = true) };
    const socket = await Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        data(_s, d) {
          answer += new TextDecoder().decode(d);
          if (answer.includes("\r\n\r\n")) done.resolve();
        },
        close: () => done.resolve(),
        error: () => done.resolve(),
      },
    });
    socket.write(
      `POST /v1/models/m/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${PUB}\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n`,
    );
    await waitFor(() => ended, { timeoutMs: 10_000, what: "an answer or a closed socket" }).catch(() => {}); // the 413 check says what went wrong
    socket.end();
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });
});
