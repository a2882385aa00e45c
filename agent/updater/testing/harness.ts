/**
 * Test helpers of the updater: an in-process registry with versions published, and an updater
 * wired to a fake host (the swap just replaces the current model).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { testRegistry, trainedEnvelope } from "../../../core/registry/testing/fixtures.ts";
import { Scorer } from "../../../core/scoring/scorer.ts";
import { SeqAllocator } from "../../../core/runtime/seq.ts";
import { Telemetry } from "../../../core/telemetry/metrics.ts";
import type { ScoringModel } from "../../../models/model.ts";
import type { RegistryModelConfig } from "../../config/types.ts";
import type { ModelUpdaterOptions, UpdaterHost } from "../types.ts";
import { ModelUpdater } from "../updater.ts";

/** A registry app with versions of model `m` published (a few ms apart, so publication times differ). */
export async function registryWith(versions: string[], options: Parameters<typeof testRegistry>[0] = {}) {
  const r = testRegistry(options);
  for (const v of versions) {
    const res = await r.req("POST", "/v1/models/m/versions", { body: await trainedEnvelope("robust-zscore", "m", v) });
    if (res.status !== 201) throw new Error(`publish ${v}: ${res.status} ${await res.text()}`);
    await Bun.sleep(3);
  }
  return r;
}

/** An updater for agent `agentId` on `app`, its fake host, telemetry and data dir. */
export async function testUpdater(
  app: { request: (req: Request) => Response | Promise<Response> },
  agentId: string,
  o: { dataDir?: string; registry?: Partial<RegistryModelConfig>; fetch?: ModelUpdaterOptions["fetch"] } = {},
) {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), "updater-"));
  const telemetry = new Telemetry({ defaultMetrics: false });
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "debug" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const registry: RegistryModelConfig = {
    url: "http://registry.test",
    name: "m",
    channel: "stable",
    token: "agt_test-agent-token",
    pollIntervalMs: 1000,
    heartbeatIntervalMs: 1000,
    ...o.registry,
  };
  const up = new ModelUpdater({
    registry,
    agentId,
    hostName: "box",
    dataDir,
    fallbackRef: "online:default",
    log,
    telemetry,
    fetch: o.fetch ?? (async (req) => app.request(req)),
  });
  let current = await up.init();
  const swaps: { from: string; to: string; keep: boolean }[] = [];
  const host: UpdaterHost = {
    current: () => current,
    swap: async (model, options) => {
      const old = current;
      const keep = typeof options.keepState === "function" ? options.keepState(old) : !!options.keepState;
      swaps.push({ from: old.version, to: model.version, keep });
      current = model;
      return old;
    },
    facts: () => ({ bufferDepth: 3, sinks: [{ id: "file", state: "ok" }] }),
  };
  up.attach(host);
  /** Reports `n` good rounds of the current model (probation passes at 5). */
  const rounds = (n = 5) => {
    for (let i = 1; i <= n; i++) up.onRound({ model: current, roundsSinceSwap: i, points: 10, scored: 10, flagged: 1, latencyMs: 2 });
  };
  const model = (): ScoringModel => current;
  return { up, host, swaps, telemetry, lines, dataDir, rounds, model };
}

/**
 * Wires `up` to a real {@link Scorer} starting on `model` (its rounds and failures go to the
 * updater, as in the agent runtime); `round(values)` scores one round of series `s0…`.
 */
export function scorerHost(up: ModelUpdater, model: ScoringModel, dir = mkdtempSync(join(tmpdir(), "scorer-host-"))) {
  const scorer = new Scorer(model, {
    agentId: "edge-1",
    hostName: "box",
    seq: new SeqAllocator(dir),
    telemetry: up.o.telemetry,
    onRound: (r) => up.onRound(r),
    onModelFailure: (f) => up.onModelFailure(f),
  });
  const host: UpdaterHost = {
    current: () => scorer.current,
    swap: (m, options) => scorer.swapBetweenRounds(m, options),
    facts: () => ({ bufferDepth: 0, sinks: [] }),
  };
  up.attach(host);
  let t = Date.UTC(2026, 0, 1);
  const labels = Array.from({ length: 64 }, (_, i) => Object.freeze({ s: `s${i}` }));
  const round = (values: number[]) =>
    scorer.score(
      values.map((value, i) => ({ name: "cpu", labels: labels[i], value, timestamp: t })),
      (t += 1000),
    );
  return { scorer, host, round };
}
