// Child of data-dir.test.ts: a pipeline on <dir>/var that starts at the given instant,
// prints "started" or "refused: <message>", runs 2 s, stops.
import { join } from "node:path";
import pino from "pino";
import { createFileSink } from "../../sinks/file/sink.ts";
import { createSyntheticSource } from "../../sources/synthetic/index.ts";
import { createOnlineModel } from "../../../models/online/default.ts";
import { Pipeline } from "../pipeline.ts";

const [dir, at, buffer] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const dataDir = join(dir, "var");
const p = new Pipeline({
  agentId: "race",
  hostName: "h",
  dataDir,
  buffer:
    buffer === "disk"
      ? { type: "disk", dir: join(dataDir, "buffer"), maxBytes: 1024 * 1024, segmentBytes: 64 * 1024, whenFull: "block" }
      : { type: "memory", maxBytes: 256 * 1024 * 1024, whenFull: "block" },
  sources: () => [createSyntheticSource({ id: "synth", intervalMs: 100, series: 5 })],
  sinks: [{ id: "out", driver: { maxWaitMs: 50 }, create: () => createFileSink({ id: "out", path: join(dir, `out-${process.pid}.jsonl`) }) }],
  model: async () => createOnlineModel("online:default"),
  log: pino({ level: "silent" }),
});
while (Date.now() < at) {
  // spin: both start at the same instant
}
try {
  await p.start();
} catch (error) {
  console.log(`refused: ${(error as Error).message}`);
  process.exit(0);
}
console.log("started");
await Bun.sleep(2000);
await p.stop();
process.exit(0);
