/** Tests of `agent config` and `agent validate` (agent/commands/config.ts, validate.ts). */
import { afterAll, afterEach, expect, spyOn, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yargs from "yargs";
import { configCommand, configSchemaText } from "../commands/config.ts";
import { validateCommand, validateReport } from "../commands/validate.ts";
import { exampleConfig } from "./example.ts";

const dir = mkdtempSync(join(tmpdir(), "agent-cmd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = 0;
});

/** Runs a command module through yargs, capturing stdout and stderr. */
async function run(argv: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = "";
  let err = "";
  const o = spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const c = spyOn(console, "error").mockImplementation((...a: unknown[]) => void (err += `${a.join(" ")}\n`));
  try {
    await yargs(argv).option("debug", { type: "boolean", default: false }).command(configCommand).command(validateCommand).strict().parseAsync();
  } finally {
    o.mockRestore();
    e.mockRestore();
    c.mockRestore();
  }
  return { out, err, code: Number(process.exitCode ?? 0) };
}

test("agent config schema prints the JSON Schema", async () => {
  const r = await run(["config", "schema"]);
  expect(r.out).toBe(configSchemaText());
  expect(JSON.parse(r.out).properties.sources).toBeDefined();
});

test("agent config example prints the annotated example", async () => {
  expect((await run(["config", "example"])).out).toBe(exampleConfig());
});

test("agent validate: success summary on stdout", async () => {
  const file = join(dir, "ok.yaml");
  writeFileSync(file, exampleConfig());
  const r = await run(["validate", "--config", file]);
  expect(r.code).toBe(0);
  expect(r.out.split("\n")[0]).toBe("config OK: 1 source, 2 sinks, model online:default v3 (window 32)");
  expect(r.out).toContain("warm-up synth: 32s (32 × 1s)");
});

test("agent validate: every problem on stderr, exit 1", async () => {
  const file = join(dir, "bad.yaml");
  writeFileSync(file, "sources: [{ type: synthetic, id: s, interval: 1s, extra: 1 }]\nmodel: { bundle: ./nope }\nsinks: [{ type: stdout, id: s }]\n");
  const r = await run(["validate", "--config", file]);
  expect(r.code).toBe(1);
  expect(r.err.split("\n").slice(0, 4)).toEqual([
    `${file}: 3 problems in config`,
    `  ${file}: sources[0]: unknown key "extra"; allowed: type, id, interval, series, anomaly_ratio, seed (line 1)`,
    `  ${file}: model.bundle: bundle directory ${join(dir, "nope")} does not exist (line 2)`,
    `  ${file}: sinks[0].id: duplicate id "s" (first used at sources[0].id) (line 3)`,
  ]);
});

test("validateReport: a missing file is one line", async () => {
  const r = await validateReport(join(dir, "nope.yaml"), {});
  expect(r).toEqual({ ok: false, stdout: "", stderr: `${join(dir, "nope.yaml")}: cannot read config: no such file\n` });
});
