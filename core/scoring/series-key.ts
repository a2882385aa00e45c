/** Stable identity of a series: `name{k1="v1",k2="v2"}` with labels sorted by key. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  keys.sort();
  let out = `${name}{`;
  for (let i = 0; i < keys.length; i++) out += `${i ? "," : ""}${keys[i]}=${JSON.stringify(labels[keys[i]])}`;
  return `${out}}`;
}
