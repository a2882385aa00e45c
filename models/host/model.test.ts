import { describe, expect, test } from "bun:test";
import { correlatedRows } from "./testing/synthetic.ts";
import { trainHostModel, HostTrainError } from "./train.ts";

describe("host model (synthetic: b = 2a, c independent, d constant)", async () => {
  const { rows, names } = correlatedRows(400, 5);
  const model = await trainHostModel(rows, 400, names, { seed: 2, epochs: 120 });

  test("normal rows score below the threshold, in [0, 1)", () => {
    const { rows: fresh } = correlatedRows(200, 99);
    let flagged = 0;
    for (let i = 0; i < 200; i++) {
      const s = model.score(fresh.subarray(i * 4, i * 4 + 4));
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThan(1);
      if (s.score >= model.threshold) flagged++;
    }
    expect(flagged).toBeLessThanOrEqual(2);
  });

  test("a broken relation (a high, b low, each inside its range) is flagged and a, b lead the contributors", () => {
    const s = model.score([9, 2, 102, 7], 2);
    expect(s.score).toBeGreaterThan(model.threshold);
    expect(s.contributors.map((c) => c.name).sort()).toEqual(["a", "b"]);
    expect(s.contributors[0].share + s.contributors[1].share).toBeGreaterThan(0.6);
    expect(s.contributors[0].share).toBeGreaterThanOrEqual(s.contributors[1].share);
  });

  test("a missing metric is imputed and never a contributor; shares sum to 1 over all metrics", () => {
    const s = model.score([9, Number.NaN, 102, 7], 4);
    expect(s.present).toBe(3);
    expect(s.contributors.map((c) => c.name)).not.toContain("b");
    expect(s.contributors.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 5);
    expect(model.score([Number.NaN, Number.NaN, Number.NaN, Number.NaN]).score).toBe(0);
  });

  test("a wrong-length vector is refused", () => {
    expect(() => model.score([1, 2, 3])).toThrow(RangeError);
  });

  test("seeded: the same rows and seed give the same model", async () => {
    const again = await trainHostModel(rows, 400, names, { seed: 2, epochs: 120 });
    expect(again.parts.tau).toBe(model.parts.tau);
    expect(again.score([9, 2, 102, 7]).score).toBe(model.score([9, 2, 102, 7]).score);
  });

  test("too few rows, mismatched sizes and duplicate names are refused", async () => {
    await expect(trainHostModel(rows.subarray(0, 40), 10, names)).rejects.toThrow(HostTrainError);
    await expect(trainHostModel(rows, 399, names)).rejects.toThrow(HostTrainError);
    await expect(trainHostModel(rows, 400, ["a", "a", "c", "d"])).rejects.toThrow(HostTrainError);
  });

  test("training stops when its signal is aborted", async () => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    await expect(trainHostModel(rows, 400, names, { signal: ac.signal })).rejects.toThrow("stop");
  });
});
