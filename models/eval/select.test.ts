import { describe, expect, test } from "bun:test";
import { selectSeries } from "./select.ts";

const mk = (name: string, anomalous: boolean) => ({ name, labels: Uint8Array.of(0, anomalous ? 1 : 0) });

describe("selectSeries", () => {
  test("anomalous first, then a few clean ones", () => {
    const all = [...Array.from({ length: 30 }, (_, i) => mk(`a${i}`, true)), ...Array.from({ length: 10 }, (_, i) => mk(`c${i}`, false))];
    const picked = selectSeries(all, 24);
    expect(picked).toHaveLength(24);
    expect(picked.filter((s) => s.name.startsWith("a"))).toHaveLength(20);
    expect(picked[0].name).toBe("a0");
    expect(picked[23].name).toBe("c3");
  });

  test("fills unused slots with whichever kind remains", () => {
    expect(selectSeries([mk("a", true), mk("c1", false), mk("c2", false)], 24)).toHaveLength(3);
    const clean = Array.from({ length: 30 }, (_, i) => mk(`c${i}`, false));
    expect(selectSeries([mk("a", true), ...clean], 5).map((s) => s.name)).toEqual(["a", "c0", "c1", "c2", "c3"]);
    expect(selectSeries(clean, 0)).toEqual([]);
  });
});
