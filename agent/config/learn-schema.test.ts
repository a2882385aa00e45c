import { expect, test } from "bun:test";
import { parseConfigText } from "./load.ts";
import { ConfigError } from "./problems.ts";
import { LEARN_DEFAULTS } from "../learn/settings.ts";

const ctx = { configDir: "/etc/agent", hostname: "host-a" };
const base = (learn: string): string => `
sources: [{ type: synthetic, id: synth, series: 2, interval: 1s }]
sinks: [{ type: stdout, id: out }]
model:
  online: default
${learn}
`;

test("model.learn: absent is off; given, every key has its default and durations/sizes are converted", () => {
  expect(parseConfigText(base(""), "agent.yaml", {}, ctx).model.learn).toBeUndefined();
  expect(parseConfigText(base("  learn: {}"), "agent.yaml", {}, ctx).model.learn).toEqual(LEARN_DEFAULTS);
  const c = parseConfigText(base("  learn: { after: 6h, every: 30m, budget: 0.1, history_max_size: 64MiB, kind: vae, epochs: 3 }"), "agent.yaml", {}, ctx);
  expect(c.model.learn).toMatchObject({ afterMs: 6 * 3600_000, everyMs: 1800_000, budget: 0.1, historyMaxBytes: 64 << 20, kind: "vae", epochs: 3 });
});

test("a bad model.learn value names the file, the path and what was expected", () => {
  let error: unknown;
  try {
    parseConfigText(base("  learn: { budget: 2, kind: magic, surprise: 1 }"), "agent.yaml", {}, ctx);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const text = (error as Error).message;
  expect(text).toContain("agent.yaml");
  expect(text).toContain("model.learn.budget");
  expect(text).toContain("model.learn.kind");
  expect(text).toContain("surprise");
});
