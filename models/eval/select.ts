/** Which series the report plots. */

/** Default number of series plotted in a report. */
export const DEFAULT_MAX_SERIES = 24;

/**
 * Pick up to `max` series: anomalous ones (any label 1) first, keeping a few clean ones
 * (about one in six, at least one) for contrast; unused slots go to whichever kind remains.
 * Dataset order is kept within each kind.
 * @example selectSeries(all, 24) // ≤ 20 anomalous + ≥ 4 clean when both exist
 */
export function selectSeries<T extends { labels: Uint8Array }>(series: readonly T[], max = DEFAULT_MAX_SERIES): T[] {
  const limit = Math.max(0, Math.floor(max));
  const anomalous: T[] = [];
  const clean: T[] = [];
  for (const s of series) (s.labels.includes(1) ? anomalous : clean).push(s);
  const cleanQuota = Math.min(clean.length, limit > 0 ? Math.max(1, Math.floor(limit / 6)) : 0);
  const nAnomalous = Math.min(anomalous.length, limit - cleanQuota);
  const nClean = Math.min(clean.length, limit - nAnomalous);
  return [...anomalous.slice(0, nAnomalous), ...clean.slice(0, nClean)];
}
