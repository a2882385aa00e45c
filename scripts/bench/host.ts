/**
 * Cost of the host model (`scoring.host`, models/host) on this machine's real `/proc`: the
 * procfs source with its default groups (~550 series) feeding the Scorer with online:default,
 * as the agent wires it, with and without the host model, rounds interleaved (A, B, A, B…) so
 * other processes weigh on both alike. Rounds run back to back with timestamps 5 s apart.
 *
 * 1. Buffer `--train` rounds (default 400), then train in the background while rounds keep
 *    coming every `--gap` ms (default 20), twice on the same rounds: first in slices on the
 *    scoring thread (`trainIn: "process"`, the fallback and the former way: the baseline), then
 *    in the training Worker (nice 19, paced at `--budget` cores, default 0.25, in the gaps
 *    between rounds). Each: training wall time, RSS before / peak / after, and the event-loop lag
 *    and the round's scoring time during training against the same after it (what training
 *    costs a round). `--in-process` / `--worker` measure one of them alone (RSS without the other's tfjs heap).
 * 2. `--rounds` (default 200) measured rounds: CPU µs per round of scoring without and with the
 *    host model (vector, score, hysteresis).
 *
 *     bun scripts/bench/host.ts [--train 400] [--rounds 200] [--gap 20] [--budget 0.25] [--in-process | --worker] [--no-pin]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostScoring } from "../../core/scoring/host.ts";
import { Scorer } from "../../core/scoring/scorer.ts";
import { SeqAllocator } from "../../core/runtime/seq.ts";
import { createProcfsSource } from "../../core/sources/procfs/index.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { createOnlineModel } from "../../models/online/default.ts";
import { arg, conditions, pinToOneCore, table } from "./harness.ts";
import { median } from "./proc.ts";

const TRAIN = arg("train", 400);
const ROUNDS = arg("rounds", 200);
const GAP = arg("gap", 20);
const BUDGET = arg("budget", 0.25);
const IN_PROCESS_ONLY = process.argv.includes("--in-process");
const WORKER_ONLY = process.argv.includes("--worker");

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const cpuUs = (c: NodeJS.CpuUsage) => c.user + c.system;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-host-"));
  const src = createProcfsSource({ id: "host", intervalMs: 5000 });
  const mk = (i: number) =>
    new Scorer(createOnlineModel("online:default"), {
      agentId: "bench",
      hostName: "bench-host",
      seq: new SeqAllocator(join(dir, `s${i}`)),
      telemetry: new Telemetry(),
    });
  const plain = mk(0);
  const withHost = mk(1);
  const seqB = new SeqAllocator(join(dir, "h"));
  const mkHost = (trainIn: "process" | "worker") =>
    new HostScoring(
      { enabled: true, topK: 5, minRounds: TRAIN, retrainMs: 0, bufferBytes: 16 << 20, trainIn, trainBudget: BUDGET },
      { open: 0.5, close: 0.4, minPoints: 1 },
    );
  const modes: ("process" | "worker")[] = IN_PROCESS_ONLY ? ["process"] : WORKER_ONLY ? ["worker"] : ["process", "worker"];
  const hosts = modes.map(mkHost);
  const ctx = { agentId: "bench", hostName: "bench-host", take: () => seqB.take() };
  const source = { id: "host", type: "procfs" };
  let now = Date.UTC(2026, 0, 1);
  let series = 0;
  // 1. buffer the same rounds in each, then train each in the background while rounds go on
  for (let r = 0; r < TRAIN - 1; r++) {
    now += 5000;
    const res = await src.collect(now);
    series = res.samples.length;
    await withHost.score(res.samples, now);
    for (const h of hosts) h.round(source, res.samples, now, ctx);
    await Bun.sleep(2);
  }
  type Lags = { lag: number[]; score: number[] };
  const runs: { mode: string; trainMs: number; rss: number[]; during: Lags; after: Lags }[] = [];
  let host = hosts[0];
  for (const [i, h] of hosts.entries()) {
    host = h;
    const rssBefore = rssMb();
    let rssPeak = rssBefore;
    const t0 = performance.now();
    now += 5000;
    host.round(source, (await src.collect(now)).samples, now, ctx); // starts training
    if (!host.status().training) throw new Error(`training did not start: ${JSON.stringify(host.status())}`);
    const during: Lags = { lag: [], score: [] };
    const after: Lags = { lag: [], score: [] };
    const roundAt = async (into: Lags) => {
      const due = performance.now() + GAP;
      await Bun.sleep(GAP);
      into.lag.push(performance.now() - due);
      now += 5000;
      const res = await src.collect(now);
      const s0 = performance.now();
      await withHost.score(res.samples, now);
      host.round(source, res.samples, now, ctx);
      into.score.push(performance.now() - s0);
      rssPeak = Math.max(rssPeak, rssMb());
    };
    while (host.status().training) await roundAt(during);
    const trainMs = performance.now() - t0;
    const rssAfter = rssMb();
    if (!host.status().trained) throw new Error(`training failed: ${JSON.stringify(host.status())}`);
    for (let r = 0; r < Math.min(400, Math.max(20, during.lag.length)); r++) await roundAt(after);
    runs.push({ mode: modes[i], trainMs, rss: [rssBefore, rssPeak, rssAfter], during, after });
  }
  const st = host.status();
  // 2. steady cost, interleaved
  const cpuPlain: number[] = [];
  const cpuHost: number[] = [];
  for (let r = 0; r < ROUNDS + 20; r++) {
    now += 5000;
    const res = await src.collect(now);
    await Bun.sleep(GAP / 2);
    const a0 = process.cpuUsage();
    await plain.score(res.samples, now);
    const a1 = process.cpuUsage();
    await Bun.sleep(GAP / 2);
    const b0 = process.cpuUsage();
    await withHost.score(res.samples, now);
    host.round(source, res.samples, now, ctx);
    const b1 = process.cpuUsage();
    if (r < 20) continue;
    cpuPlain.push(cpuUs(a1) - cpuUs(a0));
    cpuHost.push(cpuUs(b1) - cpuUs(b0));
  }
  await src.close?.();
  await rm(dir, { recursive: true, force: true });

  console.log(`# host model cost — ${conditions()}`);
  console.log(
    `procfs default groups: ${series} series; host vector: ${st.metrics} metrics; ${st.rows} rounds buffered (${(st.buffer_bytes / 1024).toFixed(0)} KiB)\n`,
  );
  const label = (mode: string) => (mode === "process" ? "in-process slices (baseline)" : `worker, nice 19, budget ${BUDGET}`);
  const lags = (x: number[]) => `${pct(x, 0.5).toFixed(2)} / ${pct(x, 0.99).toFixed(2)} / ${Math.max(...x).toFixed(2)}`;
  console.log(
    table(
      [`training ${TRAIN} × ${st.metrics}, rounds every ${GAP} ms`, "wall time", "RSS before / peak / after (MB)"],
      runs.map((r) => [label(r.mode), `${(r.trainMs / 1000).toFixed(2)} s`, r.rss.map((x) => x.toFixed(0)).join(" / ")]),
    ),
  );
  console.log();
  console.log(
    table(
      ["training", "rounds", "n", "event-loop lag p50 / p99 / max (ms)", "round scoring p50 / p99 / max (ms)"],
      runs.flatMap((r) =>
        [r.during, r.after].map((x, i) => [label(r.mode), i === 0 ? "during training" : "after (baseline)", x.lag.length, lags(x.lag), lags(x.score)]),
      ),
    ),
  );
  console.log();
  const mp = median(cpuPlain);
  const mh = median(cpuHost);
  console.log(
    table(
      ["scoring per round (median of " + ROUNDS + ", interleaved)", "CPU µs / round", "µs / series-round"],
      [
        ["online:default (baseline)", mp.toFixed(0), (mp / series).toFixed(2)],
        ["online:default + host model", mh.toFixed(0), (mh / series).toFixed(2)],
        ["host model alone (difference)", (mh - mp).toFixed(0), ((mh - mp) / series).toFixed(2)],
      ],
    ),
  );
}

if (pinToOneCore()) await main();
