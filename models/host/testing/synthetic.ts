import { createRng } from "../../../data/random.ts";

/**
 * Synthetic normal host rows: `a` and `b = 2a + noise` move together, `c` is independent noise,
 * `d` is constant. Returns `n × 4` rows and their names.
 */
export function correlatedRows(n: number, seed: number): { rows: Float32Array; names: string[] } {
  const rng = createRng(seed);
  const rows = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = rng.next() * 10;
    rows.set([a, 2 * a + (rng.next() - 0.5) * 0.2, 100 + rng.next() * 5, 7], i * 4);
  }
  return { rows, names: ["a", "b", "c", "d"] };
}
