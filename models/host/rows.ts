/**
 * A bounded in-memory buffer of aligned host vectors (oldest dropped past `maxBytes`), from which
 * a training matrix is cut: the metrics present in most recent rounds (a process or interface
 * that came and went is left out), oldest round first.
 */

/** Options of {@link HostRowBuffer}. */
export interface HostRowBufferOptions {
  /** Bytes of row data held at most (4 bytes a value; default 16 MiB). */
  maxBytes?: number;
  /** Metrics (columns) known at most; later new ones are ignored (default 4096). */
  maxMetrics?: number;
}

/** A training matrix cut from the buffer. */
export interface HostMatrix {
  names: string[];
  rows: Float32Array;
  n: number;
}

/**
 * Rounds of `key → value`, stored as Float32Array rows over a growing column index.
 *
 * @example
 * buf.push(values);                       // every round
 * const m = buf.matrix(0.9);              // when training
 * if (m) await trainHostModel(m.rows, m.n, m.names);
 */
export class HostRowBuffer {
  private readonly cols = new Map<string, number>();
  private readonly names: string[] = [];
  private rowsHeld: Float32Array[] = [];
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxMetrics: number;

  constructor(o: HostRowBufferOptions = {}) {
    this.maxBytes = o.maxBytes ?? 16 * 1024 * 1024;
    this.maxMetrics = o.maxMetrics ?? 4096;
  }

  /** Rounds held. */
  get length(): number {
    return this.rowsHeld.length;
  }

  /** Bytes of row data held. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Metrics (columns) known now. */
  get metrics(): number {
    return this.names.length;
  }

  /**
   * Adds one round. When the columns reach `maxMetrics` (metrics that come and go: processes,
   * containers), those absent from the last 256 rounds are dropped first; new metrics past the
   * bound after that are ignored.
   */
  push(values: ReadonlyMap<string, number>): void {
    if (this.names.length >= this.maxMetrics) this.compact(256);
    for (const k of values.keys()) {
      if (!this.cols.has(k) && this.names.length < this.maxMetrics) {
        this.cols.set(k, this.names.length);
        this.names.push(k);
      }
    }
    const row = new Float32Array(this.names.length).fill(Number.NaN);
    for (const [k, v] of values) {
      const j = this.cols.get(k);
      if (j !== undefined) row[j] = v;
    }
    this.rowsHeld.push(row);
    this.bytes += row.byteLength;
    let drop = 0;
    while (this.bytes > this.maxBytes && drop < this.rowsHeld.length - 1) this.bytes -= this.rowsHeld[drop++].byteLength;
    if (drop) this.rowsHeld = this.rowsHeld.slice(drop);
  }

  /** Drops the columns without a value in the last `recent` rounds. */
  private compact(recent: number): void {
    const last = this.rowsHeld.slice(-recent);
    const keep: number[] = [];
    for (let j = 0; j < this.names.length; j++) if (last.some((r) => j < r.length && Number.isFinite(r[j]))) keep.push(j);
    if (keep.length === this.names.length) return;
    const names = keep.map((j) => this.names[j]);
    this.names.length = 0;
    this.names.push(...names);
    this.cols.clear();
    names.forEach((k, j) => this.cols.set(k, j));
    this.bytes = 0;
    this.rowsHeld = this.rowsHeld.map((r) => {
      const out = new Float32Array(keep.length).fill(Number.NaN);
      keep.forEach((j, c) => {
        if (j < r.length) out[c] = r[j];
      });
      this.bytes += out.byteLength;
      return out;
    });
  }

  /**
   * The held rounds over the metrics present (finite) in at least `coverage` of them, or
   * undefined when there are none.
   */
  matrix(coverage = 0.9): HostMatrix | undefined {
    const n = this.rowsHeld.length;
    if (n === 0) return undefined;
    const seen = new Int32Array(this.names.length);
    for (const r of this.rowsHeld) for (let j = 0; j < r.length; j++) if (Number.isFinite(r[j])) seen[j]++;
    const keep: number[] = [];
    for (let j = 0; j < seen.length; j++) if (seen[j] >= coverage * n) keep.push(j);
    if (keep.length === 0) return undefined;
    const d = keep.length;
    const rows = new Float32Array(n * d).fill(Number.NaN);
    this.rowsHeld.forEach((r, i) => {
      for (let c = 0; c < d; c++) if (keep[c] < r.length) rows[i * d + c] = r[keep[c]];
    });
    return { names: keep.map((j) => this.names[j]), rows, n };
  }
}
