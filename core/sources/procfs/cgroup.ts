/**
 * cgroup v2 usage per container / systemd unit: `cpu.stat`, `memory.current` and `io.stat` of
 * the cgroups under the unified hierarchy, down to a depth and up to a count.
 */
import { existsSync, readdirSync } from "node:fs";
import type { FileReader } from "./read.ts";
import { errorText, lineEnd, num, type Labels, type Round } from "./round.ts";

/** Bounds of the cgroup walk. */
export interface CgroupOptions {
  /** Deepest level kept (1 = `system.slice`, 2 = `system.slice/nginx.service`...). */
  maxDepth: number;
  /** Most cgroups kept per round (breadth first, names sorted): the rest are counted, not read. */
  maxCount: number;
}

/** Named defaults of {@link CgroupOptions}. */
export const CGROUP_DEFAULTS: Readonly<CgroupOptions> = Object.freeze({ maxDepth: 2, maxCount: 64 });

/** cpu.stat key → [counter, rate]. */
const CPU: Record<string, readonly [string, string]> = {
  usage_usec: ["cgroup.cpu_seconds", "cgroup.cpu_seconds_per_sec"],
  user_usec: ["cgroup.cpu_user_seconds", "cgroup.cpu_user_seconds_per_sec"],
  system_usec: ["cgroup.cpu_system_seconds", "cgroup.cpu_system_seconds_per_sec"],
  nr_throttled: ["cgroup.throttled_periods", "cgroup.throttled_periods_per_sec"],
  throttled_usec: ["cgroup.throttled_seconds", "cgroup.throttled_seconds_per_sec"],
};
/** io.stat key → [counter, rate], summed over devices. */
const IO: Record<string, readonly [string, string]> = {
  rbytes: ["cgroup.io_read_bytes", "cgroup.io_read_bytes_per_sec"],
  wbytes: ["cgroup.io_write_bytes", "cgroup.io_write_bytes_per_sec"],
  rios: ["cgroup.io_reads", "cgroup.io_reads_per_sec"],
  wios: ["cgroup.io_writes", "cgroup.io_writes_per_sec"],
};
const IO_KEYS = Object.keys(IO);

/** The unified hierarchy under `sysRoot`: `fs/cgroup` (pure v2) or `fs/cgroup/unified` (hybrid); undefined when neither. */
export function cgroupRoot(sysRoot: string): string | undefined {
  for (const dir of [`${sysRoot}/fs/cgroup`, `${sysRoot}/fs/cgroup/unified`]) if (existsSync(`${dir}/cgroup.controllers`)) return dir;
  return undefined;
}

/** Child cgroups (relative paths) of the root, breadth first, up to the bounds; `skipped` counts the rest. */
function walk(round: Round, root: string, o: CgroupOptions): { paths: string[]; skipped: number } {
  const paths: string[] = [];
  let skipped = 0;
  let level = [""];
  for (let depth = 1; depth <= o.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      let names: string[];
      try {
        names = readdirSync(rel === "" ? root : `${root}/${rel}`, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
          .sort();
      } catch (err) {
        if ((err as { code?: string }).code !== "ENOENT") round.readError(`${root}/${rel}`, err); // ENOENT: removed meanwhile
        continue;
      }
      for (const name of names) {
        const p = rel === "" ? name : `${rel}/${name}`;
        // Only kept cgroups are descended into: a huge tree costs one listing per kept cgroup, never more.
        if (paths.length < o.maxCount) {
          paths.push(p);
          next.push(p);
        } else skipped++;
      }
    }
    level = next;
  }
  return { paths, skipped };
}

/** Per-source cache of label objects. */
export class CgroupState {
  readonly labels = new Map<string, Labels>();
  label(cg: string): Labels {
    let l = this.labels.get(cg);
    if (l === undefined) {
      l = Object.freeze({ cgroup: cg }) as Labels;
      if (this.labels.size > 4096) this.labels.clear();
      this.labels.set(cg, l);
    }
    return l;
  }
}

