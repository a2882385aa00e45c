import type { DetectorKind } from "../../detector.ts";

/**
 * Which forward pass scores a batch, per detector kind: the four neural detectors have two —
 * tfjs on the WASM SIMD backend and a plain-TypeScript loop over the same weights (float64,
 * one row at a time) — and give the same scores within float tolerance (each detector's test
 * checks it). A tfjs call has a fixed cost (tensor creation, one WASM dispatch per op, a
 * `dataSync`), the plain loop a cost per row; tfjs wins from some batch size on.
 *
 * The numbers are the crossover batch sizes *measured* by
 *
 *     bun scripts/bench/detectors.ts --paths-only
 *
 * (windows/s of both paths at 1 … 10k windows per call, interleaved run by run; it prints the
 * crossover per detector). Each value is the smallest measured size from which tfjs won at every
 * larger size in every run of 2026-12-02 on the project's 2-core x86-64 machine (bun 1.4.5,
 * tfjs 4.22.0 wasm, SIMD on, threads off, pinned to one core, other sessions running; six runs,
 * five on the grid 1, 8, 10, 32, 48, 64, 96, 128, 192, 256, 550, 1k, 10k); the interpolated
 * crossings were autoencoder ≈ 92–122, lstm ≈ 130–210, gru ≈ 156–229, vae ≈ 27–45 rows (vae at
 * 32 rows, the autoencoder at 96 and lstm/gru at 192 went either way). Near a crossing the two paths are within ~1.3× of each other, far from it 10–50× apart
 * (one window: plain TS wins 18–156×; 10k windows: tfjs wins 2.3–7.5×). Re-run the bench and
 * update this table when a kernel, tfjs or the machine changes.
 */
export const TFJS_MIN_ROWS = {
  autoencoder: 128,
  "lstm-autoencoder": 256,
  "gru-autoencoder": 256,
  vae: 48,
} as const satisfies Partial<Record<DetectorKind, number>>;

/** The detector kinds with two forward passes (tfjs and plain TypeScript). */
export type TwoPathKind = keyof typeof TFJS_MIN_ROWS;

/** Whether a batch of `rows` windows of detector `kind` is scored with tfjs (else plain TypeScript). */
export function scoresWithTfjs(kind: TwoPathKind, rows: number): boolean {
  return rows >= TFJS_MIN_ROWS[kind];
}
