/**
 * Aligns one round of samples into the host vector: one value per metric, counters turned into
 * per-second rates (or dropped when the source already gives their rate), keyed by
 * `name{label=value,…}` (labels sorted, as in the host trace's columns).
 */

/** One sample as the host vector sees it (the runtime maps its `MetricSample`s to this). */
export interface HostSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
  /** A monotone counter (procfs `(c)`, Prometheus `counter`): used as its rate. */
  counter?: boolean;
  /** The source's metric type (`MetricSample.type`): `counter` counts as {@link HostSample.counter}. */
  type?: string;
}

/** Keys per (frozen, reused) label object: sources reuse theirs round after round. */
const keyCache = new WeakMap<object, Map<string, string>>();

/** {@link hostKey}, memoised per label object. */
export function cachedHostKey(name: string, labels: Readonly<Record<string, string>>): string {
  let byName = keyCache.get(labels);
  if (!byName) keyCache.set(labels, (byName = new Map()));
  let key = byName.get(name);
  if (key === undefined) byName.set(name, (key = hostKey(name, labels)));
  return key;
}

/** The key of a metric in the host vector: `name{k1=v1,k2=v2}` with labels sorted by key. */
export function hostKey(name: string, labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  keys.sort();
  return `${name}{${keys.map((k) => `${k}=${labels[k]}`).join(",")}}`;
}

/** Splits a host key into metric name and label suffix (`{…}` or ""). */
export function splitKey(key: string): { name: string; suffix: string } {
  const i = key.indexOf("{");
  return i < 0 ? { name: key, suffix: "" } : { name: key.slice(0, i), suffix: key.slice(i) };
}

/**
 * Keys of counters whose rate the round already carries as a gauge, which the vector leaves
 * out: `X` beside `X_per_sec` (procfs's counters), and `P.Y_seconds` beside `P.Y` (procfs's CPU
 * time counters beside the CPU shares). `keys`: every key of the round.
 */
export function redundantCounter(key: string, keys: ReadonlySet<string>): boolean {
  const { name, suffix } = splitKey(key);
  if (keys.has(`${name}_per_sec${suffix}`)) return true;
  return name.endsWith("_seconds") && keys.has(`${name.slice(0, -"_seconds".length)}${suffix}`);
}

/**
 * Turns rounds of samples into `key → value` maps: gauges as they are, counters as their
 * increase per second since the previous round (NaN in the first round, after a reset, or when
 * the counter's rate is already a gauge of the round: then the counter is left out).
 *
 * @example
 * const v = new HostVectorizer();
 * const values = v.round(samples.map((s) => ({ ...s, counter: s.type === "counter" })), nowMs);
 */
export class HostVectorizer {
  private readonly prev = new Map<string, { v: number; t: number }>();
  /** Whether a counter is redundant, per key; recomputed when the round's set of metrics changes size. */
  private redundant = new Map<string, boolean>();
  private lastSize = -1;

  /** The round's metrics (`timestampMs`: the round's time); counters become rates. */
  round(samples: readonly HostSample[], timestampMs: number): Map<string, number> {
    const keys = samples.map((s) => cachedHostKey(s.name, s.labels));
    let all: Set<string> | undefined;
    if (keys.length !== this.lastSize) {
      this.redundant = new Map();
      this.lastSize = keys.length;
    }
    const out = new Map<string, number>();
    const seen = new Set<string>();
    samples.forEach((s, i) => {
      const key = keys[i];
      if (!(s.counter ?? s.type === "counter")) {
        out.set(key, s.value);
        return;
      }
      let r = this.redundant.get(key);
      if (r === undefined) this.redundant.set(key, (r = redundantCounter(key, (all ??= new Set(keys)))));
      if (r) return;
      seen.add(key);
      const p = this.prev.get(key);
      this.prev.set(key, { v: s.value, t: timestampMs });
      const dt = p ? (timestampMs - p.t) / 1000 : 0;
      out.set(key, p && dt > 0 && s.value >= p.v ? (s.value - p.v) / dt : Number.NaN);
    });
    for (const k of this.prev.keys()) if (!seen.has(k)) this.prev.delete(k);
    return out;
  }
}
