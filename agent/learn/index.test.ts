import { expect, test } from "bun:test";
import type { ModelHost, ModelWatcher } from "../../core/pipeline/types.ts";
import type { ModelFailure, RoundInfo } from "../../core/scoring/scorer.ts";
import type { ScoringModel } from "../../models/model.ts";
import { learnWatcher } from "./index.ts";
import type { Learner } from "./learner.ts";

function recorder(name: string, calls: string[], answer?: ScoringModel): ModelWatcher {
  return {
    onRound: () => void calls.push(`${name}.onRound`),
    onModelFailure: () => (calls.push(`${name}.onModelFailure`), answer),
    onSamples: () => void calls.push(`${name}.onSamples`),
    attach: () => void calls.push(`${name}.attach`),
    dispose: () => void calls.push(`${name}.dispose`),
  };
}

test("with an updater and a learner, the updater decides on failures; both see rounds and the host; the learner gets the samples", () => {
  const calls: string[] = [];
  const fallback = { name: "prev" } as ScoringModel;
  const up = recorder("up", calls, fallback);
  const learner = recorder("learn", calls) as unknown as Learner;
  expect(learnWatcher(up, undefined)).toBe(up);
  expect(learnWatcher(undefined, learner)).toBe(learner);
  const w = learnWatcher(up, learner)!;
  w.attach({} as ModelHost);
  w.onRound({} as RoundInfo);
  w.onSamples?.([]);
  expect(w.onModelFailure({} as ModelFailure)).toBe(fallback);
  w.dispose?.();
  expect(calls).toEqual(["up.attach", "learn.attach", "up.onRound", "learn.onRound", "learn.onSamples", "up.onModelFailure", "up.dispose", "learn.dispose"]);
});
