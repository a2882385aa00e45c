import type { Database } from "bun:sqlite";
import { hashToken } from "./tokens.ts";

/** A fresh agent credential: `agc_` + 43 base64url characters (256 bits). */
export function generateCredential(): string {
  return `agc_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`;
}

/** Why an enrollment was refused. */
export class EnrollRefusal extends Error {
  constructor(
    readonly code: "already_enrolled" | "revoked",
    message: string,
  ) {
    super(message);
    this.name = "EnrollRefusal";
  }
}

/** One agent's enrollment as listed (never the credential). */
export interface CredentialInfo {
  agent_id: string;
  enrolled_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

/**
 * Per-agent credentials, stored as sha256 in `agent_credentials`: one per agent id, issued once
 * by {@link enroll}, revocable. Looked up in SQLite on every request (an indexed read), so a
 * revocation by `agent registry revoke` in another process takes effect at once.
 *
 * @example
 * const cred = credentials.enroll("edge-01", new Date().toISOString());
 * credentials.agentOf(cred); // "edge-01"
 */
export class CredentialStore {
  constructor(private readonly db: Database) {}

  /**
   * Issues the credential of `agentId`. Throws {@link EnrollRefusal}: `already_enrolled` when the
   * id holds a live credential, `revoked` when it was revoked (an operator must `--forget` it).
   */
  enroll(agentId: string, at: string): string {
    const row = this.db.query("SELECT revoked_at FROM agent_credentials WHERE agent_id = $id").get({ id: agentId }) as { revoked_at: string | null } | null;
    if (row?.revoked_at)
      throw new EnrollRefusal(
        "revoked",
        `agent ${agentId} was revoked at ${row.revoked_at}; an operator must run 'agent registry revoke ${agentId} --forget' before it can enroll again`,
      );
    if (row)
      throw new EnrollRefusal(
        "already_enrolled",
        `agent ${agentId} is already enrolled; its credential is in its data_dir (revoke it with --forget to enroll again)`,
      );
    const credential = generateCredential();
    this.db.query("INSERT INTO agent_credentials (agent_id, hash, enrolled_at) VALUES ($id, $hash, $at)").run({ id: agentId, hash: hashToken(credential), at });
    return credential;
  }

  /** The agent id a presented credential belongs to: `{agentId}`, `{revoked}` or undefined when unknown. */
  lookup(credential: string): { agentId: string; revoked: boolean } | undefined {
    const row = this.db.query("SELECT agent_id, revoked_at FROM agent_credentials WHERE hash = $hash").get({ hash: hashToken(credential) }) as {
      agent_id: string;
      revoked_at: string | null;
    } | null;
    return row ? { agentId: row.agent_id, revoked: row.revoked_at !== null } : undefined;
  }

  /**
   * Revokes `agentId`'s credential (true when there was one). `forget` deletes the enrollment
   * instead, so the id may enroll again (a re-provisioned host).
   */
  revoke(agentId: string, at: string, by: string, forget = false): boolean {
    if (forget) return this.db.query("DELETE FROM agent_credentials WHERE agent_id = $id").run({ id: agentId }).changes > 0;
    return (
      this.db
        .query("UPDATE agent_credentials SET revoked_at = COALESCE(revoked_at, $at), revoked_by = COALESCE(revoked_by, $by) WHERE agent_id = $id")
        .run({ id: agentId, at, by }).changes > 0
    );
  }

  /** Enrollments held (live and revoked). */
  count(): number {
    return (this.db.query("SELECT COUNT(*) AS n FROM agent_credentials").get() as { n: number }).n;
  }

  /** Whether any agent ever enrolled (and was not forgotten): the canary guard then counts only enrolled identities. */
  any(): boolean {
    return this.db.query("SELECT 1 FROM agent_credentials LIMIT 1").get() !== null;
  }

  /** Whether `agentId` holds an enrollment (live or revoked): then only its own credential speaks for it. */
  isEnrolled(agentId: string): boolean {
    return this.db.query("SELECT 1 FROM agent_credentials WHERE agent_id = $id").get({ id: agentId }) !== null;
  }

  /** Every enrollment, by agent id. */
  list(): CredentialInfo[] {
    return this.db.query("SELECT agent_id, enrolled_at, revoked_at, revoked_by FROM agent_credentials ORDER BY agent_id").all() as CredentialInfo[];
  }
}
