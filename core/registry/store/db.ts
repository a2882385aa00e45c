import { Database } from "bun:sqlite";

/** Schema of the registry database; `user_version` records which migrations ran. */
const MIGRATIONS: string[] = [
  `CREATE TABLE models (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
   CREATE TABLE versions (
     model TEXT NOT NULL REFERENCES models(name), version TEXT NOT NULL, digest TEXT NOT NULL,
     manifest TEXT NOT NULL, detector TEXT NOT NULL, bytes INTEGER NOT NULL,
     signature TEXT, published_at TEXT NOT NULL, published_by TEXT NOT NULL,
     PRIMARY KEY (model, version));
   CREATE TABLE channels (
     model TEXT NOT NULL REFERENCES models(name), channel TEXT NOT NULL, version TEXT,
     rollout REAL NOT NULL, history_id INTEGER, updated_at TEXT NOT NULL,
     PRIMARY KEY (model, channel));
   CREATE TABLE channel_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT, model TEXT NOT NULL, channel TEXT NOT NULL,
     version TEXT, rollout REAL NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL);
   CREATE TABLE tokens (hash TEXT PRIMARY KEY, role TEXT NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE TABLE agents (
     agent_id TEXT PRIMARY KEY, last_seen_ms INTEGER NOT NULL, interval_s REAL NOT NULL,
     first_seen_ms INTEGER NOT NULL, heartbeat TEXT NOT NULL);
   CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, type TEXT NOT NULL, model TEXT,
     version TEXT, channel TEXT, actor TEXT NOT NULL, detail TEXT NOT NULL);
   CREATE INDEX events_model ON events(model, id);`,
  // Why each channel last moved (set | rollback | guard): resolve tells agents about rollbacks.
  `ALTER TABLE channels ADD COLUMN change TEXT NOT NULL DEFAULT 'set';`,
  // Per-agent credentials (sha256 only), the publisher's signature of a version, and the
  // publisher-signed rollback statement that moved a channel (cleared by the next set).
  `CREATE TABLE agent_credentials (
     agent_id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, enrolled_at TEXT NOT NULL,
     revoked_at TEXT, revoked_by TEXT);
   ALTER TABLE versions ADD COLUMN publisher_signature TEXT;
   ALTER TABLE channels ADD COLUMN statement TEXT;`,
  // Eval-gated promotion: a model's labelled evaluation set, evaluations of versions on it, gates per channel.
  `CREATE TABLE eval_sets (
     model TEXT PRIMARY KEY, digest TEXT NOT NULL, bytes INTEGER NOT NULL, summary TEXT NOT NULL,
     uploaded_at TEXT NOT NULL, uploaded_by TEXT NOT NULL);
   CREATE TABLE eval_set_files (model TEXT NOT NULL, path TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (model, path));
   CREATE TABLE evaluations (
     model TEXT NOT NULL, version TEXT NOT NULL, set_digest TEXT NOT NULL, status TEXT NOT NULL, result TEXT, error TEXT,
     duration_ms INTEGER, peak_rss_mb REAL, queued_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
     PRIMARY KEY (model, version, set_digest));
   CREATE TABLE channel_gates (
     model TEXT NOT NULL, channel TEXT NOT NULL, metric TEXT NOT NULL, tolerance REAL NOT NULL, set_at TEXT NOT NULL, set_by TEXT NOT NULL,
     PRIMARY KEY (model, channel));`,
];

/**
 * Opens (creating and migrating as needed) the registry's SQLite database: WAL journal,
 * `synchronous = NORMAL` (a crash can lose the last commits, never corrupt), foreign keys on.
 *
 * @example
 * const db = openRegistryDb(":memory:");
 */
export function openRegistryDb(path: string): Database {
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
  const current = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    })();
  }
  return db;
}
