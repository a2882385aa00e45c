import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { parse } from "yaml";
import { createSinkFromConfig, SINKS, SinkSchema, toSinkConfig } from "./catalog.ts";

const ctx = { configDir: "/etc/agent", agentId: "edge-01", dataDir: "/var/lib/agent" };
/** `${VAR:-default}` → default, `${VAR}` → "x" (agent/config does the real substitution). */
const withDefaults = (text: string) => text.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1").replace(/\$\{[A-Z_]+\}/g, "x");

for (const [type, component] of Object.entries(SINKS)) {
  test(`${type}: the key is its type, its folder holds a README with every option, the example and the sections`, () => {
    expect<string>(component.schema.shape.type.value).toBe(type);
    const path = join(import.meta.dir, type, "README.md");
    expect(existsSync(path)).toBe(true);
    const readme = readFileSync(path, "utf8");
    for (const heading of ["## Options", "## Example", "## Metrics", "## Failure modes"]) expect(readme).toContain(heading);
    for (const key of Object.keys(component.schema.shape)) expect(readme).toContain(`\`${key}\``);
    expect(readme).toContain(`\`\`\`yaml\nsinks:\n${component.example.yaml}\n\`\`\``);
  });

  test(`${type}: its example parses, converts and builds a ${type} sink`, async () => {
    const entries = parse(`sinks:\n${withDefaults(component.example.yaml)}`).sinks;
    expect(entries).toHaveLength(1);
    const config = toSinkConfig(SinkSchema.parse(entries[0]), ctx);
    expect<string>(config.type).toBe(type);
    const sink = createSinkFromConfig(config, pino({ level: "silent" }));
    expect(sink.type).toBe(type);
    expect(sink.id).toBe(config.id);
  });
}

test("an unknown type names the known ones", () => {
  const r = SinkSchema.safeParse({ type: "carrier-pigeon", id: "p" });
  expect(r.success).toBe(false);
  expect(JSON.stringify(r.error!.issues)).toContain("kafka");
});
