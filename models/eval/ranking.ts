/**
 * Threshold-free ranking metrics: average precision (PR-AUC) and ROC-AUC, exact with ties.
 *
 * Instead of sorting point objects, the scores of positive and negative points are kept in two
 * Float32Arrays, each sorted natively, and merged from the top: every distinct score is one
 * threshold, so tied scores move precision/recall in a single step.
 */

/** PR-AUC and ROC-AUC; `null` where undefined (no positives, or no negatives for ROC). */
export interface RankingMetrics {
  prAuc: number | null;
  rocAuc: number | null;
}

/**
 * Average precision `Σ (R_k − R_{k−1}) · P_k` over distinct thresholds (as scikit-learn's
 * `average_precision_score`) and ROC-AUC `P(s+ > s−) + ½ P(s+ = s−)`.
 * Sorts the two arrays in place. NaN scores must have been replaced beforehand.
 * @example rankingMetrics(Float32Array.of(0.9), Float32Array.of(0.1)) // { prAuc: 1, rocAuc: 1 }
 */
export function rankingMetrics(positives: Float32Array, negatives: Float32Array): RankingMetrics {
  const nPos = positives.length;
  const nNeg = negatives.length;
  if (nPos === 0) return { prAuc: null, rocAuc: null };
  positives.sort();
  negatives.sort();
  let i = nPos - 1;
  let j = nNeg - 1;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let auc = 0;
  while (i >= 0) {
    const t = j >= 0 && negatives[j] > positives[i] ? negatives[j] : positives[i];
    let dp = 0;
    let dn = 0;
    while (i >= 0 && positives[i] === t) {
      dp++;
      i--;
    }
    while (j >= 0 && negatives[j] === t) {
      dn++;
      j--;
    }
    tp += dp;
    fp += dn;
    if (dp > 0) {
      ap += (dp / nPos) * (tp / (tp + fp));
      auc += dp * (nNeg - fp) + 0.5 * dp * dn;
    }
  }
  return { prAuc: ap, rocAuc: nNeg === 0 ? null : auc / (nPos * nNeg) };
}
