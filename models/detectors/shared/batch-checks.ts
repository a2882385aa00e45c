import { WindowShapeError, type WindowBatch } from "../../detector.ts";

/**
 * Throws {@link WindowShapeError} when a batch holds NaN or ±Infinity. Run after
 * `assertBatch`, which checks width and length.
 * @example
 * assertFinite({ data: new Float32Array([1, NaN]), n: 1, width: 2 }, "demo"); // throws
 */
export function assertFinite(batch: WindowBatch, who: string): void {
  const d = batch.data;
  for (let i = 0; i < d.length; i++) {
    // x - x is NaN exactly for NaN and ±Infinity
    if (d[i] - d[i] !== 0) {
      const row = Math.floor(i / batch.width);
      throw new WindowShapeError(`${who}: window ${row} holds a non-finite value (${d[i]}) at column ${i - row * batch.width}`);
    }
  }
}
