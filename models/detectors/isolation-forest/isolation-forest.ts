import { z } from "zod";
import { assertBatch, WindowShapeError, type BundleFile, type Detector, type FitOptions, type WindowBatch } from "../../detector.ts";
import { assertFinite } from "../shared/batch-checks.ts";
import { fileBytes, LEReader, packLE, type LoadFiles } from "../shared/binary.ts";
import { forestProblems, type ForestArrays } from "./iforest-arrays.ts";
import { buildForest } from "./iforest-build.ts";
import { compileForest, scoreForest, type CompiledForest } from "./iforest-score.ts";
import { createRng } from "../../../data/random.ts";

/** Options of {@link IsolationForest}. */
export interface IsolationForestOptions {
  /** Values per window. */
  window: number;
  /** Extra features after the values (width = window + extra). */
  extra: number;
  /** Trees in the forest. */
  nTrees?: number;
  /** ψ: rows sub-sampled per tree (capped by the training set size). */
  sampleSize?: number;
}

/** Defaults of the optional {@link IsolationForestOptions}. */
export const ISOLATION_FOREST_DEFAULTS = { nTrees: 100, sampleSize: 256 } as const;

/** Name of the node-table file inside the bundle. */
export const TREES_FILE = "trees.bin";

const count = z.number().int();
const paramsSchema = z.strictObject({
  window: count.min(1),
  extra: count.min(0),
  nTrees: count.min(1),
  sampleSize: count.min(2),
  /** Effective ψ used to grow the trees (≤ sampleSize). */
  psi: count.min(2),
  seed: z.number(),
  nodes: count.min(1),
});

/** The JSON params {@link IsolationForest.save} writes. */
export type IsolationForestParams = z.infer<typeof paramsSchema>;

/**
 * Isolation Forest (Liu, Ting, Zhou 2008). Raw score 2^(−E[h(x)]/c(ψ)) in (0, 1]; ≈0.5 or less
 * for normal windows, towards 1 for windows that are easy to isolate.
 * @example
 * const det = new IsolationForest({ window: 32, extra: 1 });
 * await det.fit(train, { seed: 7 });
 * const scores = await det.scoreRaw(batch);
 */
export class IsolationForest implements Detector {
  readonly kind = "isolation-forest" as const;
  readonly width: number;
  readonly window: number;
  readonly extra: number;
  readonly nTrees: number;
  readonly sampleSize: number;
  private forest: ForestArrays | null = null;
  private compiled: CompiledForest | null = null;
  private psi = 0;
  private seed = 0;

  constructor(options: IsolationForestOptions) {
    const o = { ...ISOLATION_FOREST_DEFAULTS, ...options };
    const check = (name: string, v: number, min: number): number => {
      if (!Number.isInteger(v) || v < min) throw new RangeError(`IsolationForest: ${name} must be an integer ≥ ${min}, got ${v}`);
      return v;
    };
    this.window = check("window", o.window, 1);
    this.extra = check("extra", o.extra, 0);
    this.nTrees = check("nTrees", o.nTrees, 1);
    this.sampleSize = check("sampleSize", o.sampleSize, 2);
    this.width = this.window + this.extra;
  }

  /** The stored node table (read-only view for tools and benches), null before fit/load. */
  get trees(): Readonly<ForestArrays> | null {
    return this.forest;
  }

  /** True once fitted or loaded. */
  get fitted(): boolean {
    return this.compiled !== null;
  }

