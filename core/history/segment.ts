/**
 * On-disk format of a history segment (`<data_dir>/history/seg-NNNNNNNNNNNN.hist`): the samples of
 * every series over one flush interval, per series, compact (8 bytes a point).
 *
 *     header (32 bytes): "AGHS" | u16 format version | u16 0 | u32 series | u32 points (all series)
 *                        | f64 t0 (ms since the epoch of the earliest sample) | f64 t1 (the newest)
 *     u32 CRC-32 (IEEE) of everything after it
 *     u32 bytes of the keys | the series keys as a UTF-8 JSON array | zero padding to 4 bytes
 *     u32[series] points of each series
 *     u32[points] time of each point, ms after t0 (series after series)
 *     f32[points] value of each point (NaN: a gap), same order
 *
 * Integers little-endian. A file is written whole (temp file + rename): a crash leaves either no
 * segment or a complete one; a short or altered one fails its length or CRC and is skipped.
 * @module
 */

/** The format this code writes and the newest it reads. */
export const HISTORY_FORMAT = 1;
/** Segment file magic. */
export const HISTORY_MAGIC = "AGHS";
/** Header bytes (read alone by `HistoryStore.open`). */
export const HEADER = 32;
/** Largest key table read (bounds a hostile or corrupt file). */
const MAX_KEYS_BYTES = 64 << 20;

/** The samples of one series in a segment. */
export interface SeriesChunk {
  key: string;
  /** Sample times, ms since the epoch. */
  ts: Float64Array;
  values: Float32Array;
}

/** Why a segment file was not read. */
export type SegmentSkipReason = "truncated" | "newer_format" | "bad_magic" | "checksum" | "malformed";

/** A segment that cannot be read, and why (the reader skips it). */
export class SegmentReadError extends Error {
  constructor(
    readonly reason: SegmentSkipReason,
    message: string,
  ) {
    super(message);
    this.name = "SegmentReadError";
  }
}

/** Encodes the chunks (each with ≥ 1 point, times within 2³² ms of the earliest) as one segment. */
export function encodeSegment(chunks: readonly SeriesChunk[]): Uint8Array {
  let points = 0;
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = Number.NEGATIVE_INFINITY;
  for (const c of chunks) {
    points += c.values.length;
    for (let i = 0; i < c.ts.length; i++) {
      if (c.ts[i] < t0) t0 = c.ts[i];
      if (c.ts[i] > t1) t1 = c.ts[i];
    }
  }
  if (!Number.isFinite(t0)) t0 = t1 = 0;
  const keys = new TextEncoder().encode(JSON.stringify(chunks.map((c) => c.key)));
  const keysPadded = (keys.length + 3) & ~3;
  const size = HEADER + 4 + 4 + keysPadded + 4 * chunks.length + 8 * points;
  const buf = new ArrayBuffer(size);
  const u8 = new Uint8Array(buf);
  const dv = new DataView(buf);
  u8.set(new TextEncoder().encode(HISTORY_MAGIC), 0);
  dv.setUint16(4, HISTORY_FORMAT, true);
  dv.setUint32(8, chunks.length, true);
  dv.setUint32(12, points, true);
  dv.setFloat64(16, t0, true);
  dv.setFloat64(24, t1, true);
  let off = HEADER + 4;
  dv.setUint32(off, keys.length, true);
  u8.set(keys, off + 4);
  off += 4 + keysPadded;
  const counts = new Uint32Array(buf, off, chunks.length);
  chunks.forEach((c, i) => (counts[i] = c.values.length));
  off += 4 * chunks.length;
  const times = new Uint32Array(buf, off, points);
  const values = new Float32Array(buf, off + 4 * points, points);
  let p = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.values.length; i++, p++) {
      times[p] = c.ts[i] - t0;
      values[p] = c.values[i];
    }
  }
  dv.setUint32(HEADER, Bun.hash.crc32(u8.subarray(HEADER + 4)) >>> 0, true);
  return u8;
}

/**
 * Decodes a segment; `keep(key)` picks the series wanted (default all). Throws
 * {@link SegmentReadError} for a short, altered, foreign or newer-format file.
 */
export function decodeSegment(bytes: Uint8Array, keep?: (key: string) => boolean): SeriesChunk[] {
  if (bytes.length < HEADER + 8) throw new SegmentReadError("truncated", `${bytes.length} bytes, shorter than a header`);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== HISTORY_MAGIC) throw new SegmentReadError("bad_magic", "not a history segment (magic)");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint16(4, true);
  if (version > HISTORY_FORMAT) throw new SegmentReadError("newer_format", `format version ${version}; this agent reads ${HISTORY_FORMAT} and older`);
  const n = dv.getUint32(8, true);
  const points = dv.getUint32(12, true);
  const t0 = dv.getFloat64(16, true);
  const keysBytes = dv.getUint32(HEADER + 4, true);
  if (keysBytes > MAX_KEYS_BYTES) throw new SegmentReadError("malformed", `key table of ${keysBytes} bytes`);
  const keysPadded = (keysBytes + 3) & ~3;
  const need = HEADER + 8 + keysPadded + 4 * n + 8 * points;
  if (bytes.length < need) throw new SegmentReadError("truncated", `${bytes.length} bytes, the header announces ${need}`);
  if (bytes.length > need) throw new SegmentReadError("malformed", `${bytes.length} bytes, the header announces ${need}`);
  if (Bun.hash.crc32(bytes.subarray(HEADER + 4)) >>> 0 !== dv.getUint32(HEADER, true)) throw new SegmentReadError("checksum", "CRC-32 mismatch");
  let keys: unknown;
  try {
    keys = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER + 8, HEADER + 8 + keysBytes)));
  } catch {
    throw new SegmentReadError("malformed", "key table is not JSON");
  }
  if (!Array.isArray(keys) || keys.length !== n || !keys.every((k) => typeof k === "string")) throw new SegmentReadError("malformed", "key table");
  // copy: the typed views need 4-byte alignment, which a Buffer slice may not have
  const body = bytes.slice(HEADER + 8 + keysPadded);
  const counts = new Uint32Array(body.buffer, body.byteOffset, n);
  const times = new Uint32Array(body.buffer, body.byteOffset + 4 * n, points);
  const values = new Float32Array(body.buffer, body.byteOffset + 4 * n + 4 * points, points);
  let total = 0;
  for (let i = 0; i < n; i++) total += counts[i];
  if (total !== points) throw new SegmentReadError("malformed", `series counts add up to ${total}, not ${points}`);
  const out: SeriesChunk[] = [];
  let p = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    if (!keep || keep(keys[i] as string)) {
      const ts = new Float64Array(c);
      for (let j = 0; j < c; j++) ts[j] = t0 + times[p + j];
      out.push({ key: keys[i] as string, ts, values: values.slice(p, p + c) });
    }
    p += c;
  }
  return out;
}
