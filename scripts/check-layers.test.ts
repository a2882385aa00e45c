import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkLayers } from "./check-layers.ts";

test("the repository's imports follow data <- models <- core <- agent", () => {
  expect(checkLayers(resolve(import.meta.dir, ".."))).toEqual([]);
});

test("a wrong-way import and an import of scripts/ are both reported", () => {
  const root = mkdtempSync(join(tmpdir(), "layers-"));
  mkdirSync(join(root, "models"));
  mkdirSync(join(root, "data"));
  writeFileSync(join(root, "data", "x.ts"), 'import { y } from "../models/y.ts";\n');
  writeFileSync(join(root, "models", "y.ts"), 'export const y = await import("../scripts/z.ts");\n');
  const v = checkLayers(root);
  expect(v.map((x) => `${x.file}:${x.line} ${x.reason}`)).toEqual(["data/x.ts:1 data/ may not import models/", "models/y.ts:1 scripts/ is never imported"]);
});

test("product code importing a testing/ folder is reported; tests, testing/ and e2e code may", () => {
  const root = mkdtempSync(join(tmpdir(), "layers-"));
  for (const d of ["core/testing", "agent/e2e"]) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, "core", "testing", "fake.ts"), "export const fake = 1;\n");
  writeFileSync(join(root, "core", "testing", "other.ts"), 'import { fake } from "./fake.ts";\n');
  writeFileSync(join(root, "core", "x.test.ts"), 'import { fake } from "./testing/fake.ts";\n');
  writeFileSync(join(root, "agent", "e2e", "harness.ts"), 'import { fake } from "../../core/testing/fake.ts";\n');
  writeFileSync(join(root, "core", "x.ts"), '\nimport { fake } from "./testing/fake.ts";\n');
  expect(checkLayers(root).map((x) => `${x.file}:${x.line} ${x.reason}`)).toEqual(["core/x.ts:2 product code may not import testing/ code"]);
});