  /** Grows the forest; `options.seed` (default 0) makes it reproducible. Needs ≥ 2 windows. */
  async fit(batch: WindowBatch, options: FitOptions = {}): Promise<void> {
    assertBatch(batch, this.width, "isolation-forest");
    assertFinite(batch, "isolation-forest");
    if (batch.n < 2) throw new WindowShapeError(`isolation-forest: needs at least 2 training windows, got ${batch.n}`);
    const seed = options.seed ?? 0;
    if (!Number.isFinite(seed)) throw new RangeError(`isolation-forest: seed must be finite, got ${seed}`);
    const psi = Math.min(this.sampleSize, batch.n);
    const every = Math.max(1, Math.floor(this.nTrees / 20));
    const forest = buildForest(batch.data, batch.n, this.width, {
      nTrees: this.nTrees,
      sampleSize: psi,
      rng: createRng(seed),
      onTree: (fraction) => {
        if (Math.round(fraction * this.nTrees) % every === 0) options.onProgress?.(fraction, "growing trees");
      },
    });
    this.install(forest, psi, seed);
  }

  /** Raw scores (async wrapper of {@link IsolationForest.scoreInto}). */
  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    return this.scoreInto(batch);
  }

  /**
   * Synchronous scoring for hot paths; writes into `out` (length ≥ n) when given.
   * Throws {@link WindowShapeError} on a wrong width or non-finite values.
   */
  scoreInto(batch: WindowBatch, out: Float32Array = new Float32Array(batch.n)): Float32Array {
    const compiled = this.compiled;
    if (!compiled) throw new Error("isolation-forest: score called before fit/load");
    assertBatch(batch, this.width, "isolation-forest");
    assertFinite(batch, "isolation-forest");
    if (out.length < batch.n) throw new RangeError(`isolation-forest: out holds ${out.length} < ${batch.n} scores`);
    return scoreForest(compiled, batch.data, batch.n, this.width, out);
  }

  /** Params JSON plus `trees.bin`: Int32 feature, left, right, size; Float32 threshold (× nodes); Int32 roots (× nTrees). */
  async save(): Promise<{ params: IsolationForestParams; files: BundleFile[] }> {
    const f = this.forest;
    if (!f) throw new Error("isolation-forest: save called before fit/load");
    const params: IsolationForestParams = {
      window: this.window,
      extra: this.extra,
      nTrees: this.nTrees,
      sampleSize: this.sampleSize,
      psi: this.psi,
      seed: this.seed,
      nodes: f.feature.length,
    };
    const data = packLE([f.feature, f.left, f.right, f.size, f.threshold, f.roots]);
    return { params, files: [{ path: TREES_FILE, data }] };
  }

  /**
   * Rebuilds a detector from {@link IsolationForest.save} output (files as a path → bytes map or
   * a `BundleFile` list); validates params and the node table.
   */
  static async load(params: Record<string, unknown>, files: LoadFiles): Promise<IsolationForest> {
    const p = paramsSchema.parse(params);
    const bytes = fileBytes(files, TREES_FILE);
    if (!bytes) throw new Error(`isolation-forest: bundle lacks ${TREES_FILE}`);
    const expected = 4 * (5 * p.nodes + p.nTrees);
    if (bytes.byteLength !== expected) {
      throw new Error(`isolation-forest: ${TREES_FILE} has ${bytes.byteLength} bytes, expected ${expected}`);
    }
    const r = new LEReader(bytes);
    const forest: ForestArrays = {
      feature: r.int32(p.nodes),
      left: r.int32(p.nodes),
      right: r.int32(p.nodes),
      size: r.int32(p.nodes),
      threshold: r.float32(p.nodes),
      roots: r.int32(p.nTrees),
    };
    const det = new IsolationForest(p);
    const problems = forestProblems(forest, det.width);
    if (problems.length > 0) throw new Error(`isolation-forest: corrupt ${TREES_FILE}: ${problems.join("; ")}`);
    det.install(forest, p.psi, p.seed);
    return det;
  }

  /** Drops the trees. */
  dispose(): void {
    this.forest = null;
    this.compiled = null;
  }

  private install(forest: ForestArrays, psi: number, seed: number): void {
    this.forest = forest;
    this.compiled = compileForest(forest, psi);
    this.psi = psi;
    this.seed = seed;
  }
}
