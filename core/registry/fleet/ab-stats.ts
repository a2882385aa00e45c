/**
 * Statistics of the canary-versus-stable comparison, with agents as the unit: a rate is a ratio
 * estimator Σnum / Σden over agents (weighted by their points or exposure), its standard error
 * is the cluster-robust (per-agent) one, floored by the binomial/Poisson error of the pooled
 * counts, and no agent weighs more than {@link WEIGHT_CAP} × the median agent (so one agent
 * that reports a huge sample cannot dominate). Two arms are compared by the ratio of their
 * rates with a confidence interval on the log scale (delta method, Student t quantile).
 */

/** One agent's sums in one arm: `num` events over `den` exposure (flagged/points, alarms/series-hours). */
export interface Unit {
  num: number;
  den: number;
}

/** An arm's rate: estimate, standard error and sample. */
export interface RateEstimate {
  /** Σnum / Σden over the (weight-capped) agents; null without exposure. */
  rate: number | null;
  /** Standard error of `rate` (cluster-robust, floored by the pooled binomial/Poisson error). */
  se: number | null;
  /** Agents with exposure. */
  agents: number;
  /** Σnum and Σden before weight capping. */
  num: number;
  den: number;
}

/** No agent's exposure counts for more than this many times the median agent's. */
export const WEIGHT_CAP = 3;

/** The sample median of `xs` (not empty). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The rate of one arm over its agents. `kind` picks the error floor: `proportion` (binomial,
 * num ≤ den) or `count` (Poisson events per unit of exposure).
 *
 * @example
 * estimateRate([{ num: 4, den: 1000 }, { num: 6, den: 1200 }], "proportion").rate; // ≈ 0.0045
 */
export function estimateRate(units: Unit[], kind: "proportion" | "count"): RateEstimate {
  const live = units.filter((u) => u.den > 0 && Number.isFinite(u.den) && Number.isFinite(u.num));
  const num = live.reduce((a, u) => a + u.num, 0);
  const den = live.reduce((a, u) => a + u.den, 0);
  if (live.length === 0 || den <= 0) return { rate: null, se: null, agents: live.length, num, den };
  const cap = WEIGHT_CAP * median(live.map((u) => u.den));
  const w = live.map((u) => Math.min(1, cap / u.den));
  let wn = 0;
  let wd = 0;
  for (let i = 0; i < live.length; i++) {
    wn += w[i] * live[i].num;
    wd += w[i] * live[i].den;
  }
  const rate = wn / wd;
  const n = live.length;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const r = w[i] * (live[i].num - rate * live[i].den);
    ss += r * r;
  }
  const cluster = n > 1 ? ((n / (n - 1)) * ss) / (wd * wd) : Number.POSITIVE_INFINITY;
  const pooled = kind === "proportion" ? (rate * (1 - rate)) / wd : rate / wd;
  return { rate, se: Math.sqrt(Math.max(cluster, pooled)), agents: n, num, den };
}

/**
 * The two-sided Student t quantile for `conf` (e.g. 0.95) with `df` degrees of freedom
 * (Cornish–Fisher expansion around the normal quantile; within 1 % for df ≥ 3).
 */
export function tQuantile(conf: number, df: number): number {
  const z = normalQuantile(1 - (1 - conf) / 2);
  if (!Number.isFinite(df) || df > 1e6) return z;
  const d = Math.max(1, df);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d);
}

/** The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Canary / stable ratio of one rate with its confidence interval. */
export interface RatioCI {
  /** canary rate / stable rate (both floored at `floor`). */
  ratio: number;
  lower: number;
  upper: number;
  /** Confidence level of [lower, upper]. */
  conf: number;
}

/**
 * The ratio of two arms' rates with a `conf` interval on the log scale. Rates (and their
 * errors) below `floor` are taken at `floor`, so a stable arm with no events gives a finite,
 * conservative ratio. Null when either arm has no estimate.
 *
 * @example
 * ratioCI(estimateRate(canary, "proportion"), estimateRate(stable, "proportion"), 1e-4);
 */
export function ratioCI(canary: RateEstimate, stable: RateEstimate, floor: number, conf = 0.95): RatioCI | null {
  if (canary.rate === null || stable.rate === null || canary.se === null || stable.se === null) return null;
  const rc = Math.max(canary.rate, floor);
  const rs = Math.max(stable.rate, floor);
  const v = (canary.se / rc) ** 2 + (stable.se / rs) ** 2;
  const df = Math.max(1, Math.min(canary.agents, stable.agents) - 1);
  const half = tQuantile(conf, df) * Math.sqrt(v);
  const ratio = rc / rs;
  return { ratio, lower: ratio * Math.exp(-half), upper: ratio * Math.exp(half), conf };
}

/** Mean of per-agent values with a `conf` interval (Student t), for latency and drift; null without agents. */
export function meanCI(values: number[], conf = 0.95): { mean: number; lower: number | null; upper: number | null; agents: number } | null {
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0) return null;
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lower: null, upper: null, agents: 1 };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = tQuantile(conf, n - 1) * (sd / Math.sqrt(n));
  return { mean, lower: mean - half, upper: mean + half, agents: n };
}
