/**
 * The online (no-bundle) models: `online:default` ({@link AdaptiveDetector} with the fuzzy-ART
 * shape statistic, art.ts: the best measured on nab-dev and the host trace), `online:lite` (the
 * same without the shape statistic: 1.6–2× faster and ~0.9 KiB less per series, blind to changes
 * in a pattern such as spikes arriving denser), `online:shapes` (the name `online:default` had
 * while the shape statistic was opt-in: the same model, kept so configs that name it keep
 * working) and `online:window` ({@link OnlineDetector}, the earlier window-statistics detector,
 * kept for comparison in `agent eval`).
 */
import { AdaptiveDetector, type AdaptiveOptions } from "./adaptive.ts";
import { OnlineDetector } from "./window.ts";
import type { ScoringModel } from "../model.ts";

/** Names accepted after `online:`. */
export const ONLINE_MODELS = ["default", "lite", "shapes", "window"] as const;

/** Options of `online:default` (and `online:lite`, `online:shapes`) that the config exposes. */
export type OnlineModelOptions = Pick<AdaptiveOptions, "alarmsPerDay">;

/** The {@link AdaptiveDetector} names of {@link ONLINE_MODELS} (all but `window`). */
export const ADAPTIVE_MODELS = ["default", "lite", "shapes"] as const;

/** A name of {@link ADAPTIVE_MODELS}. */
export type AdaptiveModelName = (typeof ADAPTIVE_MODELS)[number];

/**
 * The adaptive model that `ref` names (`online:lite` → `"lite"`); throws, naming the known ones,
 * when it names none (`online:window` is not adaptive).
 */
export function adaptiveModelName(ref: string): AdaptiveModelName {
  const name = ADAPTIVE_MODELS.find((n) => ref === `online:${n}`);
  if (name === undefined) throw new Error(`"${ref}" is not one of ${ADAPTIVE_MODELS.map((n) => `online:${n}`).join(", ")}`);
  return name;
}

/**
 * The options an adaptive online model `name` (see {@link ADAPTIVE_MODELS}) runs with:
 * `options` plus what the name fixes (`online:lite` has no shape statistic). Scripts that try
 * other options (scripts/nab-windows.ts) build their detector with this.
 */
export function adaptiveOptions(name: AdaptiveModelName, options: AdaptiveOptions = {}): AdaptiveOptions {
  return name === "lite" ? { ...options, art: false } : { ...options, art: true };
}

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
  if (name === "default" || name === "shapes" || name === "lite") return new AdaptiveDetector(`online:${name}`, adaptiveOptions(name, options));
  if (name === "window") {
    if (options.alarmsPerDay !== undefined) throw new Error(`online:window has no alarms_per_day (only online:default, online:lite and online:shapes have)`);
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
