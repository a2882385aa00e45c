/**
 * The agent's own registry credential: enrolled once with the operator's enrollment token
 * (`POST /v1/enroll`), kept in `<data_dir>/registry/credential.json` (mode 0600, written temp +
 * rename) and reused across restarts. Bound to the agent id: a file for another id is ignored.
 */
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { RegistryError } from "../../models/registry-protocol/errors.ts";
import { readStateFile } from "./state.ts";
import type { ModelUpdater } from "./updater.ts";

/** The credential file's content. */
export const CredentialFileSchema = z
  .object({
    format: z.literal(1),
    agent_id: z.string().min(1).max(64),
    registry: z.string().max(2048),
    credential: z.string().regex(/^agc_[A-Za-z0-9_-]{43}$/),
    enrolled_at: z.string().max(64),
  })
  .strict();
export type CredentialFile = z.infer<typeof CredentialFileSchema>;

/** `<data_dir>/registry/credential.json`. */
export function credentialPath(dataDir: string): string {
  return join(dataDir, "registry", "credential.json");
}

/** Reads the credential of `agentId` (undefined when there is none, or it belongs to another id). */
export async function readCredential(dataDir: string, agentId: string): Promise<CredentialFile | undefined> {
  const c = await readStateFile(credentialPath(dataDir), CredentialFileSchema);
  return c && c.agent_id === agentId ? c : undefined;
}

/** Writes the credential file, readable only by the agent's user (0600), atomically. */
export async function writeCredential(dataDir: string, c: CredentialFile): Promise<void> {
  const path = credentialPath(dataDir);
  await mkdir(join(dataDir, "registry"), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(CredentialFileSchema.parse(c), null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** The enrollment token configured (inline, or the first line of `enroll_token_file`). */
async function enrollToken(up: ModelUpdater): Promise<string | undefined> {
  const r = up.o.registry;
  if (r.enrollToken) return r.enrollToken;
  if (!r.enrollTokenFile) return undefined;
  const text = await readFile(r.enrollTokenFile, "utf8");
  const t = text.split(/\s+/).find(Boolean);
  if (!t || t.length > 256) throw new Error(`${r.enrollTokenFile}: expected one enrollment token`);
  return t;
}

/**
 * Makes sure the agent holds its own credential when enrollment is configured: enrolls when it
 * has none (at most once at a time). Returns false when the agent cannot authenticate yet (the
 * failure is counted as `enroll_failed` and logged; the next poll or heartbeat tries again).
 */
export async function ensureCredential(up: ModelUpdater): Promise<boolean> {
  const r = up.o.registry;
  if (up.u.credential || (!r.enrollToken && !r.enrollTokenFile)) return true;
  up.enrolling ??= enroll(up).finally(() => (up.enrolling = undefined));
  return up.enrolling;
}

async function enroll(up: ModelUpdater): Promise<boolean> {
  const { registry: r, agentId, dataDir, log } = up.o;
  try {
    const token = await enrollToken(up);
    if (!token) return false;
    const got = await up.client.enroll(agentId, token);
    const file: CredentialFile = { format: 1, agent_id: agentId, registry: r.url, credential: got.credential, enrolled_at: got.enrolled_at };
    up.u.credential = got.credential;
    await writeCredential(dataDir, file);
    log.info({ agent_id: agentId, registry: r.url, file: credentialPath(dataDir) }, "enrolled with the registry: own credential stored (0600)");
    return true;
  } catch (error) {
    if (up.signal?.aborted) return false;
    const e = error as Error;
    const hint =
      error instanceof RegistryError && error.code === "already_enrolled"
        ? `; this id is enrolled but ${credentialPath(dataDir)} is missing: run 'agent registry revoke ${agentId} --forget' on the registry to enroll again`
        : "";
    up.error("enroll_failed", `enrollment of ${agentId} failed: ${e.message}${hint}`);
    if (up.u.errorCounts.enroll_failed === 1 || up.u.errorCounts.enroll_failed % 20 === 0) {
      log.error({ agent_id: agentId, registry: r.url, err: e.message }, `cannot enroll with the registry${hint}`);
    }
    return false;
  }
}
