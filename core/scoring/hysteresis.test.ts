import { expect, test } from "bun:test";
import { HysteresisTracker } from "./hysteresis.ts";

test("one open and one close per anomalous stretch, not one event per point", () => {
  const h = new HysteresisTracker({ open: 0.5, close: 0.4, minPoints: 1 });
  const scores = [0.1, 0.6, 0.9, 0.45, 0.7, 0.3, 0.2];
  const events = scores.map((s, t) => h.update(s, t)).filter(Boolean);
  expect(events).toEqual([
    { kind: "open", start: 1, peak: 0.6, points: 1 },
    { kind: "close", start: 1, end: 5, peak: 0.9, points: 4 },
  ]);
});

test("minPoints requires consecutive points above open", () => {
  const h = new HysteresisTracker({ open: 0.5, close: 0.4, minPoints: 2 });
  expect(h.update(0.9, 0)).toBeUndefined();
  expect(h.update(0.1, 1)).toBeUndefined();
  expect(h.update(0.8, 2)).toBeUndefined();
  expect(h.update(0.7, 3)).toEqual({ kind: "open", start: 2, peak: 0.8, points: 2 });
  expect(h.isOpen).toBe(true);
});
