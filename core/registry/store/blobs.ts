import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

const SHA256 = /^[0-9a-f]{64}$/;

/** Content-addressed file storage: a blob is named by the sha256 of its bytes. */
export interface BlobStore {
  /** Stores `data` under `sha256` (already verified by the caller); a no-op when present. */
  put(sha256: string, data: Uint8Array): Promise<void>;
  /** The bytes of a blob; throws when absent. */
  get(sha256: string): Promise<Uint8Array>;
}

function check(sha256: string): void {
  // The only path component built from input: a hex digest cannot climb out of the root.
  if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`);
}

/**
 * Blobs on disk at `<root>/sha256/<first two hex>/<sha256>`, written to a temp file and renamed
 * so a crash never leaves a partial blob under its final name.
 *
 * @example
 * const blobs = createDiskBlobStore("registry-data/blobs");
 * await blobs.put(sha256Hex(bytes), bytes);
 */
export function createDiskBlobStore(root: string): BlobStore {
  const pathOf = (sha: string) => join(root, "sha256", sha.slice(0, 2), sha);
  return {
    async put(sha, data) {
      check(sha);
      const path = pathOf(sha);
      const existing = await stat(path).catch(() => undefined);
      if (existing?.size === data.byteLength) return;
      await mkdir(join(root, "sha256", sha.slice(0, 2)), { recursive: true, mode: 0o700 });
      const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      await writeFile(tmp, data, { mode: 0o600 });
      await rename(tmp, path);
    },
    async get(sha) {
      check(sha);
      return new Uint8Array(await readFile(pathOf(sha)));
    },
  };
}

/** Blobs in memory (tests, `:memory:` registries). */
export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, Uint8Array>();
  return {
    async put(sha, data) {
      check(sha);
      if (!blobs.has(sha)) blobs.set(sha, data.slice());
    },
    async get(sha) {
      check(sha);
      const b = blobs.get(sha);
      if (!b) throw new Error(`no blob ${sha}`);
      return b;
    },
  };
}
