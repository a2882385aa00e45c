import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { createSourceFromConfig, SOURCES, SourceSchema, toSourceConfig } from "./catalog.ts";

/** `${VAR:-default}` → default, `${VAR}` → "x" (agent/config does the real substitution). */
const withDefaults = (text: string) => text.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1").replace(/\$\{[A-Z_]+\}/g, "x");

for (const [type, component] of Object.entries(SOURCES)) {
  test(`${type}: the key is its type, its folder holds a README with every option, the example and the sections`, () => {
    expect<string>(component.schema.shape.type.value).toBe(type);
    const path = join(import.meta.dir, type, "README.md");
    expect(existsSync(path)).toBe(true);
    const readme = readFileSync(path, "utf8");
    for (const heading of ["## Options", "## Example", "## Metrics", "## Failure modes"]) expect(readme).toContain(heading);
    for (const key of Object.keys(component.schema.shape)) expect(readme).toContain(`\`${key}\``);
    expect(readme).toContain(`\`\`\`yaml\nsources:\n${component.example.yaml}\n\`\`\``);
  });

  test(`${type}: its example parses, converts and builds a ${type} source`, async () => {
    const entries = parse(`sources:\n${withDefaults(component.example.yaml)}`).sources;
    expect(entries).toHaveLength(1);
    const config = toSourceConfig(SourceSchema.parse(entries[0]), { configDir: "/etc/agent" });
    expect<string>(config.type).toBe(type);
    const source = createSourceFromConfig(config);
    expect([source.type, source.id, source.intervalMs]).toEqual([type, config.id, config.intervalMs]);
    await source.close?.();
  });
}

test("an unknown type names the known ones", () => {
  const r = SourceSchema.safeParse({ type: "ouija", id: "o", interval: 1 });
  expect(r.success).toBe(false);
  expect(JSON.stringify(r.error!.issues)).toContain("synthetic");
});
