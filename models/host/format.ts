/**
 * The host model file: JSON, one object, checked by a strict zod schema and a size bound before
 * anything is built from it. A hostile, corrupt or wrong-shaped file is refused with the reason
 * ({@link HostModelFormatError}); nothing half-built ever comes out.
 */
import { z } from "zod";
import { HostModel } from "./model.ts";

/** Format tag and version written in every file. */
export const HOST_MODEL_FORMAT = "host-ae" as const;
export const HOST_MODEL_VERSION = 1 as const;
/** Largest file accepted (bytes of JSON text). */
export const MAX_HOST_MODEL_BYTES = 32 * 1024 * 1024;
/** Most metrics in a model, and most values in one layer's kernel. */
export const MAX_HOST_METRICS = 8192;
const MAX_KERNEL = MAX_HOST_METRICS * 256;

const finite = z.number().finite();
const LayerSchema = z
  .object({
    inputs: z.number().int().min(1).max(MAX_HOST_METRICS),
    units: z.number().int().min(1).max(MAX_HOST_METRICS),
    kernel: z.array(finite).max(MAX_KERNEL),
    bias: z.array(finite).max(MAX_HOST_METRICS),
  })
  .strict();

/** The file's schema (strict: unknown keys are refused). */
export const HostModelFileSchema = z
  .object({
    format: z.literal(HOST_MODEL_FORMAT),
    version: z.literal(HOST_MODEL_VERSION),
    names: z.array(z.string().min(1).max(1024)).min(1).max(MAX_HOST_METRICS),
    median: z.array(finite).max(MAX_HOST_METRICS),
    scale: z.array(finite.positive()).max(MAX_HOST_METRICS),
    layers: z.array(LayerSchema).min(2).max(8),
    tau: finite.positive(),
    train_rows: z.number().int().min(0),
    holdout_rows: z.number().int().min(0),
    trained_at: z.number().int().min(0),
  })
  .strict();

/** The JSON form of a host model. */
export type HostModelFile = z.infer<typeof HostModelFileSchema>;

/** A host model file that was refused; `message` says why. */
export class HostModelFormatError extends Error {
  override readonly name = "HostModelFormatError";
}

/** The model as its file's JSON object. */
export function hostModelToJSON(model: HostModel): HostModelFile {
  const p = model.parts;
  return {
    format: HOST_MODEL_FORMAT,
    version: HOST_MODEL_VERSION,
    names: [...p.names],
    median: Array.from(p.stats.median),
    scale: Array.from(p.stats.scale),
    layers: p.layers.map((l) => ({ inputs: l.inputs, units: l.units, kernel: Array.from(l.kernel), bias: Array.from(l.bias) })),
    tau: p.tau,
    train_rows: p.trainRows,
    holdout_rows: p.holdoutRows,
    trained_at: p.trainedAt,
  };
}

/** The model as file text. */
export function serializeHostModel(model: HostModel): string {
  return JSON.stringify(hostModelToJSON(model));
}

/**
 * Builds a model from file text; throws {@link HostModelFormatError} for text over the size
 * bound, bad JSON, a schema violation, or shapes that do not chain (layer widths, kernel and
 * bias lengths, one median/scale per metric, unique names, output width = input width).
 */
export function parseHostModel(text: string): HostModel {
  if (text.length > MAX_HOST_MODEL_BYTES)
    throw new HostModelFormatError(`host model file is ${text.length} bytes, over the ${MAX_HOST_MODEL_BYTES}-byte bound`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HostModelFormatError(`host model file is not JSON: ${(e as Error).message}`);
  }
  return hostModelFromJSON(json);
}

/** Builds a model from a parsed file object (see {@link parseHostModel}). */
export function hostModelFromJSON(json: unknown): HostModel {
  const r = HostModelFileSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HostModelFormatError(`host model file: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  const f = r.data;
  const d = f.names.length;
  const bad = (why: string) => new HostModelFormatError(`host model file: ${why}`);
  if (new Set(f.names).size !== d) throw bad("metric names are not unique");
  if (f.median.length !== d || f.scale.length !== d) throw bad(`${d} metrics but ${f.median.length} medians and ${f.scale.length} scales`);
  let width = d;
  f.layers.forEach((l, i) => {
    if (l.inputs !== width) throw bad(`layer ${i} takes ${l.inputs} inputs, the previous layer gives ${width}`);
    if (l.kernel.length !== l.inputs * l.units) throw bad(`layer ${i} kernel has ${l.kernel.length} values, ${l.inputs}×${l.units} expected`);
    if (l.bias.length !== l.units) throw bad(`layer ${i} bias has ${l.bias.length} values, ${l.units} expected`);
    width = l.units;
  });
  if (width !== d) throw bad(`the last layer gives ${width} values, the model has ${d} metrics`);
  return new HostModel({
    names: f.names,
    stats: { median: Float64Array.from(f.median), scale: Float64Array.from(f.scale) },
    layers: f.layers.map((l) => ({ inputs: l.inputs, units: l.units, kernel: Float32Array.from(l.kernel), bias: Float32Array.from(l.bias) })),
    tau: f.tau,
    trainRows: f.train_rows,
    holdoutRows: f.holdout_rows,
    trainedAt: f.trained_at,
  });
}
