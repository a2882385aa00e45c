/** The shipped deployment profiles (infra/configs/*.yaml, and the DaemonSet's embedded config) parse with the schema. */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { checkConfigText } from "./load.ts";

const dir = join(import.meta.dir, "../../infra/configs");
const env = { NODE_NAME: "node-1", KAFKA_BOOTSTRAP_SERVERS: "k:9092" };

for (const f of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
  test(`profile ${f} is a valid config`, () => {
    const r = checkConfigText(readFileSync(join(dir, f), "utf8"), f, env, { configDir: "/tmp" });
    expect(r.problems).toEqual([]);
    expect(r.config?.sources.length).toBeGreaterThan(0);
  });
}

test("the DaemonSet's ConfigMap holds a valid config", () => {
  const docs = readFileSync(join(import.meta.dir, "../../infra/kubernetes/daemonset.yaml"), "utf8")
    .split(/^---$/m)
    .map((d) => parse(d));
  const cm = docs.find((d) => d?.kind === "ConfigMap");
  const r = checkConfigText(cm.data["agent.yaml"], "daemonset.yaml", env, { configDir: "/tmp" });
  expect(r.problems).toEqual([]);
  expect(r.config?.agent.id).toBe("node-1");
});
