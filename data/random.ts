/**
 * The project's one seeded pseudo-random generator: the synthetic data generator, the
 * detectors (isolation forest sampling and splits), tests and benchmarks all draw from it.
 *
 * sfc32 (Small Fast Counting, 32-bit state × 4) seeded through splitmix32, plus a Box-Muller
 * normal sampler. Never touches `Math.random`, so the same seed always yields the same stream
 * (`data/random.test.ts` pins it: `agent generate --seed` output must stay byte-identical).
 */

/** A deterministic random source. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** Standard normal N(0, 1) (Box-Muller, the spare value is cached). */
  normal(): number;
  /** `+1` or `-1` with equal probability. */
  sign(): 1 | -1;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** splitmix32 step: a good 32-bit mixer used to expand a seed into sfc32 state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Mix several integers (e.g. a seed and a series index) into one 32-bit seed.
 *
 * @example
 * const rng = createRng(mixSeed(42, 7)); // the stream for series 7 of seed 42
 */
export function mixSeed(...parts: number[]): number {
  const st = { s: 0x2545f491 };
  let h = 0;
  for (const p of parts) {
    st.s = (st.s ^ (p | 0) ^ Math.floor(p / 4294967296)) | 0;
    h = (h ^ splitmix32(st)) >>> 0;
    st.s = h | 0;
  }
  return h;
}

/**
 * Create a seeded random source.
 *
 * @example
 * const rng = createRng(42);
 * rng.uniform(10, 1000); // same number on every run
 */
export function createRng(seed: number): Rng {
  const st = { s: (seed | 0) ^ Math.floor(seed / 4294967296) };
  let a = splitmix32(st) | 0;
  let b = splitmix32(st) | 0;
  let c = splitmix32(st) | 0;
  let d = splitmix32(st) | 0;
  let spare = NaN;

  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // warm up

  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    normal() {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      let u = next();
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u));
      const th = 2 * Math.PI * next();
      spare = r * Math.sin(th);
      return r * Math.cos(th);
    },
    sign: () => (next() < 0.5 ? -1 : 1),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}
