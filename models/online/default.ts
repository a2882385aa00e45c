/**
 * The online (no-bundle) models: `online:default` ({@link AdaptiveDetector}) and
 * `online:window` ({@link OnlineDetector}, the earlier window-statistics detector, kept for
 * comparison in `agent eval`).
 */
import { AdaptiveDetector, type AdaptiveOptions } from "./adaptive.ts";
import { OnlineDetector } from "./window.ts";
import type { ScoringModel } from "../model.ts";

/** Names accepted after `online:`. */
export const ONLINE_MODELS = ["default", "window"] as const;

/** Options of `online:default` that the config exposes. */
export type OnlineModelOptions = Pick<AdaptiveOptions, "alarmsPerDay">;

/**
 * Creates the online model `online:<name>`; throws on an unknown name.
 *
 * @example
 * const m = createOnlineModel("online:default", { alarmsPerDay: 0.1 });
 */
export function createOnlineModel(spec: string, options: OnlineModelOptions = {}): ScoringModel {
  const name = spec.replace(/^online:/, "");
  if (name === "default") return new AdaptiveDetector("online:default", options);
  if (name === "window") return new OnlineDetector("online:window");
  throw new Error(`unknown online model "${spec}" (known: ${ONLINE_MODELS.map((n) => `online:${n}`).join(", ")})`);
}
