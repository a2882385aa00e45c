/**
 * The online (no-bundle) models: `online:default` ({@link AdaptiveDetector}), `online:shapes`
 * (the same with the fuzzy-ART shape statistic, art.ts: better on spike-density changes, ~1.5×
 * the scoring cost and ~1.7 KiB more per series) and `online:window` ({@link OnlineDetector},
 * the earlier window-statistics detector, kept for comparison in `agent eval`).
 */
import { AdaptiveDetector, type AdaptiveOptions } from "./adaptive.ts";
import { OnlineDetector } from "./window.ts";
import type { ScoringModel } from "../model.ts";

/** Names accepted after `online:`. */
export const ONLINE_MODELS = ["default", "shapes", "window"] as const;

/** Options of `online:default` (and `online:shapes`) that the config exposes. */
export type OnlineModelOptions = Pick<AdaptiveOptions, "alarmsPerDay">;

/**
 * Creates the online model `online:<name>`; throws on an unknown name.
 *
 * @example
 * const m = createOnlineModel("online:default", { alarmsPerDay: 0.1 });
 */
export function createOnlineModel(spec: string, options: OnlineModelOptions = {}): ScoringModel {
  const [base, query] = spec.replace(/^online:/, "").split("?", 2);
  const name = base;
  if (query !== undefined) options = { ...parseOnlineQuery(spec, query), ...options };
  if (name === "default") return new AdaptiveDetector("online:default", options);
  if (name === "shapes") return new AdaptiveDetector("online:shapes", { ...options, art: true });
  if (name === "window") {
    if (options.alarmsPerDay !== undefined) throw new Error(`online:window has no alarms_per_day (only online:default and online:shapes have)`);
    return new OnlineDetector("online:window");
  }
  throw new Error(`unknown online model "${spec}" (known: ${ONLINE_MODELS.map((n) => `online:${n}`).join(", ")})`);
}

/**
 * The reference of an online model with options, as config and reload compare it:
 * `online:default?alarms_per_day=0.05`.
 *
 * @example
 * onlineRef("default", { alarmsPerDay: 0.05 }); // "online:default?alarms_per_day=0.05"
 */
export function onlineRef(name: string, options: OnlineModelOptions = {}): string {
  return options.alarmsPerDay === undefined ? `online:${name}` : `online:${name}?alarms_per_day=${options.alarmsPerDay}`;
}

function parseOnlineQuery(spec: string, query: string): OnlineModelOptions {
  const out: OnlineModelOptions = {};
  for (const part of query.split("&")) {
    const [k, v] = part.split("=", 2);
    const n = Number(v);
    if (k !== "alarms_per_day") throw new Error(`online model "${spec}": unknown option "${k}" (known: alarms_per_day)`);
    if (!(n > 0 && n <= 1e4)) throw new Error(`online model "${spec}": alarms_per_day must be a number in (0, 10000], got "${v}"`);
    out.alarmsPerDay = n;
  }
  return out;
}
