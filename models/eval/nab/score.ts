/**
 * NAB's corpus score (numenta/NAB `sweeper.calcScoreByThreshold` + `runner.optimize` +
 * `runner.normalize`): one threshold for the whole corpus, chosen to maximise the summed raw
 * score; inside each window only the best-weighted (= earliest) detection counts, a window with
 * none costs −fnWeight, every detection outside a window adds its (negative) sweep weight.
 * The result is normalised so the null detector (never fires) scores 0 and the perfect one
 * (a detection at every window's start) 100.
 */
import type { NabCostMatrix } from "../../../data/io/nab.ts";
import { OUTSIDE, PROBATION, sweepFile } from "./sweep.ts";

/** One file to score: its category, its windows as inclusive row ranges, and its scores. */
export interface NabInput {
  category: string;
  windows: readonly [number, number][];
  scores: ArrayLike<number>;
}

/** Raw counts and scores of a set of files at one threshold. */
export interface NabTally {
  raw: number;
  windows: number;
  tp: number;
  fn: number;
  fp: number;
  /** 100·(raw − null)/(perfect − null). */
  score: number;
}

/** A profile's corpus result. */
export interface NabResult extends NabTally {
  profile: string;
  threshold: number;
  byCategory: Record<string, NabTally>;
}

interface Flat {
  score: Float64Array;
  weight: Float64Array;
  /** Global window id, or −1 outside windows. */
  wid: Int32Array;
  category: Int32Array;
  windows: number;
  windowCategory: number[];
  categories: string[];
}

function flatten(files: readonly NabInput[], costs: NabCostMatrix): Flat {
  const categories = [...new Set(files.map((f) => f.category))].sort();
  let total = 0;
  const swept = files.map((f) => {
    const s = sweepFile(f.scores.length, f.windows, costs);
    for (let i = 0; i < s.window.length; i++) if (s.window[i] !== PROBATION) total++;
    return s;
  });
  const score = new Float64Array(total);
  const weight = new Float64Array(total);
  const wid = new Int32Array(total);
  const category = new Int32Array(total);
  const windowCategory: number[] = [];
  let k = 0;
  files.forEach((f, fi) => {
    const s = swept[fi];
    const cat = categories.indexOf(f.category);
    const ids = new Map<number, number>();
    for (let i = 0; i < s.window.length; i++) {
      const w = s.window[i];
      if (w === PROBATION) continue;
      let id = -1;
      if (w !== OUTSIDE) {
        id = ids.get(w) ?? -1;
        if (id < 0) {
          id = windowCategory.length;
          windowCategory.push(cat);
          ids.set(w, id);
        }
      }
      const v = Number(f.scores[i]);
      score[k] = Number.isFinite(v) ? v : 0;
      weight[k] = s.weights[i];
      wid[k] = id;
      category[k] = cat;
      k++;
    }
  });
  return { score, weight, wid, category, windows: windowCategory.length, windowCategory, categories };
}

function normalise(raw: number, windows: number, costs: NabCostMatrix): number {
  const nul = -costs.fnWeight * windows;
  const perfect = costs.tpWeight * windows;
  return perfect === nul ? 0 : (100 * (raw - nul)) / (perfect - nul);
}

/** The threshold that maximises the corpus' raw score (NAB's optimiser, exact: every distinct score is tried). */
function bestThreshold(flat: Flat, costs: NabCostMatrix): number {
  const order = Array.from(flat.score.keys()).sort((a, b) => flat.score[b] - flat.score[a]);
  const best = new Float64Array(flat.windows).fill(Number.NaN);
  let fpSum = 0;
  let tpSum = 0;
  let detected = 0;
  let bestRaw = -costs.fnWeight * flat.windows;
  let bestT = Number.POSITIVE_INFINITY;
  for (let j = 0; j < order.length; ) {
    const t = flat.score[order[j]];
    for (; j < order.length && flat.score[order[j]] === t; j++) {
      const i = order[j];
      const w = flat.wid[i];
      if (w < 0) fpSum += flat.weight[i];
      else if (Number.isNaN(best[w])) {
        best[w] = flat.weight[i];
        tpSum += best[w];
        detected++;
      } else if (flat.weight[i] > best[w]) {
        tpSum += flat.weight[i] - best[w];
        best[w] = flat.weight[i];
      }
    }
    const raw = fpSum + tpSum - costs.fnWeight * (flat.windows - detected);
    if (raw > bestRaw + 1e-12) {
      bestRaw = raw;
      bestT = t;
    }
  }
  return bestT;
}

function tally(flat: Flat, threshold: number, costs: NabCostMatrix, cat: number): NabTally {
  const best = new Float64Array(flat.windows).fill(Number.NaN);
  let raw = 0;
  let fp = 0;
  for (let i = 0; i < flat.score.length; i++) {
    if (cat >= 0 && flat.category[i] !== cat) continue;
    if (!(flat.score[i] >= threshold)) continue;
    const w = flat.wid[i];
    if (w < 0) {
      raw += flat.weight[i];
      fp++;
    } else if (!(flat.weight[i] <= best[w])) best[w] = flat.weight[i];
  }
  let windows = 0;
  let tp = 0;
  for (let w = 0; w < flat.windows; w++) {
    if (cat >= 0 && flat.windowCategory[w] !== cat) continue;
    windows++;
    if (Number.isNaN(best[w])) raw -= costs.fnWeight;
    else {
      raw += best[w];
      tp++;
    }
  }
  return { raw, windows, tp, fn: windows - tp, fp, score: normalise(raw, windows, costs) };
}

/**
 * Scores a corpus under one cost profile.
 *
 * @example
 * const r = nabScore(files, NAB_PROFILES.standard, "standard");
 * r.score; // 72.3 for Numenta HTM's stored detections on nab-dev
 */
export function nabScore(files: readonly NabInput[], costs: NabCostMatrix, profile: string): NabResult {
  const flat = flatten(files, costs);
  const threshold = bestThreshold(flat, costs);
  const all = tally(flat, threshold, costs, -1);
  const byCategory: Record<string, NabTally> = {};
  flat.categories.forEach((c, ci) => (byCategory[c] = tally(flat, threshold, costs, ci)));
  return { profile, threshold, ...all, byCategory };
}
