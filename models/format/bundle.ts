import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { manifestProblems } from "./checks.ts";
import { MANIFEST_FILE, MANIFEST_VERSION, ManifestSchema, type Manifest } from "./manifest.ts";
import { readRegularFile, UnsafeFileError } from "./safe-read.ts";

/** Largest `manifest.json` read (bytes). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
import type { BundleFile } from "../detector.ts";

/** Thrown when a bundle cannot be read: names the bundle path and the problem in one line. */
export class BundleError extends Error {
  constructor(
    readonly bundle: string,
    problem: string,
  ) {
    super(`${bundle}: ${problem}`);
    this.name = "BundleError";
  }
}

/** Lowercase hex sha256 of bytes. */
export function sha256Hex(data: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

/**
 * Writes a bundle directory atomically: files go to `<dir>.tmp-*`, the manifest gets the sha256
 * and size of every file, then the temp dir is renamed over `dir`.
 */
export async function writeBundle(dir: string, manifest: Omit<Manifest, "files">, files: BundleFile[]): Promise<Manifest> {
  const full: Manifest = {
    ...manifest,
    files: files.map((f) => ({ path: f.path, sha256: sha256Hex(f.data), bytes: f.data.byteLength })),
  };
  ManifestSchema.parse(full);
  const problems = manifestProblems(full);
  if (problems.length > 0) throw new BundleError(dir, `${MANIFEST_FILE}: ${problems.join("; ")}`);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await rm(tmp, { recursive: true, force: true });
  for (const f of files) {
    await mkdir(dirname(join(tmp, f.path)), { recursive: true });
    await writeFile(join(tmp, f.path), f.data);
  }
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, MANIFEST_FILE), JSON.stringify(full, null, 2) + "\n");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  await rename(tmp, dir);
  return full;
}

/** A bundle read from disk: its validated manifest and every file, checksums verified. */
export interface LoadedBundle {
  manifest: Manifest;
  files: Map<string, Uint8Array>;
}

/**
 * Reads and verifies a bundle directory: the manifest must parse and have a known
 * `manifest_version`, and every listed file must exist with the declared sha256.
 * Throws {@link BundleError} naming the bundle and the problem.
 */
export async function readBundle(dir: string): Promise<LoadedBundle> {
  let text: string;
  try {
    text = new TextDecoder().decode(await readRegularFile(dir, MANIFEST_FILE, MAX_MANIFEST_BYTES));
  } catch (error) {
    if (error instanceof UnsafeFileError) throw new BundleError(dir, error.message);
    throw new BundleError(dir, `no ${MANIFEST_FILE} (not a model bundle directory)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BundleError(dir, `${MANIFEST_FILE} is not valid JSON: ${(e as Error).message}`);
  }
  const version = (json as { manifest_version?: unknown })?.manifest_version;
  if (version !== MANIFEST_VERSION) {
    throw new BundleError(dir, `unknown manifest_version ${JSON.stringify(version)} (this agent reads version ${MANIFEST_VERSION})`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(dir, `${MANIFEST_FILE} invalid at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const problems = manifestProblems(parsed.data);
  if (problems.length > 0) throw new BundleError(dir, `${MANIFEST_FILE}: ${problems.join("; ")}`);
  const files = new Map<string, Uint8Array>();
  for (const entry of parsed.data.files) {
    let data: Uint8Array;
    try {
      data = await readRegularFile(dir, entry.path, entry.bytes);
    } catch (error) {
      if (error instanceof UnsafeFileError) throw new BundleError(dir, error.message);
      throw new BundleError(dir, `missing file ${entry.path} listed in the manifest`);
    }
    const actual = sha256Hex(data);
    if (actual !== entry.sha256) {
      throw new BundleError(dir, `sha256 mismatch for ${entry.path}: manifest ${entry.sha256.slice(0, 12)}…, file ${actual.slice(0, 12)}…`);
    }
    files.set(entry.path, data);
  }
  return { manifest: parsed.data, files };
}
