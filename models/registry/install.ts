import { writeBundle } from "../format/bundle.ts";
import type { Manifest } from "../format/manifest.ts";
import type { UnpackedBundle } from "./envelope.ts";

/**
 * Writes a verified bundle (from `RegistryClient.download`) to `dir` atomically, as a bundle
 * directory `loadModel(dir)` reads. Returns the manifest written.
 *
 * @example
 * const b = await registry.download("host-ae", "7");
 * if (b.status === "ok") await installBundle(b.value, "var/models/host-ae/7");
 */
export async function installBundle(bundle: Pick<UnpackedBundle, "manifest" | "files">, dir: string): Promise<Manifest> {
  const { files: entries, ...rest } = bundle.manifest;
  const files = entries.map((e) => {
    const data = bundle.files.get(e.path);
    if (!data) throw new Error(`bundle lacks ${e.path}`);
    return { path: e.path, data };
  });
  return writeBundle(dir, rest, files);
}
