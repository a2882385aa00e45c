// Child of data-dir.test.ts: an agent runtime on <dir>/var that starts at the given instant,
// prints "started" or "refused: <message>", runs 2 s, stops.
import { join } from "node:path";
import pino from "pino";
import { parseConfigText } from "../../config/load.ts";
import { AgentRuntime } from "../agent.ts";

const [dir, at, buffer] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const yaml = `
agent: { id: race, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 5, interval: 100ms }]
sinks: [{ type: file, id: out, path: ${dir}/out-${process.pid}.jsonl, batch: { max_wait: 50ms } }]
server: { enabled: false }
buffer: ${buffer}
`;
const rt = new AgentRuntime(parseConfigText(yaml, join(dir, "agent.yaml"), {}, { configDir: dir, hostname: "h" }), pino({ level: "silent" }));
while (Date.now() < at) {
  // spin: both start at the same instant
}
try {
  await rt.start();
} catch (error) {
  console.log(`refused: ${(error as Error).message}`);
  process.exit(0);
}
console.log("started");
await Bun.sleep(2000);
await rt.stop();
process.exit(0);
