/**
 * What the updater remembers across restarts (`<data_dir>/models/state.json`): the accepted
 * registry version (the last good model), the one before it (kept on disk to return to), and the
 * newest publication time ever accepted (a version published before it is refused unless the
 * registry declares a rollback). Written atomically (temp file + rename).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isName } from "../../models/registry-protocol/protocol.ts";
import { modelsDir } from "./paths.ts";

export { modelsDir, versionDir } from "./paths.ts";

/** One accepted registry version. */
export const AcceptedVersionSchema = z
  .object({
    version: z.string().min(1).refine(isName, "expected a safe version name"),
    /** sha256 of the canonical manifest (the registry's content address). */
    digest: z.string().min(1),
    published_at: z.string().nullable(),
    accepted_at: z.string(),
  })
  .strict();
export type AcceptedVersion = z.infer<typeof AcceptedVersionSchema>;

/** The whole state file. */
export const ModelStateSchema = z
  .object({
    format: z.literal(1),
    /** Registry model name the versions belong to. */
    model: z.string().min(1).refine(isName, "expected a safe model name"),
    current: AcceptedVersionSchema.nullable(),
    previous: AcceptedVersionSchema.nullable(),
    /** Newest `published_at` of any version accepted so far. */
    newest_published_at: z.string().nullable(),
    /** Counter of the last publisher-signed rollback statement accepted (a statement must go above it). */
    rollback_counter: z.number().int().nonnegative().optional(),
  })
  .strict();
export type ModelState = z.infer<typeof ModelStateSchema>;

/** Thrown when the state file exists but cannot be used (names the path and the problem). */
export class ModelStateError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "ModelStateError";
  }
}

/** A fresh state for `model`. */
export function emptyState(model: string): ModelState {
  return { format: 1, model, current: null, previous: null, newest_published_at: null };
}

/**
 * Reads the state file: undefined when there is none; throws {@link ModelStateError} when it is
 * unreadable or malformed.
 *
 * @example
 * const state = (await readModelState("var")) ?? emptyState("host-ae");
 */
export async function readModelState(dataDir: string): Promise<ModelState | undefined> {
  return readStateFile(join(modelsDir(dataDir), "state.json"), ModelStateSchema);
}

/**
 * Reads and validates one of the updater's JSON files: undefined when it does not exist; throws
 * {@link ModelStateError} naming the file when it is unreadable, not JSON or off its schema.
 */
export async function readStateFile<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ModelStateError(path, (error as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelStateError(path, `not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ModelStateError(path, `${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return parsed.data;
}

/** Writes the state file atomically. */
export async function writeModelState(dataDir: string, state: ModelState): Promise<void> {
  const dir = modelsDir(dataDir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, "state.json");
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(ModelStateSchema.parse(state), null, 2) + "\n");
  await rename(tmp, path);
}

/**
 * The state after accepting `v`: it becomes current, the old current becomes previous (unless it
 * is the same version), and the newest publication time moves forward.
 *
 * @example
 * state = accept(state, { version: "2", digest, published_at, accepted_at: new Date().toISOString() });
 */
export function accept(state: ModelState, v: AcceptedVersion, rollbackCounter?: number): ModelState {
  const previous = state.current && state.current.version !== v.version ? state.current : state.previous;
  const newest =
    [state.newest_published_at, v.published_at]
      .filter((x): x is string => x !== null)
      .sort()
      .pop() ?? null;
  const counter = Math.max(state.rollback_counter ?? 0, rollbackCounter ?? 0);
  return {
    ...state,
    current: v,
    previous: previous?.version === v.version ? null : previous,
    newest_published_at: newest,
    ...(counter > 0 ? { rollback_counter: counter } : {}),
  };
}
