/**
 * Builds the agent as single executables (Bun runtime + our code + the three tfjs WASM files),
 * runnable from any directory with no node_modules: `dist/agent` for this machine (linux-x64) and
 * `dist/agent-linux-arm64` beside it, cross-compiled.
 *
 *   npm run build                                        # both
 *   bun scripts/build.ts OUTFILE [--target=bun-linux-arm64]   # one (tests)
 *
 * Cross-compiling needs Bun's runtime for the target: `bun build` fetches it once from Bun's
 * release downloads into ~/.bun/install/cache (`bun-linux-aarch64-v<version>`, ~107 MB); later
 * builds are offline.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/** One executable to build: its path and Bun's `--target` (undefined: this machine). */
interface Output {
  outfile: string;
  target?: string;
}

function outputs(argv: string[]): Output[] {
  const target = argv.find((a) => a.startsWith("--target="))?.slice("--target=".length);
  const files = argv.filter((a) => !a.startsWith("--"));
  if (files.length > 0) return [{ outfile: files[0], target }];
  return [{ outfile: "dist/agent" }, { outfile: "dist/agent-linux-arm64", target: "bun-linux-arm64" }];
}

for (const { outfile, target } of outputs(process.argv.slice(2))) {
  await mkdir(dirname(outfile), { recursive: true });
  const started = performance.now();
  const cmd = [process.execPath, "build", "--compile", "--format=esm", "--bytecode", "--minify-syntax", "--minify-whitespace"];
  if (target) cmd.push(`--target=${target}`);
  // the training workers (`new Worker(...)` needs its own entry point in a compiled binary): model.learn's
  // (agent/learn/worker.ts) and the host model's (core/scoring/host-worker.ts). Entry points are embedded
  // by their path below their common folder, here the repository root: /$bunfs/root/agent/learn/worker.js, …
  const entries = ["agent/main.ts", "agent/learn/worker.ts", "core/scoring/host-worker.ts"];
  const proc = Bun.spawnSync([...cmd, ...entries, "--outfile", outfile], { stdout: "inherit", stderr: "inherit" });
  if (proc.exitCode !== 0) {
    const hint = target ? ` (cross-compiling to ${target} needs Bun's runtime for it in ~/.bun/install/cache, fetched once from the network)` : "";
    console.error(`build of ${outfile} failed (exit ${proc.exitCode})${hint}`);
    process.exit(proc.exitCode ?? 1);
  }
  const size = Bun.file(outfile).size;
  console.error(`built ${outfile}${target ? ` (${target})` : ""}: ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
