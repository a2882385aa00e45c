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
