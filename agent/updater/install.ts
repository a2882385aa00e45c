/**
 * Getting a resolved version onto disk: download (the client verifies every sha256 and, with a
 * public key, the signature), check that the manifest is the one the registry resolved (its
 * digest), install under `<data_dir>/models/<name>/<version>/` atomically; and pruning old
 * versions so that only the current and previous ones stay.
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { RegistryClient } from "../../models/registry-protocol/client.ts";
import { RegistryError } from "../../models/registry-protocol/errors.ts";
import { installBundle } from "../../models/registry-protocol/install.ts";
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import { manifestDigest } from "../../models/registry-protocol/signature.ts";
import { modelsDir } from "./state.ts";

/**
 * Downloads `res.version` and installs it in `dir`. Throws {@link RegistryError}: the client's
 * (`unreachable`, `bad_bundle`, `bad_signature`, HTTP statuses) or `digest_mismatch`.
 *
 * @example
 * await downloadVersion(client, resolution, versionDir(dataDir, res.model, res.version));
 */
export async function downloadVersion(client: RegistryClient, res: Resolution, dir: string): Promise<{ signed: boolean; bytes: number }> {
  const b = await client.download(res.model, res.version);
  if (b.status !== "ok") throw new RegistryError(502, "bad_bundle", "registry answered 304 to an unconditional download", res.bundle_url);
  const digest = manifestDigest(b.value.manifest);
  if (digest !== res.digest) {
    throw new RegistryError(
      502,
      "digest_mismatch",
      `bundle manifest digest ${digest.slice(0, 12)}… is not the resolved ${res.digest.slice(0, 12)}…`,
      res.bundle_url,
    );
  }
  await installBundle(b.value, dir);
  return { signed: b.value.signature !== undefined, bytes: b.value.bytes };
}

/**
 * Removes installed versions of `name` other than those `keep()` names at the moment (asked per
 * entry, so a version being installed meanwhile is spared), and temp directories left by other
 * processes. Returns the removed names. Never throws (a failure only leaves files behind).
 *
 * @example
 * await pruneVersions("var", "host-ae", () => ["7", "6"]);
 */
export async function pruneVersions(dataDir: string, name: string, keep: () => string[]): Promise<string[]> {
  const dir = join(modelsDir(dataDir), name);
  const entries = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const e of entries) {
    const tmp = e.indexOf(".tmp-");
    if (tmp >= 0 ? e.startsWith(`.tmp-${process.pid}-`, tmp) || keep().includes(e.slice(0, tmp)) : keep().includes(e)) continue;
    await rm(join(dir, e), { recursive: true, force: true }).then(
      () => removed.push(e),
      () => {},
    );
  }
  return removed;
}
