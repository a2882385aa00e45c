import { describe, expect, test } from "bun:test";
import { modelRef, resolveScoring, toRuntimeConfig } from "./runtime.ts";
import { ConfigFileSchema } from "./schema.ts";

const ctx = { file: "/cfg/agent.yaml", configDir: "/cfg", hostname: "box" };
const parse = (doc: unknown) => toRuntimeConfig(ConfigFileSchema.parse(doc), ctx);

describe("scoring.drift and model.shadow", () => {
  const base = { sources: [{ type: "synthetic", id: "s", interval: 2 }], sinks: [{ type: "stdout", id: "o" }] };
  test("drift defaults filled; a shadow bundle path resolved against the config dir, an online ref kept", () => {
    const c = parse(base);
    expect(c.drift).toEqual({
      enabled: true,
      level: 0.25,
      stride: 10,
      reference: 256,
      halfLife: 256,
      scoreReference: 8192,
      scoreHalfLife: 8192,
      scoreSamples: 64,
      scoreSettle: 600,
      maxSeries: 20_000,
      top: 10,
    });
    expect(c.model.shadow).toBeUndefined();
    expect(parse({ ...base, model: { online: "default", shadow: "./cand" } }).model.shadow).toBe("/cfg/cand");
    expect(parse({ ...base, model: { online: "default", shadow: "online:default?alarms_per_day=1" } }).model.shadow).toBe("online:default?alarms_per_day=1");
    expect(parse({ ...base, scoring: { drift: { enabled: false, level: 0.1, half_life: 64 } } }).drift).toMatchObject({
      enabled: false,
      level: 0.1,
      halfLife: 64,
      reference: 256,
    });
  });
  test("bad drift settings and an empty shadow are refused, naming the key", () => {
    for (const [drift, key] of [
      [{ level: 0 }, "level"],
      [{ level: 11 }, "level"],
      [{ reference: 4 }, "reference"],
      [{ stride: 0 }, "stride"],
      [{ half_life: 1.5 }, "half_life"],
      [{ max_series: 0 }, "max_series"],
      [{ top: 11 }, "top"],
      [{ nope: 1 }, "nope"],
    ] as const) {
      const r = ConfigFileSchema.safeParse({ ...base, scoring: { drift } });
      expect(r.success).toBe(false);
      expect(JSON.stringify(r.error?.issues)).toContain(key);
    }
    expect(ConfigFileSchema.safeParse({ ...base, model: { online: "default", shadow: "" } }).success).toBe(false);
  });
});

