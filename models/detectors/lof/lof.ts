import { z } from "zod";
import { assertBatch, WindowShapeError, type BundleFile, type Detector, type FitOptions, type WindowBatch } from "../../detector.ts";
import { assertFinite } from "../shared/batch-checks.ts";
import { fileBytes, LEReader, packLE, type LoadFiles } from "../shared/binary.ts";
import { kNearest, lofScore, neighbours, referenceDensity } from "./knn.ts";
import { createRng } from "../../../data/random.ts";

/** Options of {@link LocalOutlierFactor}. */
export interface LofOptions {
  /** Numbers per window row. */
  width: number;
  /** Neighbours per point (k, MinPts). */
  k?: number;
  /** Most training windows kept as the reference set (a seeded sample when there are more). */
  reference?: number;
}

/** Defaults of the optional {@link LofOptions}. */
export const LOF_DEFAULTS = { k: 20, reference: 1024 } as const;

/** Name of the reference file inside the bundle. */
export const LOF_FILE = "lof.bin";

/** Largest reference set accepted (bounds bundle size, fit time and scoring cost). */
export const MAX_REFERENCE = 65_536;

const int = z.number().int();
const paramsSchema = z.strictObject({
  width: int.min(1).max(4096),
  k: int.min(1).max(1000),
  reference: int.min(2).max(MAX_REFERENCE),
  /** Rows actually kept (≤ reference). */
  rows: int.min(2).max(MAX_REFERENCE),
  seed: z.number(),
});

/** The JSON params {@link LocalOutlierFactor.save} writes. */
export type LofParams = z.infer<typeof paramsSchema>;

/**
 * Local outlier factor on windows (Breunig, Kriegel, Ng, Sander 2000), novelty mode: `fit`
 * keeps a bounded, seeded sample of the training windows as the reference set and computes its
 * k-distances and local reachability densities; a scored window's raw score is its LOF against
 * that set (≈ 1 for a window as dense as its neighbours, larger the sparser its neighbourhood).
 * Scoring is a brute-force k-NN scan (`knn.ts`): cost ∝ reference rows × width per window.
 * @example
 * const det = new LocalOutlierFactor({ width: 33 });
 * await det.fit(train, { seed: 1 });
 * const raw = await det.scoreRaw(batch);
 */
export class LocalOutlierFactor implements Detector {
  readonly kind = "lof" as const;
  readonly width: number;
  readonly k: number;
  readonly reference: number;
  private ref: Float32Array | null = null;
  private rows = 0;
  private kdist: Float32Array = new Float32Array(0);
  private lrd: Float32Array = new Float32Array(0);
  private seed = 0;

