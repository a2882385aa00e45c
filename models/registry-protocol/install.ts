import { resolve, sep } from "node:path";
import { writeBundle } from "../format/bundle.ts";
import type { Manifest } from "../format/manifest.ts";
import type { UnpackedBundle } from "./envelope.ts";
import { bundlePathProblem } from "./safe-path.ts";

/** Thrown by {@link installBundle} when a file path would leave the bundle directory. */
export class UnsafeBundlePathError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`bundle file path ${JSON.stringify(path.slice(0, 80))}: ${problem}`);
    this.name = "UnsafeBundlePathError";
  }
}

/**
 * Writes a verified bundle (from `RegistryClient.download`) to `dir` atomically, as a bundle
 * directory `loadModel(dir)` reads. Every file path is checked again ({@link bundlePathProblem},
 * and its resolved path must lie inside `dir`) before anything is written. Returns the manifest written.
 *
 * @example
 * const b = await registry.download("host-ae", "7");
 * if (b.status === "ok") await installBundle(b.value, "var/models/host-ae/7");
 */
export async function installBundle(bundle: Pick<UnpackedBundle, "manifest" | "files">, dir: string): Promise<Manifest> {
  const { files: entries, ...rest } = bundle.manifest;
  const root = resolve(dir) + sep;
  const files = entries.map((e) => {
    const problem = bundlePathProblem(e.path) ?? (resolve(root, e.path).startsWith(root) ? undefined : "resolves outside the bundle directory");
    if (problem) throw new UnsafeBundlePathError(e.path, problem);
    const data = bundle.files.get(e.path);
    if (!data) throw new Error(`bundle lacks ${e.path}`);
    return { path: e.path, data };
  });
  return writeBundle(dir, rest, files);
}
