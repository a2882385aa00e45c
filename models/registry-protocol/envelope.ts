/**
 * Packs a bundle into the JSON transfer envelope and unpacks (and verifies) one: the same checks
 * run on the registry when a version is published and on an agent when it downloads one.
 */
import { readBundle, sha256Hex, type LoadedBundle } from "../format/bundle.ts";
import { MANIFEST_FILE, MANIFEST_VERSION, ManifestSchema, type Manifest } from "../format/manifest.ts";
import { bundlePathProblem } from "./safe-path.ts";
import { BundleEnvelopeSchema, ENVELOPE_FORMAT, isName, type BundleEnvelope, type Signature } from "./protocol.ts";

/** Default upload limit: the sum of a bundle's file sizes. */
export const DEFAULT_MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** Why an envelope was refused, with the HTTP status the registry answers. */
export class EnvelopeError extends Error {
  constructor(
    readonly status: 400 | 413 | 422,
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = "EnvelopeError";
  }
}

/** A verified bundle from an envelope: the parsed manifest and every file (sha256 checked). */
export interface UnpackedBundle extends LoadedBundle {
  /** The manifest object exactly as received (what a signature covers). */
  rawManifest: Record<string, unknown>;
  signature?: Signature;
  /** The publisher's signature over `publishPayload(manifest)` (the parsed manifest; see `publisher.ts`). */
  publisherSignature?: Signature;
  /** Sum of the file sizes. */
  bytes: number;
}

/** Options of {@link unpackEnvelope}. */
export interface UnpackOptions {
  /** Largest accepted sum of file sizes (default {@link DEFAULT_MAX_BUNDLE_BYTES}). */
  maxBytes?: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodedLength(b64: string): number {
  const pad = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return (b64.length / 4) * 3 - pad;
}

/**
 * Validates an envelope (already JSON-parsed): its shape, the manifest schema and version, the
 * size limit, and that the files are exactly those the manifest lists with the declared size
 * and sha256. Throws {@link EnvelopeError} (400 malformed, 413 too large, 422 inconsistent).
 *
 * @example
 * const bundle = unpackEnvelope(await res.json(), { maxBytes: 64 << 20 });
 * bundle.files.get("weights.bin");
 */
export function unpackEnvelope(input: unknown, options: UnpackOptions = {}): UnpackedBundle {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  const shape = BundleEnvelopeSchema.safeParse(input);
  if (!shape.success) {
    const i = shape.error.issues[0];
    throw new EnvelopeError(
      400,
      "not_a_bundle",
      `not a bundle envelope: ${i.path.join(".") || "(root)"}: ${i.message} (expected {"format":"${ENVELOPE_FORMAT}","manifest":{…},"files":{path: base64}})`,
    );
  }
  const env = shape.data;
  const version = env.manifest.manifest_version;
  if (version !== MANIFEST_VERSION) {
    throw new EnvelopeError(400, "unsupported_manifest_version", `manifest_version ${JSON.stringify(version)} is not supported (expected ${MANIFEST_VERSION})`);
  }
  const parsed = ManifestSchema.safeParse(env.manifest);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new EnvelopeError(400, "invalid_manifest", `manifest invalid at ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  const manifest = parsed.data;
  if (!isName(manifest.version)) {
    throw new EnvelopeError(400, "invalid_manifest", `manifest version ${JSON.stringify(manifest.version)} must be 1–64 of letters, digits, '.', '_', '-'`);
  }
  const listed = new Set<string>();
  for (const f of manifest.files) {
    if (listed.has(f.path)) throw new EnvelopeError(400, "invalid_manifest", `manifest lists ${f.path} twice`);
    if (f.path === MANIFEST_FILE) throw new EnvelopeError(400, "invalid_manifest", `manifest lists ${MANIFEST_FILE} as a file`);
    const problem = bundlePathProblem(f.path);
    if (problem) throw new EnvelopeError(400, "invalid_manifest", `manifest file path ${JSON.stringify(f.path.slice(0, 80))}: ${problem}`);
    listed.add(f.path);
  }
  let total = 0;
  for (const [path, b64] of Object.entries(env.files)) {
    if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw new EnvelopeError(400, "bad_base64", `file ${path} is not valid base64`);
    total += decodedLength(b64);
  }
  const declared = manifest.files.reduce((n, f) => n + f.bytes, 0);
  if (Math.max(total, declared) > maxBytes) {
    throw new EnvelopeError(413, "too_large", `bundle holds ${Math.max(total, declared)} bytes; the limit is ${maxBytes}`);
  }
  for (const path of Object.keys(env.files)) {
    if (!listed.has(path)) throw new EnvelopeError(422, "extra_file", `file ${path} is not listed in the manifest`);
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of manifest.files) {
    const b64 = Object.hasOwn(env.files, entry.path) ? env.files[entry.path] : undefined;
    if (typeof b64 !== "string") throw new EnvelopeError(422, "missing_file", `manifest lists ${entry.path}, which is not in the upload`);
    const data = new Uint8Array(Buffer.from(b64, "base64"));
    if (data.byteLength !== entry.bytes) {
      throw new EnvelopeError(422, "size_mismatch", `file ${entry.path} has ${data.byteLength} bytes; the manifest says ${entry.bytes} (truncated?)`);
    }
    const sha = sha256Hex(data);
    if (sha !== entry.sha256) {
      throw new EnvelopeError(422, "sha256_mismatch", `file ${entry.path}: sha256 ${sha.slice(0, 12)}…, the manifest says ${entry.sha256.slice(0, 12)}…`);
    }
    files.set(entry.path, data);
  }
  return { manifest, files, rawManifest: env.manifest, signature: env.signature, publisherSignature: env.publisher_signature, bytes: total };
}

/**
 * The envelope of a bundle held in memory.
 *
 * @example
 * const body = JSON.stringify(packBundle(await readBundle("models/ae")));
 */
export function packBundle(
  bundle: { manifest: Manifest | Record<string, unknown>; files: Map<string, Uint8Array> },
  signature?: Signature,
  publisherSignature?: Signature,
): BundleEnvelope {
  const files: Record<string, string> = {};
  // defineProperty: a path such as "__proto__" must become an own key, not the object's prototype
  for (const [path, data] of bundle.files)
    Object.defineProperty(files, path, {
      enumerable: true,
      writable: true,
      configurable: true,
      value: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"),
    });
  const env: BundleEnvelope = { format: ENVELOPE_FORMAT, manifest: bundle.manifest as Record<string, unknown>, files };
  if (signature) env.signature = signature;
  if (publisherSignature) env.publisher_signature = publisherSignature;
  return env;
}

/** Overrides applied when packing a bundle directory for upload. */
export interface PackOverrides {
  /** Publish under this model name instead of the manifest's. */
  name?: string;
  /** Publish as this version instead of the manifest's. */
  version?: string;
}

/**
 * Reads a bundle directory (every sha256 verified, as `loadModel` does) and packs it, with the
 * manifest's name/version optionally replaced.
 *
 * @example
 * const env = await packBundleDir("/tmp/ae", { name: "host-ae", version: "7" });
 */
export async function packBundleDir(dir: string, overrides: PackOverrides = {}): Promise<BundleEnvelope> {
  const bundle = await readBundle(dir);
  const manifest = { ...bundle.manifest };
  if (overrides.name !== undefined) manifest.name = overrides.name;
  if (overrides.version !== undefined) manifest.version = overrides.version;
  return packBundle({ manifest, files: bundle.files });
}
