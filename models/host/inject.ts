/**
 * A multi-metric anomaly injected into a copy of a host trace: chosen metrics set, for a stretch
 * of rounds, to a quantile of their own values over a reference stretch (so each stays inside
 * its own normal range) in a combination the reference never shows.
 */
import type { HostTrace } from "../online/host-trace.ts";

/** What to inject: `metric → quantile` (0 = its reference minimum, 1 = its maximum). */
export interface HostInjection {
  set: Record<string, number>;
  /** Rounds `[from, to)` that get the values. */
  from: number;
  to: number;
  /** Reference rounds `[from, to)` the quantiles are taken over. */
  reference: [number, number];
}

/** A copy of `trace` with `inj` applied; throws when a metric is not in the trace. */
export function injectIntoTrace(trace: HostTrace, inj: HostInjection): HostTrace {
  const series = trace.series.map((s) => ({ name: s.name, values: Float64Array.from(s.values) }));
  for (const [name, q] of Object.entries(inj.set)) {
    const s = series.find((x) => x.name === name);
    if (!s) throw new Error(`inject: no series ${name} in the trace`);
    const ref = Array.from(s.values.subarray(inj.reference[0], inj.reference[1])).filter(Number.isFinite);
    if (ref.length === 0) throw new Error(`inject: ${name} has no values in the reference rounds`);
    ref.sort((a, b) => a - b);
    const v = ref[Math.round(q * (ref.length - 1))];
    s.values.fill(v, inj.from, inj.to);
  }
  return { timestamps: trace.timestamps, series, phases: trace.phases };
}
