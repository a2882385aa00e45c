import { expect, test } from "bun:test";
import { testRecord } from "../testing/fixtures.ts";
import {
  bytesOf,
  crc32,
  decodeFrame,
  decodeHeader,
  encodeFrames,
  encodeHeader,
  FORMAT_VERSION,
  frameSize,
  HEADER_BYTES,
  SegmentVersionError,
} from "./format.ts";

test("crc32 is the IEEE/zlib CRC-32", () => {
  expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
});

test("a header carries the magic, the format version and the first position", () => {
  const h = encodeHeader(123_456_789_012);
  expect(h.length).toBe(HEADER_BYTES);
  expect(h.toString("latin1", 0, 4)).toBe("AGBF");
  expect(h.readUInt16LE(4)).toBe(FORMAT_VERSION);
  expect(decodeHeader(h, "s.log")).toEqual({ base: 123_456_789_012 });
  expect(decodeHeader(Buffer.from("nope, not a segment"), "s.log")).toEqual({ problem: "not a buffer segment (bad magic)" });
  expect(decodeHeader(h.subarray(0, 5), "s.log")).toHaveProperty("problem");
});

test("a newer format version is refused by file name, not misread", () => {
  const h = encodeHeader(0);
  h.writeUInt16LE(FORMAT_VERSION + 1, 4);
  expect(() => decodeHeader(h, "/var/buffer/segment-000007.log")).toThrow(SegmentVersionError);
  expect(() => decodeHeader(h, "/var/buffer/segment-000007.log")).toThrow(/segment-000007\.log.*version 2/);
});

test("frames round-trip; a flipped bit fails the CRC", () => {
  const rs = [testRecord(1), testRecord(2, "anomaly")];
  rs[0].doc.metric.labels = { city: "Zürich" };
  rs.forEach(frameSize);
  const enc = encodeFrames(rs);
  const sizes = enc.sizes;
  const b = bytesOf(enc.bytes);
  expect(sizes[0]).toBe(frameSize(rs[0]) + 1); // "ü" is 2 bytes
  expect(sizes[1]).toBe(frameSize(rs[1]));
  expect(b.length).toBe(sizes[0] + sizes[1]);
  const a = decodeFrame(b, 0)!;
  expect(a.kind).toBe("point");
  expect(a.doc).toEqual(rs[0].doc);
  expect(a.json).toBe(JSON.stringify(rs[0].doc));
  expect(decodeFrame(b, sizes[0])!.kind).toBe("anomaly");
  b[sizes[0] + 20] ^= 1;
  expect(decodeFrame(b, sizes[0])).toBeUndefined();
});
