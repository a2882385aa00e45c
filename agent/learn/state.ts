/**
 * What the learner remembers across restarts (`<data_dir>/learn/state.json`, written atomically:
 * temp file + rename): the learned model in use and the one before it (bundle directories under
 * `learn/candidates/`), the last run and when the next one is due. A restart mid-training leaves
 * this file as it was before the run: the old model keeps scoring.
 * @module
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isName } from "../../models/registry-protocol/protocol.ts";
import { readStateFile } from "../updater/state.ts";

/** How one model did on held-back history (`evaluate.ts` `EvalResult`). */
export const EvalResultSchema = z
  .object({
    f1: z.number(),
    precision: z.number(),
    recall: z.number(),
    false_alarms_per_1k: z.number(),
    events: z.number().int().nonnegative(),
    detected: z.number().int().nonnegative(),
    false_alarms: z.number().int().nonnegative(),
    points: z.number().int().nonnegative(),
    non_finite: z.number().int().nonnegative(),
  })
  .strict();

const HistoryFacts = z.object({ series: z.number().int().nonnegative(), points: z.number().int().nonnegative(), span_ms: z.number().nonnegative() }).strict();

/** A learned model that was accepted (passed its evaluation and its probation). */
export const LearnedEntrySchema = z
  .object({
    version: z.string().refine(isName, "expected a safe version name"),
    trained_at: z.string(),
    accepted_at: z.string(),
    history: HistoryFacts,
    candidate: EvalResultSchema,
    current: EvalResultSchema,
    /** What it replaced (`name@version`). */
    replaced: z.string().max(300),
  })
  .strict();
export type LearnedEntry = z.infer<typeof LearnedEntrySchema>;

/** Outcomes of a run. */
export const OUTCOMES = ["swapped", "kept", "refused", "failed", "rolled_back", "accepted"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The last run (or the last probation verdict). */
export const LastRunSchema = z
  .object({
    at: z.string(),
    version: z.string().max(64),
    outcome: z.enum(OUTCOMES),
    reason: z.string().max(1000),
    history: HistoryFacts.nullable(),
    candidate: EvalResultSchema.nullable(),
    current: EvalResultSchema.nullable(),
    wall_ms: z.number().nonnegative(),
    busy_ms: z.number().nonnegative(),
  })
  .strict();
export type LastRun = z.infer<typeof LastRunSchema>;

/** The whole state file. */
export const LearnStateSchema = z
  .object({
    format: z.literal(1),
    current: LearnedEntrySchema.nullable(),
    previous: LearnedEntrySchema.nullable(),
    runs: z.number().int().nonnegative(),
    last_run: LastRunSchema.nullable(),
    /** ms since the epoch; null: the first run waits for `after` of history. */
    next_run_at: z.number().nullable(),
  })
  .strict();
export type LearnState = z.infer<typeof LearnStateSchema>;

/** `<data_dir>/learn`. */
export function learnDir(dataDir: string): string {
  return join(dataDir, "learn");
}

/** `<data_dir>/learn/candidates`. */
export function candidatesDir(dataDir: string): string {
  return join(learnDir(dataDir), "candidates");
}

/** A fresh state. */
export function emptyLearnState(): LearnState {
  return { format: 1, current: null, previous: null, runs: 0, last_run: null, next_run_at: null };
}

/** Reads the state file: undefined when there is none; throws `ModelStateError` (naming the file) when it is unusable. */
export function readLearnState(dataDir: string): Promise<LearnState | undefined> {
  return readStateFile(join(learnDir(dataDir), "state.json"), LearnStateSchema);
}

/** Writes the state file atomically. */
export async function writeLearnState(dataDir: string, state: LearnState): Promise<void> {
  const dir = learnDir(dataDir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, "state.json");
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(LearnStateSchema.parse(state), null, 2) + "\n");
  await rename(tmp, path);
}
