/** A whole `${VAR}` read as the type the schema wants there, through the loader. */
import { expect, test } from "bun:test";
import { checkConfigText } from "./load.ts";

const check = (yaml: string, env: Record<string, string>) => checkConfigText(yaml, "c.yaml", env, { configDir: "/tmp" });
const SOURCES = "sources: [{ type: synthetic, id: s, interval: 1s }]\n";

test("a list: a whole ${VAR} becomes its comma-separated items; a list item holding a comma list is spliced in", () => {
  const whole = check(`${SOURCES}sinks: [{ type: kafka, id: k, brokers: "\${B}" }]\n`, { B: "k1:9092, k2:9092" });
  expect(whole.problems).toEqual([]);
  expect((whole.config!.sinks[0] as any).brokers).toEqual(["k1:9092", "k2:9092"]);
  const item = check(`${SOURCES}sinks: [{ type: kafka, id: k, brokers: ["a:1", "\${B}", "z:9"] }]\n`, { B: "k1:9092,k2:9092" });
  expect((item.config!.sinks[0] as any).brokers).toEqual(["a:1", "k1:9092", "k2:9092", "z:9"]);
});

test("a duration given as a number of seconds; a refused number keeps the text in the message", () => {
  const ok = check(`sources: [{ type: synthetic, id: s, interval: "\${I}" }]\nsinks: [{ type: stdout, id: o }]\n`, { I: "15" });
  expect(ok.problems).toEqual([]);
  expect(ok.config!.sources[0].intervalMs).toBe(15_000);
  const zero = check(`sources: [{ type: synthetic, id: s, interval: "\${I}" }]\nsinks: [{ type: stdout, id: o }]\n`, { I: "0" });
  expect(zero.problems.map((p) => [p.path, p.message])).toEqual([
    ["sources[0].interval", 'expected a duration like 500ms, 10s, 2m, 1h or a number of seconds, found "0"'],
  ]);
});

test("text that is not a whole ${VAR} is never coerced", () => {
  const r = check(`${SOURCES}sinks: [{ type: kafka, id: k, brokers: "a:1,\${B}" }]\n`, { B: "b:2" });
  expect(r.problems.map((p) => p.path)).toEqual(["sinks[0].brokers"]);
  const n = check(`sources: [{ type: synthetic, id: s, interval: 1s, series: "1\${N}" }]\nsinks: [{ type: stdout, id: o }]\n`, { N: "0" });
  expect(n.problems.map((p) => p.path)).toEqual(["sources[0].series"]);
});