/** Read a file, or undefined when it does not exist (controller not enabled there, cgroup gone). */
function tryRead(round: Round, reader: FileReader, path: string): string | undefined {
  try {
    const text = reader.read(path);
    if (reader.truncated) round.parseError(path, `larger than ${reader.maxBytes} bytes: read up to that size`);
    return text;
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") round.errors.push({ type: "read_error", message: `${path}: ${errorText(err)}` });
    return undefined;
  }
}

/** `key value` lines → callback; a non-numeric value of a wanted key is a parse error. */
function keyValues(round: Round, text: string, file: string, want: Record<string, unknown>, each: (key: string, v: number) => void): void {
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    const sp = text.indexOf(" ", start);
    if (sp > start && sp < end) {
      const key = text.slice(start, sp);
      if (Object.hasOwn(want, key)) {
        const v = num(text.slice(sp + 1, end));
        if (Number.isFinite(v)) each(key, v);
        else round.parseError(file, `${key}: not a number: ${JSON.stringify(text.slice(sp + 1, Math.min(end, sp + 41)))}`);
      }
    }
    start = end + 1;
  }
}

/**
 * Read every kept cgroup (label `cgroup`, its path under the hierarchy) into `round`:
 * `cgroup.cpu_seconds` (+ `_user_`/`_system_`), `cgroup.throttled_periods`,
 * `cgroup.throttled_seconds` counters with `_per_sec` rates (`cgroup.cpu_seconds_per_sec` is
 * cores used); gauge `cgroup.memory_bytes`; counters `cgroup.io_{read,write}_bytes`,
 * `cgroup.io_{reads,writes}` summed over devices, with rates; and the gauge `cgroup.count`
 * (cgroups the walk saw: the kept ones and the children of kept ones left out by the count cap). The root cgroup (the host) is not repeated.
 */
export function readCgroups(round: Round, root: string, reader: FileReader, o: CgroupOptions, st: CgroupState): void {
  const { paths, skipped } = walk(round, root, o);
  round.gauge("cgroup.count", {}, paths.length + skipped);
  for (const cg of paths) {
    const dir = `${root}/${cg}`;
    const labels = st.label(cg);
    const cpu = tryRead(round, reader, `${dir}/cpu.stat`);
    if (cpu !== undefined) {
      keyValues(round, cpu, `${dir}/cpu.stat`, CPU, (k, v) => {
        const [name, rate] = CPU[k];
        round.counter(name, labels, k === "nr_throttled" ? v : v / 1e6, cg, rate);
      });
    }
    const mem = tryRead(round, reader, `${dir}/memory.current`);
    if (mem !== undefined) {
      const v = num(mem.trim());
      if (Number.isFinite(v)) round.gauge("cgroup.memory_bytes", labels, v);
      else round.parseError(`${dir}/memory.current`, `not a number: ${JSON.stringify(mem.slice(0, 40))}`);
    }
    const io = tryRead(round, reader, `${dir}/io.stat`);
    if (io !== undefined) readIo(round, io, `${dir}/io.stat`, cg, labels);
  }
}

/** `8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0` per device, summed. */
function readIo(round: Round, text: string, file: string, cg: string, labels: Labels): void {
  const sums = [0, 0, 0, 0];
  for (let start = 0; start < text.length; ) {
    const end = lineEnd(text, start);
    for (let k = 0; k < IO_KEYS.length; k++) {
      const key = ` ${IO_KEYS[k]}=`;
      const at = text.indexOf(key, start);
      if (at < 0 || at >= end) continue;
      let to = text.indexOf(" ", at + key.length);
      if (to < 0 || to > end) to = end;
      const v = num(text.slice(at + key.length, to));
      if (Number.isFinite(v)) sums[k] += v;
      else round.parseError(file, `${IO_KEYS[k]}: not a number: ${JSON.stringify(text.slice(at + key.length, Math.min(to, at + key.length + 40)))}`);
    }
    start = end + 1;
  }
  for (let k = 0; k < IO_KEYS.length; k++) {
    const [name, rate] = IO[IO_KEYS[k]];
    round.counter(name, labels, sums[k], cg, rate);
  }
}
