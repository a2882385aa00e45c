/**
 * On-disk format of buffer segments (kept apart from the runtime types).
 *
 * A segment file `segment-NNNNNN.log` is a 16-byte header followed by frames:
 *
 *     header: "AGBF" | u16 format version | u16 header length (16) | u64 position of the first frame
 *     frame:  u32 payload length | u32 CRC-32 (IEEE) of the payload | payload
 *     payload: u8 kind (1 point, 2 anomaly; +0x80 when the JSON is pure ASCII) | the document as UTF-8 JSON
 *
 * Integers are little-endian. The position of frame i is the header's position + i.
 * @module
 */
import type { OutRecord } from "../../events.ts";
import { BufferError } from "../buffer.ts";

/** The format this code writes and the newest it reads. */
export const FORMAT_VERSION = 1;
/** Segment file magic. */
export const MAGIC = "AGBF";
/** Header bytes. */
export const HEADER_BYTES = 16;
/** Frame bytes before the payload (length + CRC). */
export const FRAME_OVERHEAD = 8;

const KIND_CODE = { point: 1, anomaly: 2 } as const;
/** Set in the kind byte when the JSON is pure ASCII (a reader may then decode it as Latin-1, faster). */
const ASCII = 0x80;

/** A segment written by a newer agent: refused (by file name), never misread. */
export class SegmentVersionError extends BufferError {
  constructor(
    readonly path: string,
    readonly version: number,
  ) {
    super(
      `${path}: buffer segment written by format version ${version}; this agent reads version ${FORMAT_VERSION} and older. Run a newer agent, or move the buffer directory away (its records will not be sent)`,
    );
    this.name = "SegmentVersionError";
  }
}

/** CRC-32 (IEEE 802.3, as zlib) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  return Bun.hash.crc32(bytes) >>> 0;
}

/** The header of a segment whose first frame has position `base`. */
export function encodeHeader(base: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(MAGIC, 0, "latin1");
  b.writeUInt16LE(FORMAT_VERSION, 4);
  b.writeUInt16LE(HEADER_BYTES, 6);
  b.writeBigUInt64LE(BigInt(base), 8);
  return b;
}

/**
 * Reads a header: the base position, or a description of why it is not a segment header.
 * Throws {@link SegmentVersionError} for a newer format.
 */
export function decodeHeader(b: Uint8Array, path: string): { base: number } | { problem: string } {
  if (b.length < HEADER_BYTES) return { problem: `${b.length}-byte file is shorter than a segment header` };
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  if (buf.toString("latin1", 0, 4) !== MAGIC) return { problem: "not a buffer segment (bad magic)" };
  const version = buf.readUInt16LE(4);
  if (version > FORMAT_VERSION) throw new SegmentVersionError(path, version);
  if (version < 1 || buf.readUInt16LE(6) !== HEADER_BYTES) return { problem: `bad header (version ${version})` };
  const base = buf.readBigUInt64LE(8);
  if (base > BigInt(Number.MAX_SAFE_INTEGER)) return { problem: "bad header (position out of range)" };
  return { base: Number(base) };
}

/**
 * Bytes the frame of `r` takes, counting the JSON's characters (exact for ASCII, which the
 * documents nearly always are; {@link encodeFrames} reports the exact sizes). Sets `r.json`.
 */
export function frameSize(r: OutRecord): number {
  return FRAME_OVERHEAD + 1 + (r.json ??= JSON.stringify(r.doc)).length;
}

let scratch = Buffer.allocUnsafe(0);

/**
 * Frames of `records` (their `json` set), encoded into a scratch buffer that is reused by the
 * next call: write it out before encoding again. Returns the bytes and each frame's size.
 */
export function encodeFrames(records: readonly OutRecord[]): { bytes: Buffer; sizes: number[] } {
  let capacity = 0;
  for (const r of records) capacity += FRAME_OVERHEAD + 1 + 3 * r.json!.length; // UTF-8: ≤ 3 bytes per UTF-16 unit
  if (scratch.length < capacity) scratch = Buffer.allocUnsafe(Math.max(capacity, scratch.length * 2, 1 << 20));
  const b = scratch;
  // Plain Uint8Array views and DataView: much cheaper per call than Buffer methods here.
  const u8 = new Uint8Array(b.buffer, b.byteOffset, b.length);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const sizes = new Array<number>(records.length);
  let off = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const json = r.json!;
    const len = 1 + b.write(json, off + 9);
    dv.setUint32(off, len, true);
    u8[off + 8] = KIND_CODE[r.kind] | (json.length === len - 1 ? ASCII : 0);
    dv.setUint32(off + 4, crc32(u8.subarray(off + 8, off + 8 + len)), true);
    sizes[i] = FRAME_OVERHEAD + len;
    off += sizes[i];
  }
  return { bytes: b.subarray(0, off), sizes };
}

const decoder = new TextDecoder();

/** Little-endian u32 at `off` of `u8`. */
export function readU32(u8: Uint8Array, off: number): number {
  return (u8[off] | (u8[off + 1] << 8) | (u8[off + 2] << 16) | (u8[off + 3] << 24)) >>> 0;
}

/**
 * Decodes the frame at `off` of `u8` (a plain Uint8Array holding the whole frame): the record,
 * or undefined when it is cut short or its CRC or content is wrong. `latin1`, the same bytes as
 * a Latin-1 string, lets ASCII documents be sliced out instead of decoded one by one.
 */
export function decodeFrame(u8: Uint8Array, off: number, latin1?: string): OutRecord | undefined {
  if (off + FRAME_OVERHEAD > u8.length) return undefined;
  const len = readU32(u8, off);
  if (len < 1 || off + FRAME_OVERHEAD + len > u8.length) return undefined;
  const payload = u8.subarray(off + 8, off + 8 + len);
  if (crc32(payload) !== readU32(u8, off + 4)) return undefined;
  const code = payload[0] & ~ASCII;
  if (code !== KIND_CODE.point && code !== KIND_CODE.anomaly) return undefined;
  try {
    const json = latin1 !== undefined && payload[0] & ASCII ? latin1.slice(off + 9, off + 8 + len) : decoder.decode(payload.subarray(1));
    const doc = JSON.parse(json);
    return (code === KIND_CODE.point ? { kind: "point", doc, json } : { kind: "anomaly", doc, json }) as OutRecord;
  } catch {
    return undefined;
  }
}

/** A plain Uint8Array view of a Buffer (its methods are slow per call on small slices). */
export function bytesOf(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