describe("toRuntimeConfig", () => {
  test("defaults: host name as id, ./var, online:default, server, telemetry", () => {
    const c = parse({ sources: [{ type: "synthetic", id: "s", interval: 2 }], sinks: [{ type: "stdout", id: "o" }] });
    expect(c.agent).toEqual({ id: "box", dataDir: "/cfg/var", hostName: "box" });
    expect(c.sources[0]).toEqual({ type: "synthetic", id: "s", intervalMs: 2000, series: 100, anomalyRatio: 0.3, seed: 1 });
    expect(c.model).toEqual({ online: "default" });
    expect(c.scoring).toEqual({ minPoints: 1 });
    expect(c.sinks[0]).toEqual({ type: "stdout", id: "o", only: "all", batch: { maxRecords: 500, maxBytes: 1_000_000, maxWaitMs: 1000 } });
    expect(c.server).toEqual({ enabled: true, host: "127.0.0.1", port: 8686 });
    expect(c.telemetry).toEqual({ pushIntervalMs: 15_000, job: "agent" });
    expect(c.buffer).toEqual({
      type: "disk",
      maxBytes: 256 * 1024 * 1024,
      whenFull: "block",
      fsync: "interval",
      fsyncIntervalMs: 1000,
      segmentBytes: 8 * 1024 * 1024,
      dir: "/cfg/var/buffer",
    });
  });

  test("buffer: sizes, policy, fsync; max_size must hold two segments", () => {
    const base = { sources: [{ type: "synthetic", id: "s", interval: 1 }], sinks: [{ type: "stdout", id: "o" }] };
    const c = parse({
      ...base,
      buffer: { type: "memory", max_size: "64MiB", when_full: "drop_newest", fsync: "always", fsync_interval: "250ms", segment_size: 1_000_000 },
    });
    expect(c.buffer).toMatchObject({
      type: "memory",
      maxBytes: 64 << 20,
      whenFull: "drop_newest",
      fsync: "always",
      fsyncIntervalMs: 250,
      segmentBytes: 1_000_000,
    });
    const bad = ConfigFileSchema.safeParse({ ...base, buffer: { max_size: "8MiB", segment_size: "8MiB", when_full: "drop_oldest", extra: 1 } });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages.some((m) => m.startsWith("buffer.when_full"))).toBe(true);
    expect(messages.some((m) => m.includes("extra"))).toBe(true);
    const small = ConfigFileSchema.safeParse({ ...base, buffer: { max_size: "8MiB", segment_size: "8MiB" } });
    expect(small.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      'buffer.max_size: expected max_size ≥ 2 × segment_size ("8MiB"), found "8MiB"',
    ]);
    expect(ConfigFileSchema.safeParse({ ...base, buffer: { max_size: "lots" } }).error!.issues[0].message).toContain("expected a size like");
  });

  test("prometheus timeout defaults to min(10s, interval); headers kept", () => {
    const src = (interval: string, timeout?: string) =>
      parse({
        sources: [{ type: "prometheus", id: "p", url: "http://x/metrics", interval, timeout, headers: { A: "b" } }],
        sinks: [{ type: "stdout", id: "o" }],
      }).sources[0];
    expect(src("5s")).toMatchObject({ timeoutMs: 5000, headers: { A: "b" } });
    expect(src("1m")).toMatchObject({ timeoutMs: 10_000 });
    expect(src("1m", "500ms")).toMatchObject({ timeoutMs: 500 });
  });

  test("sinks: derived names, auth, batch and only", () => {
    const c = parse({
      agent: { id: "e1" },
      sources: [{ type: "synthetic", id: "s", interval: "1s" }],
      sinks: [
        { type: "kafka", id: "k", brokers: ["b:9092"], topic: "t", compression: "none", only: "points", batch: { max_records: 10, max_wait: "250ms" } },
        { type: "elasticsearch", id: "e", hosts: ["https://es:9200"], index: "m", auth: { api_key: "KEY" }, flavor: "opensearch" },
        { type: "elasticsearch", id: "e2", hosts: ["https://es:9200"], index: "m", anomalies_index: "a", auth: { username: "u", password: "p" } },
      ],
    });
    expect(c.sinks[0]).toEqual({
      type: "kafka",
      id: "k",
      only: "points",
      batch: { maxRecords: 10, maxBytes: 1_000_000, maxWaitMs: 250 },
      brokers: ["b:9092"],
      topic: "t",
      anomaliesTopic: "t-anomalies",
      clientId: "agent-e1",
      compression: "none",
    });
    expect(c.sinks[1]).toMatchObject({
      auth: { apiKey: "KEY" },
      flavor: "opensearch",
      anomaliesIndex: "m-anomalies",
      deadLetterPath: "/cfg/var/dead-letter/e.jsonl",
    });
    expect(c.sinks[2]).toMatchObject({ auth: { username: "u", password: "p" }, anomaliesIndex: "a" });
  });

  test("server listen with IPv6 and disabled", () => {
    const c = parse({
      sources: [{ type: "synthetic", id: "s", interval: 1 }],
      sinks: [{ type: "stdout", id: "o" }],
      server: { listen: "[::1]:0", enabled: false },
    });
    expect(c.server).toEqual({ enabled: false, host: "::1", port: 0 });
  });
});

test("modelRef gives what loadModel takes", () => {
  expect(modelRef({ online: "default" })).toBe("online:default");
  expect(modelRef({ bundle: "/m/ae" })).toBe("/m/ae");
});

test("resolveScoring: open follows the model, close is 0.8 × open", () => {
  expect(resolveScoring({ minPoints: 1 }, 0.5)).toEqual({ openThreshold: 0.5, closeThreshold: 0.4, minPoints: 1 });
  expect(resolveScoring({ openThreshold: 0.9, closeThreshold: 0.6, minPoints: 3 }, 0.5)).toEqual({ openThreshold: 0.9, closeThreshold: 0.6, minPoints: 3 });
  expect(resolveScoring({ closeThreshold: 0.7, minPoints: 1 }, 0.5).closeThreshold).toBe(0.5);
});
