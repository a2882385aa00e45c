import type { Database } from "bun:sqlite";
import type { Signature, VersionDetail, VersionInfo } from "../../../models/registry-protocol/protocol.ts";

/** A published version as stored. `manifest` is its canonical JSON (what `digest` hashes). */
export interface VersionRecord {
  model: string;
  version: string;
  digest: string;
  manifest: string;
  detector: string;
  bytes: number;
  signature: string | null;
  /** JSON of the publisher's signature (`agent push-model --sign-key`), if any. */
  publisher_signature?: string | null;
  published_at: string;
  published_by: string;
}

/** The public view of a record. */
export function versionInfo(r: VersionRecord): VersionInfo {
  return {
    model: r.model,
    version: r.version,
    digest: r.digest,
    detector: r.detector,
    bytes: r.bytes,
    published_at: r.published_at,
    signed: r.signature !== null,
    publisher_key_id: r.publisher_signature ? (JSON.parse(r.publisher_signature) as Signature).key_id : null,
  };
}

/** The public view of a record with its manifest and signature. */
export function versionDetail(r: VersionRecord): VersionDetail {
  return { ...versionInfo(r), manifest: JSON.parse(r.manifest), signature: r.signature ? (JSON.parse(r.signature) as Signature) : null };
}

/**
 * Models and their immutable versions. Versions never change once inserted (only a signature
 * may be added), so lookups are cached in memory.
 *
 * @example
 * const versions = new VersionStore(db);
 * versions.get("host-ae", "7")?.digest;
 */
export class VersionStore {
  private readonly cache = new Map<string, VersionRecord>();

  constructor(private readonly db: Database) {}

  /** A version, or undefined. */
  get(model: string, version: string): VersionRecord | undefined {
    const key = `${model}\u0000${version}`;
    let r = this.cache.get(key);
    if (!r) {
      r = (this.db.query("SELECT * FROM versions WHERE model = $model AND version = $version").get({ model, version }) as VersionRecord | null) ?? undefined;
      if (r) this.cache.set(key, r);
    }
    return r;
  }

  /** Inserts a new version (creating the model on its first version). */
  insert(r: VersionRecord): void {
    this.db.transaction(() => {
      this.db.query("INSERT OR IGNORE INTO models (name, created_at) VALUES ($name, $at)").run({ name: r.model, at: r.published_at });
      this.db
        .query(
          `INSERT INTO versions (model, version, digest, manifest, detector, bytes, signature, publisher_signature, published_at, published_by)
           VALUES ($model, $version, $digest, $manifest, $detector, $bytes, $signature, $publisher_signature, $published_at, $published_by)`,
        )
        .run({ ...r, publisher_signature: r.publisher_signature ?? null });
    })();
  }

  /** Stores a signature made after publishing (a signing key configured later, or rotated). */
  setSignature(model: string, version: string, signature: Signature): void {
    const s = JSON.stringify(signature);
    this.db.query("UPDATE versions SET signature = $s WHERE model = $model AND version = $version").run({ s, model, version });
    const r = this.get(model, version);
    if (r) r.signature = s;
  }

  /** Adds the publisher's signature to a version published without one (content unchanged). */
  setPublisherSignature(model: string, version: string, signature: Signature): void {
    const s = JSON.stringify(signature);
    this.db.query("UPDATE versions SET publisher_signature = $s WHERE model = $model AND version = $version").run({ s, model, version });
    const r = this.get(model, version);
    if (r) r.publisher_signature = s;
  }

  /** True when the model has at least one version. */
  hasModel(model: string): boolean {
    return this.db.query("SELECT 1 FROM models WHERE name = $model").get({ model }) !== null;
  }

  /** Model names, sorted. */
  models(): string[] {
    return (this.db.query("SELECT name FROM models ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  }

  /** Versions of a model, oldest first. */
  list(model: string): VersionRecord[] {
    return this.db.query("SELECT * FROM versions WHERE model = $model ORDER BY rowid").all({ model }) as VersionRecord[];
  }
}
