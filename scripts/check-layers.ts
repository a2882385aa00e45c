/**
 * Keeps the layer arrows honest (DESIGN.md §2): data ← models ← core ← agent, nothing imports
 * infra/ or scripts/, and product code never imports test code from a `testing/` folder (only
 * tests, other `testing/` code and `agent/e2e/` may). Prints every offending import and exits 1;
 * `bun scripts/check-layers.ts`.
 */
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Layers in dependency order: a file may import only from its own layer or ones before it. */
export const LAYERS = ["data", "models", "core", "agent"] as const;

/** One import that points the wrong way. */
export interface LayerViolation {
  file: string;
  line: number;
  target: string;
  reason: string;
}

const IMPORT = /(?:import|export)[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** True for files that may import from `testing/` folders: tests, test helpers, end-to-end code. */
function isTestCode(rel: string): boolean {
  return rel.endsWith(".test.ts") || rel.split("/").includes("testing") || rel.startsWith("agent/e2e/");
}

/** Every wrong-way import in the repository at `root` (test files included). */
export function checkLayers(root: string): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const layer of LAYERS) {
    const allowed = LAYERS.slice(0, LAYERS.indexOf(layer) + 1) as readonly string[];
    for (const rel of new Glob(`${layer}/**/*.ts`).scanSync(root)) {
      const file = join(root, rel);
      const text = readFileSync(file, "utf8");
      const lines = text.split("\n");
      lines.forEach((src, i) => {
        for (const m of src.matchAll(IMPORT)) {
          const spec = m[1] ?? m[2];
          if (!spec?.startsWith(".")) continue;
          const target = relative(root, resolve(dirname(file), spec));
          const top = target.split("/")[0];
          if (target.split("/").includes("testing") && !isTestCode(rel)) {
            out.push({ file: rel, line: i + 1, target, reason: "product code may not import testing/ code" });
          } else if (top === "infra" || top === "scripts") out.push({ file: rel, line: i + 1, target, reason: `${top}/ is never imported` });
          else if ((LAYERS as readonly string[]).includes(top) && !allowed.includes(top)) {
            out.push({ file: rel, line: i + 1, target, reason: `${layer}/ may not import ${top}/` });
          }
        }
      });
    }
  }
  return out;
}

if (import.meta.main) {
  const v = checkLayers(resolve(import.meta.dir, ".."));
  for (const x of v) console.error(`${x.file}:${x.line}: imports ${x.target}: ${x.reason}`);
  console.error(v.length ? `${v.length} layer violation(s)` : "layers ok");
  process.exit(v.length ? 1 : 0);
}
