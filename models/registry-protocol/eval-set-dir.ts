import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { EVAL_SET_FORMAT, EVAL_SET_PATH, type EvalSetUpload } from "./evaluation.ts";

/** Largest evaluation-set directory read for an upload (bytes); the registry applies its own, smaller limit. */
export const MAX_EVAL_SET_DIR_BYTES = 512 * 1024 * 1024;

/**
 * Reads a dataset directory as `agent eval --data` takes it (`series/*.csv|jsonl` or top-level
 * `*.csv|jsonl`, with `labels.json` and `metadata.json`) into an evaluation-set upload. Other
 * files are left out. Throws when there is no series file or the files exceed {@link MAX_EVAL_SET_DIR_BYTES}.
 *
 * @example
 * await client.uploadEvalSet("host-ae", await readEvalSetDir("data/eval"));
 */
export async function readEvalSetDir(dir: string): Promise<EvalSetUpload> {
  const names: string[] = [];
  const sub = join(dir, "series");
  const hasSub = await stat(sub).then(
    (s) => s.isDirectory(),
    () => false,
  );
  for (const f of await readdir(hasSub ? sub : dir)) names.push(hasSub ? `series/${f}` : f);
  for (const f of ["labels.json", "metadata.json"]) if (!names.includes(f) && (await stat(join(dir, f)).catch(() => undefined))?.isFile()) names.push(f);
  const wanted = names.filter((n) => EVAL_SET_PATH.test(n)).sort();
  if (!wanted.some((n) => !n.endsWith(".json"))) throw new Error(`${dir}: no series files (*.csv, *.jsonl) in the folder or its series/ subfolder`);
  let bytes = 0;
  const files: Record<string, string> = {};
  for (const n of wanted) {
    bytes += (await stat(join(dir, n))).size;
    if (bytes > MAX_EVAL_SET_DIR_BYTES) throw new Error(`${dir}: evaluation set larger than ${MAX_EVAL_SET_DIR_BYTES} bytes`);
    files[n] = await readFile(join(dir, n), "utf8");
  }
  return { format: EVAL_SET_FORMAT, files };
}