  constructor(options: LofOptions) {
    const o = { ...LOF_DEFAULTS, ...options };
    const check = (name: string, v: number, min: number, max: number): number => {
      if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`lof: ${name} must be an integer in ${min}..${max}, got ${v}`);
      return v;
    };
    this.width = check("width", o.width, 1, 4096);
    this.k = check("k", o.k, 1, 1000);
    this.reference = check("reference", o.reference, 2, MAX_REFERENCE);
  }

  /** Rows in the reference set (0 before fit/load). */
  get referenceRows(): number {
    return this.rows;
  }

  /** Samples the reference set (seeded) and computes its densities. Needs ≥ 2 windows. */
  async fit(batch: WindowBatch, options: FitOptions = {}): Promise<void> {
    assertBatch(batch, this.width, "lof");
    assertFinite(batch, "lof");
    if (batch.n < 2) throw new WindowShapeError(`lof: needs at least 2 training windows, got ${batch.n}`);
    const seed = options.seed ?? 1;
    const m = Math.min(this.reference, batch.n);
    // partial Fisher–Yates over row indices, then kept in data order
    const order = Int32Array.from({ length: batch.n }, (_, i) => i);
    const rng = createRng(seed);
    for (let i = 0; i < m; i++) {
      const j = rng.int(i, batch.n - 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    const picked = order.subarray(0, m).sort();
    const ref = new Float32Array(m * this.width);
    picked.forEach((src, r) => ref.set(batch.data.subarray(src * this.width, (src + 1) * this.width), r * this.width));
    options.onProgress?.(0.1, `reference set of ${m} windows`);
    const { kdist, lrd } = referenceDensity(ref, m, this.width, Math.min(this.k, m - 1));
    options.onProgress?.(1, "densities computed");
    this.install(ref, m, kdist, lrd, seed);
  }

  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    return this.scoreInto(batch);
  }

  /** Synchronous scoring (a brute-force k-NN scan per window); writes into `out` when given. */
  scoreInto(batch: WindowBatch, out: Float32Array = new Float32Array(batch.n)): Float32Array {
    const ref = this.ref;
    if (!ref) throw new Error("lof: score called before fit/load");
    assertBatch(batch, this.width, "lof");
    assertFinite(batch, "lof");
    const k = Math.min(this.k, this.rows);
    if (out.length < batch.n) throw new RangeError(`lof: out holds ${out.length} < ${batch.n} scores`);
    const nb = neighbours(k);
    for (let r = 0; r < batch.n; r++) {
      kNearest(ref, this.rows, this.width, batch.data, r * this.width, k, -1, nb);
      out[r] = lofScore(nb, this.kdist, this.lrd);
    }
    return out;
  }

  /** Params JSON plus `lof.bin`: Float32 reference rows (rows × width), k-distances (rows), lrd (rows). */
  async save(): Promise<{ params: LofParams; files: BundleFile[] }> {
    if (!this.ref) throw new Error("lof: save called before fit/load");
    const params: LofParams = { width: this.width, k: this.k, reference: this.reference, rows: this.rows, seed: this.seed };
    return { params, files: [{ path: LOF_FILE, data: packLE([this.ref, this.kdist, this.lrd]) }] };
  }

  /** Rebuilds a detector from {@link LocalOutlierFactor.save} output; validates params and `lof.bin`. */
  static async load(params: Record<string, unknown>, files: LoadFiles): Promise<LocalOutlierFactor> {
    const p = paramsSchema.parse(params);
    if (p.rows > p.reference) throw new Error(`lof: params say ${p.rows} reference rows, above the cap ${p.reference}`);
    const bytes = fileBytes(files, LOF_FILE);
    if (!bytes) throw new Error(`lof: bundle lacks ${LOF_FILE}`);
    const expected = 4 * p.rows * (p.width + 2);
    if (bytes.byteLength !== expected) throw new Error(`lof: ${LOF_FILE} has ${bytes.byteLength} bytes, expected ${expected}`);
    const r = new LEReader(bytes);
    const ref = r.float32(p.rows * p.width);
    const kdist = r.float32(p.rows);
    const lrd = r.float32(p.rows);
    const bad = (a: Float32Array, positive: boolean) => a.findIndex((v) => !Number.isFinite(v) || v < 0 || (positive && v === 0));
    if (bad(ref.map(Math.abs), false) >= 0) throw new Error(`lof: corrupt ${LOF_FILE}: a reference value is not finite`);
    if (bad(kdist, false) >= 0 || bad(lrd, true) >= 0) throw new Error(`lof: corrupt ${LOF_FILE}: a k-distance or density is negative, zero or not finite`);
    const det = new LocalOutlierFactor({ width: p.width, k: p.k, reference: p.reference });
    det.install(ref, p.rows, kdist, lrd, p.seed);
    return det;
  }

  /** Drops the reference set. */
  dispose(): void {
    this.ref = null;
    this.rows = 0;
  }

  private install(ref: Float32Array, rows: number, kdist: Float32Array, lrd: Float32Array, seed: number): void {
    this.ref = ref;
    this.rows = rows;
    this.kdist = kdist;
    this.lrd = lrd;
    this.seed = seed;
  }
}
