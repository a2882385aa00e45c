import type { WindowBatch } from "../../detector.ts";
import { createRng } from "../../../data/random.ts";

/**
 * Test/bench support: `n` windows of `width` standard-normal values (Box–Muller on a seeded
 * `createRng` from data/random.ts), the shape the pipeline feeds detectors.
 * @example
 * const batch = gaussianBatch(1000, 33, 1);
 */
export function gaussianBatch(n: number, width: number, seed: number): WindowBatch {
  const rng = createRng(seed);
  const data = new Float32Array(n * width);
  for (let i = 0; i < data.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const a = 2 * Math.PI * rng.next();
    data[i] = r * Math.cos(a);
    if (i + 1 < data.length) data[i + 1] = r * Math.sin(a);
  }
  return { data, n, width };
}
