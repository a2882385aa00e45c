/**
 * Helpers for turning raw series into model-ready windows.
 */

/**
 * Fill gaps: every NaN takes the last finite value before it; leading NaNs take the first
 * finite value. A series with no finite value at all becomes zeros. Returns a new array.
 *
 * @example
 * forwardFill(new Float64Array([NaN, 1, NaN, 3])); // [1, 1, 1, 3]
 */
export function forwardFill(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let last = NaN;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      last = values[i];
      break;
    }
  }
  if (Number.isNaN(last)) return out;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) last = v;
    out[i] = last;
  }
  return out;
}
