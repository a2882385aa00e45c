/**
 * Test support: a process that starts one training run of a {@link Learner} on `<dataDir>` in a
 * real worker thread, prints `<phase> <version>` as the run goes (`training l2`), and waits for it (the
 * restart test kills it in the middle). Usage: `bun train-child.ts <dataDir> [epochs]`.
 * @module
 */
import pino from "pino";
import { Telemetry } from "../../../core/telemetry/metrics.ts";
import { Learner } from "../learner.ts";
import { LEARN_DEFAULTS } from "../settings.ts";

const [dataDir, epochs = "200"] = process.argv.slice(2);
const learner = new Learner({
  settings: { ...LEARN_DEFAULTS, afterMs: 1000, everyMs: 1000, epochs: Number(epochs), maxSeries: 6, budget: 1 },
  dataDir: dataDir!,
  fallbackRef: "online:default",
  log: pino({ level: "silent" }),
  telemetry: new Telemetry(),
  clock: { now: () => Date.UTC(2030, 0, 1), monotonic: () => performance.now(), sleep: async () => {}, setTimeout, clearTimeout },
});
let model = await learner.init();
learner.attach({
  current: () => model,
  swap: async (m) => {
    const old = model;
    model = m;
    return old;
  },
  facts: () => ({ bufferDepth: 0, sinks: [] }),
});
const run = learner.tick(new AbortController().signal);
const phases = new Set<string>();
const timer = setInterval(() => {
  const r = learner.status().running as { version: string; phase: string } | null;
  if (r && !phases.has(r.phase)) {
    phases.add(r.phase);
    console.log(`${r.phase} ${r.version}`);
  }
}, 5);
await run;
clearInterval(timer);
console.log(JSON.stringify(learner.status().last_run));
