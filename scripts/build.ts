/**
 * Builds `dist/agent`: one executable (Bun runtime + our code + the three tfjs WASM files),
 * runnable from any directory with no node_modules. Usage: `npm run build`.
 */
import { mkdir } from "node:fs/promises";

const outfile = process.argv[2] ?? "dist/agent";
await mkdir("dist", { recursive: true });
const started = performance.now();
const proc = Bun.spawnSync(
  [process.execPath, "build", "--compile", "--format=esm", "--bytecode", "--minify-syntax", "--minify-whitespace", "agent/main.ts", "--outfile", outfile],
  {
    stdout: "inherit",
    stderr: "inherit",
  },
);
if (proc.exitCode !== 0) {
  console.error(`build failed (exit ${proc.exitCode})`);
  process.exit(proc.exitCode ?? 1);
}
const size = Bun.file(outfile).size;
console.error(`built ${outfile} (${(size / 1e6).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
