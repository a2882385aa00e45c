/**
 * A bounded history of the agent's own series under `<data_dir>/history/`: what on-host training
 * (`agent/learn`) learns from. Rounds are buffered in memory (per series, typed arrays) and written
 * as one segment file (`segment.ts`) every `flushPoints` points or `flushMs`, whichever comes
 * first; the oldest segments are deleted while the directory is above `maxBytes`. Appending a
 * round costs a map lookup and two typed-array stores per sample; nothing is written in the round.
 * @module
 */
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MetricSample } from "../events.ts";
import { cachedKey } from "../scoring/series-key.ts";
import { decodeSegment, encodeSegment, HEADER, SegmentReadError, type SegmentSkipReason, type SeriesChunk } from "./segment.ts";

export { HISTORY_FORMAT, SegmentReadError, type SegmentSkipReason, type SeriesChunk } from "./segment.ts";

const SEGMENT = /^seg-(\d{12})\.hist$/;
/** Largest span of one segment: times are stored as u32 ms after its first sample. */
const MAX_SPAN_MS = 2 ** 31;

/** Options of {@link HistoryStore}. */
export interface HistoryOptions {
  /** The directory (`<data_dir>/history`). */
  dir: string;
  /** Cap on the segment files together; the oldest go first (one segment always stays). */
  maxBytes: number;
  /** Points buffered before a segment is written (default 500 000, about 6 MB of memory). */
  flushPoints?: number;
  /** Longest time (by sample timestamps) a point stays buffered (default 5 min). */
  flushMs?: number;
  /** Series kept at most (new ones beyond it are ignored; default 100 000). */
  maxSeries?: number;
  /** Called when writing a segment fails (the buffered points are lost, the store goes on). */
  onWriteError?: (error: Error) => void;
}

interface Pending {
  ts: Float64Array;
  values: Float32Array;
  n: number;
}

/** What the store holds on disk. */
export interface HistoryStats {
  segments: number;
  bytes: number;
  /** Points written (on disk) and buffered. */
  points: number;
  buffered: number;
  series: number;
  /** Time of the oldest sample on disk or buffered (ms), or null. */
  oldestMs: number | null;
  newestMs: number | null;
}

interface SegmentInfo {
  name: string;
  bytes: number;
  points: number;
  series: number;
  /** First and last sample time (NaN when the header was unreadable). */
  t0: number;
  t1: number;
}

/** Writes the history: append rounds, segments flushed in the background, capped in size. */
export class HistoryStore {
  private pending = new Map<string, Pending>();
  private buffered = 0;
  private firstBufferedTs = Number.POSITIVE_INFINITY;
  private newestTs = Number.NEGATIVE_INFINITY;
  private segments: SegmentInfo[] = [];
  private nextSeq = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly keys = new Set<string>();

  constructor(private readonly o: HistoryOptions) {}

