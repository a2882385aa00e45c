/** Stable identity of a series: `name{k1="v1",k2="v2"}` with labels sorted by key. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  keys.sort();
  let out = `${name}{`;
  for (let i = 0; i < keys.length; i++) out += `${i ? "," : ""}${keys[i]}=${JSON.stringify(labels[keys[i]])}`;
  return `${out}}`;
}

/** Series keys per label object: sources reuse their (frozen) label objects round after round. */
const keyCache = new WeakMap<Record<string, string>, Map<string, string>>();

/** {@link seriesKey}, memoised per (frozen, reused) label object. */
export function cachedKey(name: string, labels: Record<string, string>): string {
  let byName = keyCache.get(labels);
  if (!byName) keyCache.set(labels, (byName = new Map()));
  let key = byName.get(name);
  if (key === undefined) byName.set(name, (key = seriesKey(name, labels)));
  return key;
}
