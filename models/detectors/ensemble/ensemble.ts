import { calibrateThreshold } from "../../calibration.ts";
import { assertBatch, type BundleFile, type Detector, type DetectorKind, type FitOptions, type WindowBatch } from "../../detector.ts";

/** Restores a member detector from its params and files (the catalog's `loadDetector`). */
export type MemberLoader = (kind: DetectorKind, params: Record<string, unknown>, files: Map<string, Uint8Array>) => Promise<Detector>;

/**
 * Ensemble of detectors: each member is calibrated on the training windows (its own τ at
 * `quantile`), and the ensemble's raw score is the largest calibrated ratio `raw_i / τ_i`, so a
 * window is as anomalous as the most alarmed member says.
 */
export class Ensemble implements Detector {
  readonly kind = "ensemble" as const;
  readonly width: number;

  constructor(
    readonly members: Detector[],
    /** Per-member raw thresholds (filled by fit or load). */
    public taus: number[] = [],
    readonly quantile = 0.99998,
  ) {
    if (members.length === 0) throw new Error("ensemble needs at least one member");
    this.width = members[0].width;
    for (const m of members) if (m.width !== this.width) throw new Error("ensemble members disagree on width");
  }

  async fit(batch: WindowBatch, options: FitOptions = {}): Promise<void> {
    assertBatch(batch, this.width, "ensemble");
    this.taus = [];
    for (const [i, m] of this.members.entries()) {
      const share = 1 / this.members.length;
      await m.fit(batch, {
        ...options,
        onProgress: (f, s) => options.onProgress?.((i + f) * share, `${m.kind}: ${s}`),
      });
      this.taus.push(calibrateThreshold(await m.scoreRaw(batch), this.quantile));
    }
  }

  async scoreRaw(batch: WindowBatch): Promise<Float32Array> {
    assertBatch(batch, this.width, "ensemble");
    const out = new Float32Array(batch.n);
    for (const [i, m] of this.members.entries()) {
      const raw = await m.scoreRaw(batch);
      const tau = this.taus[i];
      for (let r = 0; r < batch.n; r++) {
        const v = raw[r] / tau;
        if (v > out[r]) out[r] = v;
      }
    }
    return out;
  }

  async save(): Promise<{ params: Record<string, unknown>; files: BundleFile[] }> {
    const members: Record<string, unknown>[] = [];
    const files: BundleFile[] = [];
    for (const [i, m] of this.members.entries()) {
      const saved = await m.save();
      members.push({ kind: m.kind, params: saved.params, tau: this.taus[i] });
      for (const f of saved.files) files.push({ path: `members/${i}/${f.path}`, data: f.data });
    }
    return { params: { width: this.width, quantile: this.quantile, members }, files };
  }

  /** Restores an ensemble; `load` restores each member from `members/<i>/` files. */
  static async load(params: Record<string, unknown>, files: Map<string, Uint8Array>, load: MemberLoader): Promise<Ensemble> {
    const specs = params.members as { kind: DetectorKind; params: Record<string, unknown>; tau: number }[];
    if (!Array.isArray(specs) || specs.length === 0) throw new Error("ensemble params list no members");
    const members: Detector[] = [];
    for (const [i, spec] of specs.entries()) {
      const prefix = `members/${i}/`;
      const own = new Map<string, Uint8Array>();
      for (const [path, data] of files) if (path.startsWith(prefix)) own.set(path.slice(prefix.length), data);
      members.push(await load(spec.kind, spec.params, own));
    }
    return new Ensemble(
      members,
      specs.map((s) => Number(s.tau)),
      Number(params.quantile ?? 0.99998),
    );
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
