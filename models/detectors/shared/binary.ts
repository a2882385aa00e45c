/**
 * Raw little-endian packing of 32-bit typed arrays for bundle files (`trees.bin`, …).
 * A file is the plain concatenation of its arrays; the counts live in the params JSON.
 */

/** Arrays that can be packed: both are 4 bytes per element. */
export type Packable = Int32Array | Float32Array;

const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Concatenates arrays into one little-endian byte buffer.
 * @example
 * packLE([new Int32Array([1])]); // Uint8Array [1, 0, 0, 0]
 */
export function packLE(arrays: readonly Packable[]): Uint8Array {
  let bytes = 0;
  for (const a of arrays) bytes += a.byteLength;
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const a of arrays) {
    if (HOST_LE) {
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    } else if (a instanceof Int32Array) {
      for (let i = 0; i < a.length; i++) view.setInt32(offset + 4 * i, a[i], true);
    } else {
      for (let i = 0; i < a.length; i++) view.setFloat32(offset + 4 * i, a[i], true);
    }
    offset += a.byteLength;
  }
  return out;
}

/** Sequential reader over a little-endian buffer written by {@link packLE}. */
export class LEReader {
  private offset = 0;
  private readonly view: DataView;

  /** @param bytes the packed file contents. */
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  /** Reads the next `count` Int32 values (copied; never aliases the input). */
  int32(count: number): Int32Array {
    const out = new Int32Array(this.take(count));
    for (let i = 0; i < count; i++) out[i] = this.view.getInt32(this.offset + 4 * i, true);
    this.offset += 4 * count;
    return out;
  }

  /** Reads the next `count` Float32 values (copied; never aliases the input). */
  float32(count: number): Float32Array {
    const out = new Float32Array(this.take(count));
    for (let i = 0; i < count; i++) out[i] = this.view.getFloat32(this.offset + 4 * i, true);
    this.offset += 4 * count;
    return out;
  }

  private take(count: number): number {
    if (!Number.isInteger(count) || count < 0 || 4 * count > this.remaining) {
      throw new RangeError(`LEReader: cannot read ${count} values, ${this.remaining} bytes left`);
    }
    return count;
  }
}

/** Bundle files as detectors receive them on load: a path → bytes map or a `BundleFile` list. */
export type LoadFiles = ReadonlyMap<string, Uint8Array> | readonly { path: string; data: Uint8Array }[];

/**
 * The bytes stored under `path`, or undefined.
 * @example
 * fileBytes(new Map([["trees.bin", bytes]]), "trees.bin"); // bytes
 */
export function fileBytes(files: LoadFiles, path: string): Uint8Array | undefined {
  if (files instanceof Map) return files.get(path);
  return (files as readonly { path: string; data: Uint8Array }[]).find((f) => f.path === path)?.data;
}
