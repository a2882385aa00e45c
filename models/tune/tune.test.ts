import { expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset } from "../../data/synthetic/index.ts";
import { readBundle } from "../format/bundle.ts";
import { saveTrainedModel } from "../train.ts";
import { chooseTrials } from "./space.ts";
import { formatTrials, splitSeries, tuneModel, TuneError } from "./tune.ts";

const tiny = () => generateDataset({ nSeries: 12, nPoints: 400, anomalyRatio: 0.8, seed: 5 });

test("trials: the first is the given settings, the rest distinct draws from the space, the same for the same seed", () => {
  const a = chooseTrials("vae", 8, 3, { window: 32 });
  expect(a.length).toBe(8);
  expect(a[0]).toEqual({ window: 32, size: 32, epochs: 10 }); // the VAE's defaults, spelled out
  expect(new Set(a.map((p) => JSON.stringify(p))).size).toBe(8);
  for (const p of a.slice(1)) {
    expect([16, 32, 48]).toContain(p.window);
    expect([8, 16, 32]).toContain(p.size!);
    expect([5, 10, 20]).toContain(p.epochs!);
    expect([1e-3, 3e-3, 1e-2]).toContain(p.learningRate!);
  }
  expect(chooseTrials("vae", 8, 3, { window: 32 })).toEqual(a);
  expect(chooseTrials("vae", 8, 4, { window: 32 })).not.toEqual(a);
  const rz = chooseTrials("robust-zscore", 8, 3, { window: 32 }); // only the window varies: 3 points
  expect(rz.length).toBe(3);
  expect(rz[0]).toEqual({ window: 32 });
  expect(rz.map((p) => p.window).sort((x, y) => x - y)).toEqual([16, 32, 48]);
  const lof = chooseTrials("lof", 9, 1, { window: 32 }); // 3 windows × 3 k: the default (k 20) is not drawn again
  expect(lof[0]).toEqual({ window: 32, size: 20 });
  expect(lof.length).toBe(9);
  expect(new Set(lof.map((p) => `${p.window}/${p.size}`)).size).toBe(9);
  expect(lof.every((p) => p.epochs === undefined && p.learningRate === undefined)).toBe(true);
});

test("split: seeded held-out series; unlabelled data and a validation part without anomalies are refused by name", () => {
  const ds = tiny();
  const { train, validation } = splitSeries(ds, 0.25, 1);
  expect(validation.series.length).toBe(3);
  expect(train.series.length + validation.series.length).toBe(12);
  expect(validation.anomalies.every((a) => validation.series.some((s) => s.name === a.series))).toBe(true);
  expect(splitSeries(ds, 0.25, 1).validation.series.map((s) => s.name)).toEqual(validation.series.map((s) => s.name));
  const unlabelled = { ...ds, series: ds.series.map(({ labels: _l, ...s }) => s) };
  expect(() => splitSeries(unlabelled, 0.25, 1)).toThrow(TuneError);
  expect(() => splitSeries(unlabelled, 0.25, 1)).toThrow(/12 of 12 have no labels/);
  const quiet = generateDataset({ nSeries: 4, nPoints: 400, anomalyRatio: 0, seed: 5 });
  expect(() => splitSeries(quiet, 0.25, 1)).toThrow(/hold no labelled anomaly/);
});

test("tune: every trial measured, the best kept with its record in the manifest, the same trials and values for the same seed", async () => {
  const ds = tiny();
  const run = () => tuneModel(ds, { kind: "robust-zscore", trials: 3, seed: 2, window: 32 });
  const r = await run();
  expect(r.trials.length).toBe(3);
  const best = Math.max(...r.trials.map((t) => t.value));
  expect(r.trials[r.bestIndex].value).toBe(best);
  expect(r.bestIndex).toBe(r.trials.findIndex((t) => t.value === best));
  expect(r.best.manifest.window).toBe(r.trials[r.bestIndex].window);
  const again = await run();
  expect(again.trials.map((t) => [t.window, t.value])).toEqual(r.trials.map((t) => [t.window, t.value]));
  const table = formatTrials(r.trials, r.bestIndex).split("\n");
  expect(table[0]).toMatch(/trial\s+window\s+size\s+epochs\s+lr\s+val event-F1\s+seconds/);
  expect(table.length).toBe(4);
  expect(table[r.bestIndex + 1]).toContain(" *");
  const dir = await mkdtemp(join(tmpdir(), "tune-"));
  try {
    await saveTrainedModel(dir, r.best);
    const { manifest } = await readBundle(dir); // validated by the strict manifest schema
    expect(manifest.training.tune!.best).toBe(r.bestIndex);
    expect(manifest.training.tune!.trials.map((t) => t.value)).toEqual(r.trials.map((t) => t.value));
    expect(manifest.training.tune!.validation).toBe("3 held-out series of 12");
  } finally {
    await rm(dir, { recursive: true, force: true });
    r.best.model.dispose();
    again.best.model.dispose();
  }
}, 60_000);

test("tune a neural kind: epochs, size and learning rate reach the detector and the manifest", async () => {
  const r = await tuneModel(tiny(), { kind: "vae", trials: 2, seed: 1, window: 16, epochs: 1 });
  expect(r.trials.length).toBe(2);
  expect(r.trials[0]).toMatchObject({ window: 16, epochs: 1 });
  const t = r.trials[r.bestIndex];
  const { training, detector } = r.best.manifest;
  expect(training.epochs).toBe(t.epochs!);
  expect(training.learning_rate).toBe(t.learningRate);
  if (t.size !== undefined) expect(detector.params.hidden).toBe(t.size);
  r.best.model.dispose();
}, 120_000);
