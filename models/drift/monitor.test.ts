import { describe, expect, test } from "bun:test";
import { DriftMonitor } from "./monitor.ts";

function wave(i: number, phase: number): number {
  return 50 + 10 * Math.sin((i + phase) / 7) + ((i * 7919 + phase * 31) % 13) / 13;
}

describe("DriftMonitor", () => {
  test("reports the series that changed, not the ones that did not", () => {
    const m = new DriftMonitor();
    m.model("online:default@2");
    const changes: string[] = [];
    for (let i = 0; i < 4000; i++) {
      for (let k = 0; k < 5; k++) {
        const shifted = k === 2 && i >= 2000 ? 30 : 0;
        const c = m.observe(`s${k}`, wave(i, k * 100) + shifted, 0.01);
        if (c?.transition === "start") changes.push(c.series);
      }
    }
    expect(changes).toEqual(["s2"]);
    const sum = m.summary(3);
    expect(sum.series).toBe(5);
    expect(sum.ready).toBe(5);
    expect(sum.drifted).toBe(1);
    expect(sum.top[0].series).toBe("s2");
    expect(sum.top.length).toBe(3);
    expect(sum.maxPsi).toBe(sum.top[0].psi);
  });

  test("the score stream starts a new reference when the model changes", () => {
    const m = new DriftMonitor({ score: { referenceSize: 100, halfLife: 100 } });
    m.model("a");
    for (let i = 0; i < 2000; i++) m.observe("x", 1, (i % 10) / 100);
    for (let i = 0; i < 2000; i++) m.observe("x", 1, 0.5 + (i % 10) / 100);
    expect(m.summary().score).toMatchObject({ model: "a", drifted: true });
    m.model("b");
    expect(m.summary().score).toMatchObject({ model: "b", drifted: false, ready: false });
  });

  test("series past maxSeries are counted, not tracked; forget frees a slot", () => {
    const m = new DriftMonitor({ maxSeries: 2 });
    for (const k of ["a", "b", "c", "d", "c"]) m.observe(k, 1, 0);
    expect(m.summary()).toMatchObject({ series: 2, untracked: 2 });
    m.forget("a");
    m.observe("c", 1, 0);
    expect(m.summary()).toMatchObject({ series: 2, untracked: 1 });
  });

  test("memory per series after their reference: under 300 bytes each", () => {
    const m = new DriftMonitor();
    for (let i = 0; i < 300; i++) for (let k = 0; k < 1000; k++) m.observe(`s${k}`, (k + i) % 17, 0);
    expect(m.bytes / 1000).toBeLessThan(300);
  });
});
