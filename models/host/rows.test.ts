import { describe, expect, test } from "bun:test";
import { HostRowBuffer } from "./rows.ts";

describe("HostRowBuffer", () => {
  test("aligns rounds by key; the matrix keeps metrics present in ≥ coverage of the rounds", () => {
    const b = new HostRowBuffer();
    for (let i = 0; i < 10; i++) {
      const m = new Map([
        ["a", i],
        ["b", 2 * i],
      ]);
      if (i === 3) m.set("pid{1}", 1);
      b.push(m);
    }
    const m = b.matrix(0.9)!;
    expect(m.names).toEqual(["a", "b"]);
    expect(m.n).toBe(10);
    expect(Array.from(m.rows.subarray(6, 8))).toEqual([3, 6]);
  });

  test("bounded: the oldest rounds go past maxBytes", () => {
    const b = new HostRowBuffer({ maxBytes: 8 * 4 * 5 });
    for (let i = 0; i < 20; i++) b.push(new Map(Array.from({ length: 8 }, (_, j) => [`m${j}`, i])));
    expect(b.length).toBe(5);
    expect(b.heldBytes).toBeLessThanOrEqual(160);
    expect(b.matrix()!.rows[0]).toBe(15);
  });

  test("metrics that came and went are dropped when the columns reach maxMetrics", () => {
    const b = new HostRowBuffer({ maxMetrics: 300 });
    for (let i = 0; i < 600; i++)
      b.push(
        new Map([
          ["cpu", i],
          [`process{pid=${i}}`, 1],
        ]),
      );
    expect(b.metrics).toBeLessThanOrEqual(300);
    const m = b.matrix()!;
    expect(m.names).toEqual(["cpu"]);
    expect(m.rows[m.n - 1]).toBe(599);
  });
});
