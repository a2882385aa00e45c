/** Display order of anomaly types: the generator's order first, then others alphabetically. */
import { ANOMALY_TYPES } from "../../data/types.ts";

/**
 * Sort type names: known {@link ANOMALY_TYPES} in their declared order, then the rest by name.
 * @example typeOrder(["unknown", "dip", "spike"]) // ["spike", "dip", "unknown"]
 */
export function typeOrder(types: Iterable<string>): string[] {
  const rank = (t: string): number => {
    const i = (ANOMALY_TYPES as readonly string[]).indexOf(t);
    return i < 0 ? ANOMALY_TYPES.length : i;
  };
  return [...new Set(types)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
