/**
 * Versions this agent refused (bad signature or digest, failed load or warm-up, failed probation),
 * remembered across restarts in `<data_dir>/models/rejected.json` beside `state.json`, so a
 * restart never re-accepts a version that failed here. A version is rejected with its digest:
 * the same version republished with other content is tried again, and so is every version after
 * an agent upgrade (entries carry the agent version that rejected them). Newest
 * {@link MAX_REJECTED} kept.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isName } from "../../models/registry-protocol/protocol.ts";
import { AGENT_VERSION } from "../version.ts";
import type { Rejected } from "./decide.ts";
import { modelsDir } from "./paths.ts";
import { readStateFile } from "./state.ts";

/** Most rejected versions remembered (the oldest are forgotten first). */
export const MAX_REJECTED = 64;

const Name = z.string().max(64).refine(isName, "expected a safe name");

/** The file `rejected.json`. */
export const RejectedFileSchema = z
  .object({
    format: z.literal(1),
    model: Name,
    rejected: z
      .array(z.object({ version: Name, digest: z.string().regex(/^[0-9a-f]{64}$/), reason: z.string().max(1000), agent_version: z.string().max(64) }).strict())
      .max(MAX_REJECTED),
  })
  .strict();

function file(dataDir: string): string {
  return join(modelsDir(dataDir), "rejected.json");
}

/**
 * The versions of `model` rejected here (empty when there is no file, or it is about another
 * model). Throws {@link ModelStateError} when the file is unreadable or malformed.
 *
 * @example
 * up.u.rejected = await readRejected("var", "host-ae");
 */
export async function readRejected(dataDir: string, model: string): Promise<Map<string, Rejected>> {
  const data = await readStateFile(file(dataDir), RejectedFileSchema);
  if (data === undefined) return new Map();
  if (data.model !== model) return new Map();
  return new Map(data.rejected.filter((r) => r.agent_version === AGENT_VERSION).map((r) => [r.version, { digest: r.digest, reason: r.reason }]));
}

/** Writes the newest {@link MAX_REJECTED} rejections of `model` atomically (temp file + rename). */
export async function writeRejected(dataDir: string, model: string, rejected: ReadonlyMap<string, Rejected>): Promise<void> {
  const dir = modelsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const entries = [...rejected]
    .slice(-MAX_REJECTED)
    .map(([version, r]) => ({ version, digest: r.digest, reason: r.reason.slice(0, 1000), agent_version: AGENT_VERSION }));
  const body = RejectedFileSchema.parse({ format: 1, model, rejected: entries });
  const tmp = `${file(dataDir)}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, JSON.stringify(body, null, 2) + "\n");
  await rename(tmp, file(dataDir));
}
