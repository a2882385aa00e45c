import { describe, expect, test } from "bun:test";
import { HostModelFormatError, hostModelToJSON, MAX_HOST_MODEL_BYTES, parseHostModel, serializeHostModel } from "./format.ts";
import { correlatedRows } from "./testing/synthetic.ts";
import { trainHostModel } from "./train.ts";

describe("host model file", async () => {
  const { rows, names } = correlatedRows(120, 1);
  const model = await trainHostModel(rows, 120, names, { seed: 1, epochs: 10 });
  const good = hostModelToJSON(model);
  const refuse = (obj: unknown, why: RegExp) => expect(() => parseHostModel(JSON.stringify(obj))).toThrow(why);

  test("round trip: the loaded model scores exactly like the trained one", () => {
    const back = parseHostModel(serializeHostModel(model));
    for (const v of [
      [9, 2, 102, 7],
      [1, 2, 100, 7],
      [5, Number.NaN, 101, 7],
    ])
      expect(back.score(v, 3)).toEqual(model.score(v, 3));
  });

  test("refused with a reason: not JSON, over the size bound, unknown keys, wrong format, non-finite numbers", () => {
    expect(() => parseHostModel("{")).toThrow(HostModelFormatError);
    expect(() => parseHostModel(" ".repeat(MAX_HOST_MODEL_BYTES + 1))).toThrow(/bound/);
    refuse({ ...good, extra: 1 }, /extra|Unrecognized/);
    refuse({ ...good, format: "other" }, /format/);
    refuse({ ...good, version: 2 }, /version/);
    refuse({ ...good, tau: -1 }, /tau/);
    refuse({ ...good, scale: good.scale.map(() => 0) }, /scale/);
    refuse({ ...good, median: [null, 1, 2, 3] }, /median/);
    refuse([], /root|object/);
  });

  test("refused with a reason: shapes that do not chain", () => {
    refuse({ ...good, names: ["a", "a", "c", "d"] }, /unique/);
    refuse({ ...good, median: good.median.slice(1) }, /medians/);
    const layers = good.layers.map((l) => ({ ...l }));
    layers[0] = { ...layers[0], kernel: layers[0].kernel.slice(1) };
    refuse({ ...good, layers }, /kernel/);
    const bias = good.layers.map((l) => ({ ...l }));
    bias[1] = { ...bias[1], bias: [...bias[1].bias, 0] };
    refuse({ ...good, layers: bias }, /bias/);
    refuse({ ...good, layers: good.layers.slice(1) }, /inputs/);
    refuse({ ...good, layers: good.layers.slice(0, -1) }, /last layer|inputs|gives/);
  });
});