  /** Opens the directory: creates it, removes temp files a crash left, lists the segments. */
  async open(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true });
    const names = (await readdir(this.o.dir)).sort();
    for (const name of names) {
      if (name.endsWith(".tmp")) {
        await unlink(join(this.o.dir, name)).catch(() => {});
        continue;
      }
      const m = SEGMENT.exec(name);
      if (!m) continue;
      const path = join(this.o.dir, name);
      const st = await stat(path);
      // points and first time from the header (unchecked here: the reader checks the whole file)
      const head = new DataView(await Bun.file(path).slice(0, HEADER).arrayBuffer());
      const ok = head.byteLength === HEADER;
      this.segments.push({
        name,
        bytes: st.size,
        points: ok ? head.getUint32(12, true) : 0,
        series: ok ? head.getUint32(8, true) : 0,
        t0: ok ? head.getFloat64(16, true) : Number.NaN,
        t1: ok ? head.getFloat64(24, true) : Number.NaN,
      });
      this.nextSeq = Math.max(this.nextSeq, Number(m[1]) + 1);
    }
  }

  /** Buffers one round (samples with a finite timestamp; NaN values are kept as gaps). */
  append(samples: readonly MetricSample[]): void {
    const maxSeries = this.o.maxSeries ?? 100_000;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      const t = s.timestamp;
      if (!Number.isFinite(t)) continue;
      if (this.buffered > 0 && Math.abs(t - this.firstBufferedTs) >= MAX_SPAN_MS) this.startFlush();
      const key = cachedKey(s.name, s.labels);
      let p = this.pending.get(key);
      if (!p) {
        if (!this.keys.has(key)) {
          if (this.keys.size >= maxSeries) continue;
          this.keys.add(key);
        }
        this.pending.set(key, (p = { ts: new Float64Array(16), values: new Float32Array(16), n: 0 }));
      }
      if (p.n === p.values.length) {
        const ts = new Float64Array(p.n * 2);
        ts.set(p.ts);
        const values = new Float32Array(p.n * 2);
        values.set(p.values);
        p.ts = ts;
        p.values = values;
      }
      p.ts[p.n] = t;
      p.values[p.n++] = s.value;
      this.buffered++;
      if (t < this.firstBufferedTs) this.firstBufferedTs = t;
      if (t > this.newestTs) this.newestTs = t;
    }
    if (this.buffered >= (this.o.flushPoints ?? 500_000) || this.newestTs - this.firstBufferedTs >= (this.o.flushMs ?? 300_000)) this.startFlush();
  }

  /** Starts writing what is buffered (in order after earlier writes); see {@link flush}. */
  private startFlush(): void {
    if (this.buffered === 0) return;
    const chunks: SeriesChunk[] = [];
    for (const [key, p] of this.pending) chunks.push({ key, ts: p.ts.subarray(0, p.n), values: p.values.subarray(0, p.n) });
    const points = this.buffered;
    const t0 = this.firstBufferedTs;
    this.pending = new Map();
    this.buffered = 0;
    this.firstBufferedTs = Number.POSITIVE_INFINITY;
    const seq = this.nextSeq++;
    this.writing = this.writing.then(() =>
      this.write(seq, chunks, points, t0, this.newestTs).catch((e: Error) => this.o.onWriteError?.(e instanceof Error ? e : new Error(String(e)))),
    );
  }

  /** Writes everything buffered as a segment and waits for every write started before. */
  flush(): Promise<void> {
    this.startFlush();
    return this.writing;
  }

  private async write(seq: number, chunks: SeriesChunk[], points: number, t0: number, t1: number): Promise<void> {
    const bytes = encodeSegment(chunks);
    const name = `seg-${String(seq).padStart(12, "0")}.hist`;
    const path = join(this.o.dir, name);
    const tmp = `${path}.${process.pid}.tmp`;
    await mkdir(this.o.dir, { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    this.segments.push({ name, bytes: bytes.length, points, series: chunks.length, t0, t1 });
    let total = this.segments.reduce((a, s) => a + s.bytes, 0);
    while (total > this.o.maxBytes && this.segments.length > 1) {
      const old = this.segments.shift()!;
      total -= old.bytes;
      await unlink(join(this.o.dir, old.name)).catch(() => {});
    }
  }

  /** Segments, bytes and points held. */
  stats(): HistoryStats {
    const onDisk = this.segments.reduce((a, s) => a + s.points, 0);
    const oldest = this.segments.find((s) => Number.isFinite(s.t0))?.t0;
    const newestOnDisk = this.segments.findLast((s) => Number.isFinite(s.t1))?.t1 ?? Number.NEGATIVE_INFINITY;
    const newest = Math.max(this.newestTs, newestOnDisk);
    const candidates = [oldest, Number.isFinite(this.firstBufferedTs) ? this.firstBufferedTs : undefined].filter((x): x is number => x !== undefined);
    return {
      segments: this.segments.length,
      bytes: this.segments.reduce((a, s) => a + s.bytes, 0),
      points: onDisk + this.buffered,
      buffered: this.buffered,
      series: Math.max(this.keys.size, ...this.segments.map((s) => s.series)),
      oldestMs: candidates.length ? Math.min(...candidates) : null,
      newestMs: Number.isFinite(newest) ? newest : null,
    };
  }
}

/** One segment the reader skipped. */
export interface SkippedSegment {
  file: string;
  reason: SegmentSkipReason | "unreadable";
  message: string;
}

/** One series' history, oldest sample first. */
export interface SeriesHistory {
  ts: Float64Array;
  values: Float32Array;
}

/** Options of {@link readHistory}. */
export interface ReadHistoryOptions {
  /** Which series to read (default all). */
  keep?: (key: string) => boolean;
  /** Newest points kept per series (default 100 000). */
  maxPointsPerSeries?: number;
  /** Called once per segment that cannot be read (it is skipped). */
  onSkip?: (s: SkippedSegment) => void;
  /** Called after each segment (a reader on a CPU budget paces itself there). */
  onSegment?: () => void;
}

/**
 * Reads the history under `dir`, oldest segment first: per series, its samples in time order
 * (segments are written in time order; samples within one are in arrival order). A truncated,
 * altered or newer-format segment is skipped and reported through `onSkip`.
 */
export async function readHistory(dir: string, o: ReadHistoryOptions = {}): Promise<Map<string, SeriesHistory>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => SEGMENT.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw e;
  }
  const parts = new Map<string, SeriesChunk[]>();
  for (const name of names) {
    o.onSegment?.();
    let chunks: SeriesChunk[];
    try {
      chunks = decodeSegment(new Uint8Array(await readFile(join(dir, name))), o.keep);
    } catch (e) {
      const err = e as Error;
      o.onSkip?.({ file: name, reason: e instanceof SegmentReadError ? e.reason : "unreadable", message: err.message });
      continue;
    }
    for (const c of chunks) {
      let list = parts.get(c.key);
      if (!list) parts.set(c.key, (list = []));
      list.push(c);
    }
  }
  const max = o.maxPointsPerSeries ?? 100_000;
  const out = new Map<string, SeriesHistory>();
  for (const [key, list] of parts) {
    const total = list.reduce((a, c) => a + c.values.length, 0);
    const n = Math.min(total, max);
    const ts = new Float64Array(n);
    const values = new Float32Array(n);
    let skip = total - n;
    let at = 0;
    for (const c of list) {
      const from = Math.min(skip, c.values.length);
      skip -= from;
      ts.set(c.ts.subarray(from), at);
      values.set(c.values.subarray(from), at);
      at += c.values.length - from;
    }
    out.set(key, { ts, values });
  }
  return out;
}
