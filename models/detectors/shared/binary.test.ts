import { describe, expect, test } from "bun:test";
import { fileBytes, LEReader, packLE } from "./binary.ts";

describe("packLE / LEReader", () => {
  test("writes little-endian bytes", () => {
    expect(Array.from(packLE([new Int32Array([1, -2])]))).toEqual([1, 0, 0, 0, 254, 255, 255, 255]);
    expect(Array.from(packLE([new Float32Array([1])]))).toEqual([0, 0, 128, 63]);
  });

  test("round-trips mixed arrays, including subarray views", () => {
    const ints = new Int32Array([0, 5, -7, 2147483647]).subarray(1);
    const floats = new Float32Array([0.1, -3.5, Number.MAX_VALUE]);
    const r = new LEReader(packLE([ints, floats]));
    expect(Array.from(r.int32(3))).toEqual(Array.from(ints));
    expect(Array.from(r.float32(3))).toEqual(Array.from(floats));
    expect(r.remaining).toBe(0);
  });

  test("refuses to read past the end", () => {
    const r = new LEReader(new Uint8Array(6));
    expect(() => r.int32(2)).toThrow(RangeError);
  });
});

describe("fileBytes", () => {
  test("reads from a Map and from a BundleFile list", () => {
    const data = new Uint8Array([1, 2]);
    expect(fileBytes(new Map([["a.bin", data]]), "a.bin")).toBe(data);
    expect(fileBytes([{ path: "a.bin", data }], "a.bin")).toBe(data);
    expect(fileBytes([], "a.bin")).toBeUndefined();
  });
});
