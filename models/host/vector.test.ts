import { describe, expect, test } from "bun:test";
import { HostVectorizer, hostKey, redundantCounter } from "./vector.ts";

describe("host vector", () => {
  test("keys: name and sorted labels", () => {
    expect(hostKey("disk.busy_fraction", { device: "vda" })).toBe("disk.busy_fraction{device=vda}");
    expect(hostKey("x", { b: "2", a: "1" })).toBe("x{a=1,b=2}");
    expect(hostKey("cpu.user", {})).toBe("cpu.user");
  });

  test("a counter whose rate is a gauge of the round is left out (procfs's X / X_per_sec, cpu.Y_seconds / cpu.Y)", () => {
    const keys = new Set(["disk.reads{device=vda}", "disk.reads_per_sec{device=vda}", "cpu.user_seconds", "cpu.user", "disk.io_time_seconds{device=vda}"]);
    expect(redundantCounter("disk.reads{device=vda}", keys)).toBe(true);
    expect(redundantCounter("cpu.user_seconds", keys)).toBe(true);
    expect(redundantCounter("disk.io_time_seconds{device=vda}", keys)).toBe(false);
  });

  test("other counters become per-second rates: NaN in the first round and after a reset; gauges pass through", () => {
    const v = new HostVectorizer();
    const round = (c: number, g: number, t: number) =>
      v.round(
        [
          { name: "req_total", labels: {}, value: c, counter: true },
          { name: "temp", labels: { zone: "0" }, value: g },
          { name: "x", labels: {}, value: 1, counter: true },
          { name: "x_per_sec", labels: {}, value: 0 },
        ],
        t,
      );
    const r0 = round(100, 40, 0);
    expect(r0.get("req_total")).toBeNaN();
    expect(r0.get("temp{zone=0}")).toBe(40);
    expect(r0.has("x")).toBe(false);
    expect(round(150, 41, 5000).get("req_total")).toBe(10);
    expect(round(10, 41, 10_000).get("req_total")).toBeNaN();
    expect(round(20, 41, 15_000).get("req_total")).toBe(2);
  });
});
