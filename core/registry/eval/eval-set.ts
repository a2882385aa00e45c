/**
 * Validation of an uploaded evaluation set: the envelope's schema, then the files written to a
 * private temporary directory and read with the very reader `agent eval --data` uses
 * (`data/io` `readDataset`), strictly: malformed rows, repeated or out-of-order timestamps, an
 * unlabelled series, no anomaly label at all, or more points than the bound are refused with the
 * problem (file and line where the reader names them).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { readDataset } from "../../../data/io/read.ts";
import { EvalSetUploadSchema, type EvalSetInfo } from "../../../models/registry-protocol/evaluation.ts";
import { oneLine, zodLine } from "../http/one-line.ts";

/** Why an evaluation set was refused (HTTP 422 `invalid_eval_set`, or 400 for a bad envelope). */
export class EvalSetError extends Error {
  constructor(
    readonly status: 400 | 422,
    readonly code: "not_an_eval_set" | "invalid_eval_set",
    readonly reason: string,
  ) {
    super(reason);
    this.name = "EvalSetError";
  }
}

/** Bounds of an evaluation set. */
export interface EvalSetLimits {
  /** Most points over all series (bounds every evaluation's time). */
  maxPoints: number;
}

/** Named defaults of {@link EvalSetLimits}. */
export const EVAL_SET_DEFAULTS: EvalSetLimits = { maxPoints: 2_000_000 };

/** Writes an evaluation set's files under `dir` (paths are validated by the schema: no `..`, no absolute path). */
export async function writeEvalSet(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/** What the check of an evaluation-set directory found. */
export interface EvalSetSummary {
  series: number;
  points: number;
  anomalous_points: number;
}

/**
 * Reads an evaluation-set directory as `agent eval --data` does, strictly, and summarizes it.
 * Throws {@link EvalSetError} naming the problem (paths relative to `dir`). This is the slow part
 * (parsing every row): the registry runs it in a child process (`agent registry check-eval-set`).
 *
 * @example
 * const { series, points } = await checkEvalSetDir("/tmp/set");
 */
export async function checkEvalSetDir(dir: string, limits: EvalSetLimits = EVAL_SET_DEFAULTS): Promise<EvalSetSummary> {
  let ds;
  try {
    ds = await readDataset(dir, { strictTime: true, strictRows: true });
  } catch (error) {
    throw new EvalSetError(
      422,
      "invalid_eval_set",
      oneLine(
        String((error as Error).message)
          .split(`${dir}/`)
          .join(""),
        1000,
      ),
    );
  }
  const unlabelled = ds.series.filter((s) => !s.labels).map((s) => s.name);
  if (unlabelled.length)
    throw new EvalSetError(
      422,
      "invalid_eval_set",
      `${unlabelled.length} series have no labels (e.g. ${unlabelled[0]}): give a label column or labels.json windows, as agent eval needs`,
    );
  let points = 0;
  let anomalous = 0;
  for (const s of ds.series) {
    points += s.values.length;
    for (const l of s.labels!) anomalous += l;
  }
  if (points > limits.maxPoints) throw new EvalSetError(422, "invalid_eval_set", `eval set has ${points} points; at most ${limits.maxPoints} are accepted`);
  if (anomalous === 0) throw new EvalSetError(422, "invalid_eval_set", "eval set labels no anomalous point: recall and event-F1 would be undefined");
  if (anomalous === points) throw new EvalSetError(422, "invalid_eval_set", "eval set labels every point anomalous: precision would be meaningless");
  return { series: ds.series.length, points, anomalous_points: anomalous };
}

/** sha256 over the files in path order (`path NUL text NUL` each), yielding to the event loop between files. */
async function digestOf(files: Record<string, string>): Promise<{ digest: string; bytes: number }> {
  const h = new Bun.CryptoHasher("sha256");
  let bytes = 0;
  for (const path of Object.keys(files).sort()) {
    h.update(path);
    h.update("\u0000");
    h.update(files[path]);
    h.update("\u0000");
    bytes += files[path].length;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { digest: h.digest("hex"), bytes };
}

/**
 * Validates an upload body (parsed JSON) for `model`; returns the summary and the files to store.
 * `check` reads the written directory (default {@link checkEvalSetDir} in this process; the
 * registry passes one that runs it in a child process). Throws {@link EvalSetError} (one-line
 * reason) when the set is refused.
 *
 * @example
 * const { info, files } = await validateEvalSet(json, "host-ae", "publisher:1", Date.now());
 */
export async function validateEvalSet(
  json: unknown,
  model: string,
  actor: string,
  nowMs: number,
  limits: EvalSetLimits = EVAL_SET_DEFAULTS,
  check: (dir: string) => Promise<EvalSetSummary> = (dir) => checkEvalSetDir(dir, limits),
): Promise<{ info: EvalSetInfo; files: Record<string, string> }> {
  const parsed = EvalSetUploadSchema.safeParse(json);
  if (!parsed.success) throw new EvalSetError(400, "not_an_eval_set", `eval set: ${zodLine(parsed.error)}`);
  const files = parsed.data.files;
  const seriesFiles = Object.keys(files).filter((p) => !p.endsWith(".json"));
  if (seriesFiles.length === 0) throw new EvalSetError(422, "invalid_eval_set", "eval set has no series file (*.csv or *.jsonl)");
  const nested = seriesFiles.filter((p) => p.startsWith("series/")).length;
  if (nested !== 0 && nested !== seriesFiles.length)
    throw new EvalSetError(422, "invalid_eval_set", "eval set mixes series/ files with top-level ones; agent eval reads one or the other");
  const dir = await mkdtemp(join(tmpdir(), "registry-evalset-"));
  try {
    await writeEvalSet(dir, files);
    const summary = await check(dir);
    const { digest, bytes } = await digestOf(files);
    const info: EvalSetInfo = {
      model,
      digest,
      bytes,
      files: Object.keys(files).length,
      ...summary,
      uploaded_at: new Date(nowMs).toISOString(),
      uploaded_by: actor,
    };
    return { info, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
