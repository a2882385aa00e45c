/**
 * The top-N processes by CPU and by memory, from `/proc/<pid>/stat` (one small file per
 * process per round, parsed from bytes), plus process counts by state.
 */
import { closeSync, openSync, readdirSync, statfsSync } from "node:fs";
import type { FileReader } from "./read.ts";
import { errorText, type Labels, type Round } from "./round.ts";

/** Options of {@link ProcessTracker}. */
export interface ProcessOptions {
  /** N of the top-N by CPU and by resident memory. */
  top: number;
  userHz: number;
  /** Bytes per page (`rss` of `/proc/<pid>/stat` is in pages). */
  pageSize: number;
  /**
   * Most `/proc/<pid>/stat` files kept open between rounds (re-read with `pread`: about a
   * third of the cost of open + read + close). Processes beyond it are opened each round.
   */
  maxOpenFiles: number;
}

/** Process states counted by `processes.state` (always emitted, 0 when none). */
export const PROCESS_STATES: Readonly<Record<string, string>> = { R: "running", S: "sleeping", D: "disk_sleep", Z: "zombie", T: "stopped", I: "idle" };
const STATE_LABELS = Object.fromEntries(Object.values(PROCESS_STATES).map((s) => [s, Object.freeze({ state: s }) as Labels]));
const NO_LABELS: Labels = Object.freeze({}) as Labels;
/** Most per-file errors reported per round; the rest are summed into one. */
const MAX_ERRORS = 10;

interface Proc {
  pid: number;
  comm: string;
  start: number;
  ticks: number;
  /** CPU ticks since the previous round; -1 when unknown (new process). */
  dTicks: number;
  rss: number;
  vsize: number;
  threads: number;
  seen: number;
  labels: Labels;
  /** Open fd of its stat file, or -1. */
  fd: number;
}

/** `statfs` magic of procfs (PROC_SUPER_MAGIC). */
const PROC_SUPER_MAGIC = 0x9fa0;

