/**
 * Test helpers for eval-gated promotion: a labelled synthetic evaluation set as an upload body,
 * and bundle envelopes of one trained model whose raw threshold is scaled (a higher threshold
 * flags less: a worse model on the set, measurably).
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { writeDataset } from "../../../data/io/index.ts";
import { generateDataset } from "../../../data/synthetic/index.ts";
import { packBundle } from "../../../models/registry-protocol/envelope.ts";
import { EVAL_SET_FORMAT, type EvalSetUpload } from "../../../models/registry-protocol/evaluation.ts";
import type { BundleEnvelope } from "../../../models/registry-protocol/protocol.ts";
import { trainedBundle } from "./fixtures.ts";

/** The files of a directory (recursively) as dataset path → text. */
export async function readTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(dir, p)] = await readFile(p, "utf8");
    }
  };
  await walk(dir);
  return out;
}

/** A labelled synthetic evaluation set (default 6 series × 1500 points, half with anomalies) as `agent generate` writes it. */
export async function syntheticEvalSet(seed = 5, nSeries = 6, nPoints = 1500): Promise<EvalSetUpload> {
  const dir = await mkdtemp(join(tmpdir(), "evalset-"));
  try {
    await writeDataset(dir, generateDataset({ nSeries, nPoints, seed, anomalyRatio: 0.5 }));
    return { format: EVAL_SET_FORMAT, files: await readTree(dir) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The robust-zscore test bundle as `name@version`, its raw threshold multiplied by `scale`. */
export async function scaledEnvelope(name: string, version: string, scale: number): Promise<BundleEnvelope> {
  const b = await trainedBundle("robust-zscore", name, version);
  b.manifest.threshold.raw *= scale;
  return packBundle(b);
}
