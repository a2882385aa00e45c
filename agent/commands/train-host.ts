/**
 * `agent train --model host`: trains the host model (models/host) on a wide CSV of the host's
 * metrics (`timestamp,<series…>`, the host trace's layout) and writes the model file that
 * `scoring.host.model_file` loads.
 */
import { writeFileSync, renameSync } from "node:fs";
import { serializeHostModel } from "../../models/host/format.ts";
import { readWideCsv, traceRows } from "../../models/host/trace.ts";
import { trainHostModel } from "../../models/host/train.ts";
import { parseTimestamp } from "../../data/time.ts";
import { UsageError } from "../errors.ts";
import { success } from "./output.ts";

/** What `agent train --model host` takes. */
export interface TrainHostArgs {
  data: string;
  out: string;
  epochs?: number;
  seed: number;
  /** Only rows before this time (ISO) are trained on: the normal part of the trace. */
  until?: string;
}

/** Trains and writes the host model file (atomically: a temporary file renamed). */
export async function trainHost(args: TrainHostArgs): Promise<void> {
  let trace: ReturnType<typeof readWideCsv>;
  try {
    trace = readWideCsv(args.data);
  } catch (e) {
    throw new UsageError(`--data: ${(e as Error).message}`);
  }
  const until = args.until === undefined ? Number.POSITIVE_INFINITY : parseTimestamp(args.until);
  if (Number.isNaN(until)) throw new UsageError(`--until: not a timestamp: ${args.until}`);
  const r = traceRows(trace);
  const d = r.names.length;
  // round 0 has no rates: it is left out
  let end = r.timestamps.findIndex((t) => t >= until);
  if (end < 0) end = r.n;
  const n = end - 1;
  if (n < 1) throw new UsageError(`--data: no rows to train on${args.until ? ` before ${args.until}` : ""}`);
  const started = performance.now();
  const model = await trainHostModel(r.rows.subarray(d, end * d), n, r.names, { epochs: args.epochs, seed: args.seed }).catch((e: Error) => {
    throw new UsageError(e.message);
  });
  const tmp = `${args.out}.tmp-${process.pid}`;
  writeFileSync(tmp, serializeHostModel(model));
  renameSync(tmp, args.out);
  success(
    `trained the host model on ${n} rounds × ${d} metrics (${model.parts.holdoutRows} held out for calibration) in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s → ${args.out} (threshold τ=${model.parts.tau.toPrecision(4)})`,
  );
}