/** Whether `dir` is a procfs mount (false when it cannot be told). */
function isProcfs(dir: string): boolean {
  try {
    return Number(statfsSync(dir).type) === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/** Parse an unsigned decimal from `b[i..]` up to a blank; NaN if not digits. Returns [value, next index]. */
function uint(b: Buffer, i: number, end: number, out: { v: number }): number {
  let v = 0;
  const from = i;
  while (i < end) {
    const c = b[i];
    if (c === 32) break;
    if (c < 48 || c > 57) {
      // negative or garbage: let Number decide (e.g. "-1"), never a throw
      while (i < end && b[i] !== 32) i++;
      out.v = Number(b.toString("latin1", from, i));
      return i;
    }
    v = v * 10 + (c - 48);
    i++;
  }
  out.v = i === from ? NaN : v;
  return i;
}

/**
 * Tracks processes between rounds: a process enters the reported set when it is in the top N
 * by CPU or by RSS, and leaves only when it falls out of the top 2N of both (or exits), so the
 * reported set holds at most 4N processes and label churn stays low.
 */
export class ProcessTracker {
  private procs = new Map<number, Proc>();
  private selected = new Set<number>();
  private round = 0;
  private readonly tmp = { v: 0 };
  private readonly fieldsBuf: number[] = new Array(22).fill(0);
  private openFiles = 0;
  private keepOpen: boolean | undefined;

  constructor(private readonly o: ProcessOptions) {}

  /** Parse `/proc/<pid>/stat` bytes `[0, n)`; false when malformed. */
  private parse(b: Buffer, n: number, pid: number, fd: number): Proc | string {
    const open = b.indexOf(40); // (
    const close = b.lastIndexOf(41, n - 1); // )
    if (open < 0 || close < open || close + 2 >= n) return "no `(comm)`";
    const state = String.fromCharCode(b[close + 2]);
    // fields after the state: index 0 = ppid (field 4) ... we want 14,15 (utime, stime), 20 (threads), 22..24 (start, vsize, rss)
    const f = this.fieldsBuf;
    let i = close + 4;
    let k = 0;
    while (i < n && k < f.length) {
      i = uint(b, i, n, this.tmp);
      f[k++] = this.tmp.v;
      while (i < n && b[i] === 32) i++;
    }
    if (k < 21) return `${k + 3} fields, expected >= 24`;
    // f[0] is field 4: field N is f[N - 4]
    const utime = f[10];
    const stime = f[11];
    const threads = f[16];
    const start = f[18];
    const vsize = f[19];
    const rss = f[20];
    if (![utime, stime, threads, start, vsize, rss].every(Number.isFinite)) return "non-numeric field";
    let p = this.procs.get(pid);
    const comm = b.toString("latin1", open + 1, close);
    const ticks = utime + stime;
    if (p === undefined || p.start !== start) {
      if (p !== undefined && p.fd >= 0 && p.fd !== fd) this.close(p);
      p = { pid, comm, start, ticks, dTicks: -1, rss: 0, vsize: 0, threads: 0, seen: 0, labels: Object.freeze({ pid: String(pid), comm }) as Labels, fd };
      this.procs.set(pid, p);
    } else {
      p.dTicks = ticks >= p.ticks ? ticks - p.ticks : -1;
      p.ticks = ticks;
      if (p.comm !== comm) {
        p.comm = comm;
        p.labels = Object.freeze({ pid: String(pid), comm }) as Labels;
      }
    }
    p.rss = rss * this.o.pageSize;
    p.vsize = vsize;
    p.threads = threads;
    p.seen = this.round;
    this.states[state] = (this.states[state] ?? 0) + 1;
    return p;
  }

  private states: Record<string, number> = {};

  /**
   * One round over `<root>/<pid>/stat`: per reported process (labels `pid`, `comm`) the gauges
   * `process.cpu_fraction` (share of one CPU since the last round; not on a process's first
   * round), `process.rss_bytes`, `process.virtual_bytes`, `process.threads` and the counter
   * `process.cpu_seconds`; and host-wide `processes.count`, `processes.threads`,
   * `processes.state{state}`. A process that exits between listing and reading is skipped
   * silently; other failures are errors (at most 10 per round, the rest summed in one).
   */
  collect(round: Round, root: string, reader: FileReader): void {
    this.round++;
    // Kept fds see fresh content only on a real procfs (a replayed snapshot would read deleted files).
    this.keepOpen ??= isProcfs(root);
    this.states = {};
    let names: string[];
    try {
      names = readdirSync(root);
    } catch (err) {
      round.readError(root, err);
      return;
    }
    let errors = 0;
    const fail = (type: "read_error" | "parse_error", message: string): void => {
      if (++errors <= MAX_ERRORS) round.errors.push({ type, message });
    };
    const alive: Proc[] = [];
    let threads = 0;
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      if (!Number.isInteger(pid)) continue;
      const path = `${root}/${name}/stat`;
      let n = -1;
      let fd = -1;
      const known = this.procs.get(pid);
      if (known !== undefined && known.fd >= 0) {
        try {
          n = reader.readFdBytes(known.fd);
          fd = known.fd;
        } catch {
          this.close(known); // ESRCH: that process is gone; a new one may have its pid
        }
      }
      try {
        if (n < 0) {
          if (this.keepOpen && this.openFiles < this.o.maxOpenFiles) {
            fd = openSync(path, "r");
            this.openFiles++;
            n = reader.readFdBytes(fd);
          } else {
            n = reader.readBytes(path);
          }
        }
      } catch (err) {
        if (fd >= 0) this.closeFd(fd);
        const code = (err as { code?: string }).code;
        if (code !== "ENOENT" && code !== "ESRCH") fail("read_error", `${path}: ${errorText(err)}`);
        continue;
      }
      const p = this.parse(reader.bytes, n, pid, fd);
      if (typeof p === "string") {
        if (fd >= 0 && known?.fd !== fd) this.closeFd(fd);
        fail("parse_error", `${path}: ${p}`);
        continue;
      }
      alive.push(p);
      threads += p.threads;
    }
    if (errors > MAX_ERRORS)
      round.errors.push({ type: "parse_error", message: `${root}/<pid>/stat: ${errors - MAX_ERRORS} more unreadable or malformed process files` });
    for (const [pid, p] of this.procs) {
      if (p.seen === this.round) continue;
      this.close(p);
      this.procs.delete(pid);
    }

    round.gauge("processes.count", NO_LABELS, alive.length);
    round.gauge("processes.threads", NO_LABELS, threads);
    for (const [code, state] of Object.entries(PROCESS_STATES)) round.gauge("processes.state", STATE_LABELS[state], this.states[code] ?? 0);
    this.select(alive);
    for (const pid of this.selected) {
      const p = this.procs.get(pid)!;
      round.counter("process.cpu_seconds", p.labels, p.ticks / this.o.userHz, `${pid}\0${p.start}`);
      if (p.dTicks >= 0 && round.dtSec > 0) round.gauge("process.cpu_fraction", p.labels, p.dTicks / this.o.userHz / round.dtSec);
      round.gauge("process.rss_bytes", p.labels, p.rss);
      round.gauge("process.virtual_bytes", p.labels, p.vsize);
      round.gauge("process.threads", p.labels, p.threads);
    }
  }

  private close(p: Proc): void {
    if (p.fd < 0) return;
    this.closeFd(p.fd);
    p.fd = -1;
  }

  private closeFd(fd: number): void {
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing to release
    }
    this.openFiles--;
  }

  /** Close every file kept open (the source is closed); the next round reopens what it needs. */
  closeAll(): void {
    for (const p of this.procs.values()) this.close(p);
  }

  /** Files kept open now. */
  get openCount(): number {
    return this.openFiles;
  }

  /** Update the reported set (see the class comment). */
  private select(alive: Proc[]): void {
    const n = this.o.top;
    if (n <= 0) {
      this.selected.clear();
      return;
    }
    const byCpu = alive.slice().sort((a, b) => b.dTicks - a.dTicks || a.pid - b.pid);
    const byRss = alive.slice().sort((a, b) => b.rss - a.rss || a.pid - b.pid);
    const keep = new Set<number>();
    for (let i = 0; i < Math.min(2 * n, alive.length); i++) {
      if (this.selected.has(byCpu[i].pid)) keep.add(byCpu[i].pid);
      if (this.selected.has(byRss[i].pid)) keep.add(byRss[i].pid);
    }
    for (let i = 0; i < Math.min(n, alive.length); i++) {
      keep.add(byCpu[i].pid);
      keep.add(byRss[i].pid);
    }
    this.selected = keep;
  }
}
