/**
 * Where the steady cost of `agent run` goes, per point: the agent's pieces wired as AgentRuntime
 * wires them (synthetic source → Scorer with online:default → disk buffer (fsync interval) →
 * SinkDriver → file sink on /dev/null), one round of `--series` points at a time, each stage
 * timed with performance.now() (CPU-bound work on one thread: wall ≈ CPU). The scorer is split
 * into the model call (`scoreTick`) and the rest (series lookup by key, record objects,
 * timestamps, seq). `seriesKey`, `toISOString` and `JSON.stringify` are also timed alone on the
 * same data to show their share. GC shows up inside whichever stage triggered it; the process
 * CPU over the whole run is printed to compare against the sum of stages.
 *
 * Baseline in the same run: `scoreTick` alone is the floor of what scoring must cost.
 *
 *     bun scripts/bench/steady-stages.ts [--series 10000] [--rounds 60]
 *
 * Compare with scripts/bench/steady.ts (the same work at 1 Hz, measured from outside): at 10k
 * series, µs per point here ≈ % of one core there.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBuffer } from "../../core/buffer/index.ts";
import type { MetricSample } from "../../core/events.ts";
import { Scorer } from "../../core/scoring/scorer.ts";
import { SeqAllocator } from "../../core/runtime/seq.ts";
import { seriesKey } from "../../core/scoring/series-key.ts";
import { SinkDriver } from "../../core/sinks/driver.ts";
import { createFileSink } from "../../core/sinks/file/sink.ts";
import type { Sink } from "../../core/sinks/sink.ts";
import { createSyntheticSource } from "../../core/sources/synthetic/index.ts";
import { createLogger } from "../../core/telemetry/log.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import type { ScoringModel } from "../../models/model.ts";
import { createOnlineModel } from "../../models/online/default.ts";
import { arg, conditions, table } from "./harness.ts";
import { median } from "./proc.ts";

const SERIES = arg("series", 10_000);
const ROUNDS = arg("rounds", 60);

async function main(): Promise<void> {
  const started = conditions();
  const dir = await mkdtemp(join(tmpdir(), "bench-stages-"));
  const telemetry = new Telemetry();
  const source = createSyntheticSource({ id: "synth", intervalMs: 1000, series: SERIES, seed: 7 });
  const model = createOnlineModel("online:default");
  let tickMs = 0;
  const timed: ScoringModel = Object.create(model, {
    scoreTick: {
      value: async (states: never, values: never) => {
        const t = performance.now();
        const r = await model.scoreTick(states, values);
        tickMs += performance.now() - t;
        return r;
      },
    },
  });
  const scorer = new Scorer(timed, { agentId: "bench", hostName: "bench-host", seq: new SeqAllocator(join(dir, "var")), telemetry });
  const buffer = await openBuffer({
    type: "disk",
    dir: join(dir, "buffer"),
    maxBytes: 256 << 20,
    whenFull: "block",
    fsync: "interval",
    fsyncIntervalMs: 1000,
    segmentBytes: 8 << 20,
  });
  const file = createFileSink({ id: "out", path: "/dev/null" });
  let sendMs = 0;
  let delivered = 0;
  const sink: Sink = {
    ...file,
    async send(b) {
      const t = performance.now();
      const r = await file.send(b);
      sendMs += performance.now() - t;
      delivered += r.delivered;
      return r;
    },
  };
  await buffer.attach(["out"]);
  const driver = new SinkDriver(sink, buffer, { maxWaitMs: 5 }, telemetry, createLogger({ level: "warn" }));
  await driver.start();

  const stages = {
    collect: [] as number[],
    tick: [] as number[],
    scorerRest: [] as number[],
    append: [] as number[],
    driverSend: [] as number[],
    driverOther: [] as number[],
    total: [] as number[],
  };
  const micro = { seriesKey: [] as number[], toISOString: [] as number[], stringify: [] as number[] };
  let now = Date.UTC(2026, 0, 1);
  let samples: MetricSample[] = [];
  const c0 = process.cpuUsage();
  const tAll = performance.now();
  let measuredCpu = 0;
  for (let r = 0; r < 40 + ROUNDS; r++) {
    now += 1000;
    const cr = process.cpuUsage();
    const t0 = performance.now();
    samples = (await source.collect(now, AbortSignal.timeout(60_000))).samples;
    const t1 = performance.now();
    tickMs = 0;
    const records = await scorer.score(samples, now);
    const t2 = performance.now();
    await buffer.append(records);
    const t3 = performance.now();
    sendMs = 0;
    const want = delivered + records.length;
    while (delivered < want) await new Promise((res) => setImmediate(res));
    const t4 = performance.now();
    if (r < 40) continue; // warm-up of the model (window + 2) and of the JIT
    const cu = process.cpuUsage(cr);
    measuredCpu += (cu.user + cu.system) / 1000;
    const per = (ms: number) => (1000 * ms) / samples.length; // µs per point
    stages.collect.push(per(t1 - t0));
    stages.tick.push(per(tickMs));
    stages.scorerRest.push(per(t2 - t1 - tickMs));
    stages.append.push(per(t3 - t2));
    stages.driverSend.push(per(sendMs));
    stages.driverOther.push(per(t4 - t3 - sendMs));
    stages.total.push(per(t4 - t0));
    // the same data through single operations the scorer and buffer do per point
    let t = performance.now();
    for (const s of samples) seriesKey(s.name, s.labels);
    micro.seriesKey.push(per(performance.now() - t));
    t = performance.now();
    for (const s of samples) new Date(s.timestamp).toISOString();
    micro.toISOString.push(per(performance.now() - t));
    t = performance.now();
    for (const rec of records) JSON.stringify(rec.doc);
    micro.stringify.push(per(performance.now() - t));
  }
  const wall = performance.now() - tAll;
  const cuAll = process.cpuUsage(c0);
  await driver.stop();
  await buffer.close();
  await rm(dir, { recursive: true, force: true });

  const f = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  const total = median(stages.total);
  const row = (name: string, xs: number[]) => [name, f(xs), `${Math.round((100 * median(xs)) / total)}%`];
  console.log(`\n## Steady cost by stage: ${SERIES} series, ${ROUNDS} rounds after 40 warm-up rounds, µs per point, median (min–max) over rounds`);
  console.log(`${started}\n`);
  console.log(
    table(
      ["stage", "µs / point", "share"],
      [
        row("source.collect (synthetic)", stages.collect),
        row("model.scoreTick (online:default) — baseline", stages.tick),
        row("scorer, rest (series lookup, record objects, seq, timestamps)", stages.scorerRest),
        row("buffer.append (disk: JSON.stringify + frames + write)", stages.append),
        row("sink.send (file → /dev/null)", stages.driverSend),
        row("driver, rest (buffer read, wake-ups, ack)", stages.driverOther),
        row("total per round", stages.total),
        ["— inside the above: seriesKey(name, labels)", f(micro.seriesKey), `${Math.round((100 * median(micro.seriesKey)) / total)}%`],
        ["— inside the above: new Date(ts).toISOString()", f(micro.toISOString), `${Math.round((100 * median(micro.toISOString)) / total)}%`],
        ["— inside the above: JSON.stringify(doc)", f(micro.stringify), `${Math.round((100 * median(micro.stringify)) / total)}%`],
      ],
    ),
  );
  console.log(
    `\nProcess CPU during the measured rounds: ${((1000 * measuredCpu) / (ROUNDS * SERIES)).toFixed(2)} µs per point (all threads; includes the micro-timings above);`,
  );
  console.log(
    `whole run: ${(((cuAll.user + cuAll.system) / 1000 / wall) * 100).toFixed(0)}% of a core. At 1 Hz, X µs/point × series ≈ X × series / 10⁴ % of a core.`,
  );
  process.exit(0);
}

await main();
