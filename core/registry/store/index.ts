import type { Database } from "bun:sqlite";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createDiskBlobStore, createMemoryBlobStore, type BlobStore } from "./blobs.ts";
import { ChannelStore } from "./channels.ts";
import { CredentialStore } from "./credentials.ts";
import { openRegistryDb } from "./db.ts";
import { EventLog } from "./events.ts";
import { EvalStore } from "./evals.ts";
import { FleetStore } from "./fleet.ts";
import { TokenStore } from "./tokens.ts";
import { VersionStore } from "./versions.ts";

/** Everything the registry persists. */
export interface RegistryStore {
  db: Database;
  blobs: BlobStore;
  versions: VersionStore;
  channels: ChannelStore;
  tokens: TokenStore;
  /** Per-agent credentials (enrollment). */
  credentials: CredentialStore;
  fleet: FleetStore;
  events: EventLog;
  evals: EvalStore;
  close(): void;
}

/** Options of {@link createRegistryStore}. */
export interface RegistryStoreOptions {
  /** Directory for `registry.db` and `blobs/`; omitted → in memory (tests). */
  dataDir?: string;
  /** Clock for timestamps (default `Date.now`). */
  now?: () => number;
  /** Heartbeats are written to SQLite in one transaction per this many ms (default 1000; 0: each at once). */
  fleetFlushMs?: number;
  /** Open an existing registry only: throw {@link NotARegistryError} instead of creating one. */
  existing?: boolean;
}

/** The data directory holds no registry (`registry.db`), and the caller would not create one. */
export class NotARegistryError extends Error {
  constructor(readonly dataDir: string) {
    super(`${dataDir}: not a registry data directory (no ${REGISTRY_DB} in it)`);
    this.name = "NotARegistryError";
  }
}

/** File name of the registry's database in its data directory. */
export const REGISTRY_DB = "registry.db";

/**
 * Opens the registry's storage: SQLite metadata at `<dataDir>/registry.db` and bundle files
 * content-addressed under `<dataDir>/blobs/sha256/`. Creates them unless `existing` is set.
 *
 * @example
 * const store = createRegistryStore({ dataDir: "registry-data" });
 * const memory = createRegistryStore();
 */
export function createRegistryStore(options: RegistryStoreOptions = {}): RegistryStore {
  const now = options.now ?? Date.now;
  if (options.dataDir && options.existing) {
    let file = false;
    try {
      file = statSync(join(options.dataDir, REGISTRY_DB)).isFile();
    } catch {
      // missing: refused below
    }
    if (!file) throw new NotARegistryError(options.dataDir);
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = openRegistryDb(options.dataDir ? join(options.dataDir, REGISTRY_DB) : ":memory:");
  const fleet = new FleetStore(db, options.dataDir ? (options.fleetFlushMs ?? 1000) : 0);
  return {
    db,
    blobs: options.dataDir ? createDiskBlobStore(join(options.dataDir, "blobs")) : createMemoryBlobStore(),
    versions: new VersionStore(db),
    channels: new ChannelStore(db, now),
    tokens: new TokenStore(db),
    credentials: new CredentialStore(db),
    fleet,
    events: new EventLog(db, now),
    evals: new EvalStore(db, now),
    close: () => {
      fleet.close();
      db.close();
    },
  };
}
