/**
 * The procfs source: host metrics (CPU, memory, load, disk I/O, network, filesystems,
 * temperatures) read from files under an injectable `/proc` and `/sys` root.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import type { CollectResult } from "../../events.ts";
import type { Source } from "../source.ts";
import { readCpu } from "./cpu.ts";
import { DEFAULT_DISK_EXCLUDE, readDisks } from "./disk.ts";
import { defaultFsStat, DEFAULT_FS_TYPE_EXCLUDE, DEFAULT_MOUNT_EXCLUDE, parseMounts, readFilesystems, type FsStatFn } from "./fs.ts";
import { readLoad } from "./load.ts";
import { readMem } from "./mem.ts";
import { DEFAULT_NET_EXCLUDE, readNet } from "./net.ts";
import { Round, type CounterMemory } from "./round.ts";
import { readThermal } from "./thermal.ts";

export { CPU_MODES } from "./cpu.ts";
export { DEFAULT_DISK_EXCLUDE } from "./disk.ts";
export { DEFAULT_FS_TYPE_EXCLUDE, DEFAULT_MOUNT_EXCLUDE, defaultFsStat, type FsStatFn, type FsStats } from "./fs.ts";
export { DEFAULT_NET_EXCLUDE } from "./net.ts";

/** Options of {@link createProcfsSource}. */
export interface ProcfsSourceOptions {
  id: string;
  intervalMs: number;
  /** procfs mount. Default `/proc` (`/host/proc` in a container with the host's procfs mounted). */
  root?: string;
  /** sysfs mount (thermal zones). Default `/sys`. */
  sysRoot?: string;
  /**
   * Whose mount table `fs.*` describes: `"self"` (default: `<root>/mounts`, else `<root>/self/mounts`,
   * the agent's own mount namespace) or a pid whose `<root>/<pid>/mounts` is read (`1` with the
   * host's PID namespace, as in a DaemonSet with `hostPID: true`: the node's filesystems).
   */
  mountsFrom?: "self" | number;
  /**
   * Where the mount table's paths are reached for `statfs`: `<hostRoot><mountpoint>` (e.g. the
   * node's `/` mounted read-only at `/host/root`). Labels keep the table's mount points. Default: none.
   */
  hostRoot?: string;
  /** Filesystem stat of a mount point. Default `statfs(2)` (under `hostRoot` when set). */
  fsStat?: FsStatFn;
  /** Bound of one `statfs` call. Default 2000 ms. */
  fsTimeoutMs?: number;
  /** Clock ticks per second of `/proc/stat` (USER_HZ; 100 on every mainstream Linux). */
  userHz?: number;
  /** Block devices to skip. Default {@link DEFAULT_DISK_EXCLUDE}. */
  diskExclude?: RegExp;
  /** Interfaces to skip. Default {@link DEFAULT_NET_EXCLUDE} (`lo`). */
  netExclude?: RegExp;
  /** Filesystem types to skip. Default {@link DEFAULT_FS_TYPE_EXCLUDE}. */
  fsTypeExclude?: RegExp;
  /** Mount points to skip. Default {@link DEFAULT_MOUNT_EXCLUDE}. */
  mountExclude?: RegExp;
}

/** Named defaults of {@link ProcfsSourceOptions}. */
export const PROCFS_DEFAULTS = { root: "/proc", sysRoot: "/sys", mountsFrom: "self", fsTimeoutMs: 2000, userHz: 100 } as const;

/** A procfs source. */
export interface ProcfsSource extends Source {
  readonly type: "procfs";
}

/**
 * Create a procfs source. Each round reads every file in parallel; a missing or unreadable
 * file is a `read_error`, malformed content a `parse_error`, and whatever else could be read
 * is still returned. Counters are emitted every round; rates (`*_per_sec`), CPU fractions and
 * `disk.busy_fraction` need the previous round, so the first round has none of them. Rates use
 * the `now` values given to `collect`, so tests drive time.
 *
 * @example
 * const src = createProcfsSource({ id: "host", intervalMs: 10_000 });
 * const { samples, errors } = await src.collect(Date.now());
 */
export function createProcfsSource(opts: ProcfsSourceOptions): ProcfsSource {
  const root = (opts.root ?? PROCFS_DEFAULTS.root).replace(/\/+$/, "");
  const sysRoot = (opts.sysRoot ?? PROCFS_DEFAULTS.sysRoot).replace(/\/+$/, "");
  const mountsFrom = opts.mountsFrom ?? PROCFS_DEFAULTS.mountsFrom;
  const mountsFiles = mountsFrom === "self" ? ["mounts", "self/mounts"] : [`${mountsFrom}/mounts`];
  const hostRoot = opts.hostRoot?.replace(/\/+$/, "");
  const baseStat = opts.fsStat ?? defaultFsStat;
  const fsStat: FsStatFn = hostRoot ? (path) => baseStat(`${hostRoot}${path === "/" ? "" : path}` || "/") : baseStat;
  const fsTimeoutMs = opts.fsTimeoutMs ?? PROCFS_DEFAULTS.fsTimeoutMs;
  const userHz = opts.userHz ?? PROCFS_DEFAULTS.userHz;
  const diskExclude = opts.diskExclude ?? DEFAULT_DISK_EXCLUDE;
  const netExclude = opts.netExclude ?? DEFAULT_NET_EXCLUDE;
  const fsTypeExclude = opts.fsTypeExclude ?? DEFAULT_FS_TYPE_EXCLUDE;
  const mountExclude = opts.mountExclude ?? DEFAULT_MOUNT_EXCLUDE;
  const hung = new Set<string>();
  let prev: CounterMemory = new Map();
  let prevNow = NaN;

  /** Read `root/rel` (first existing of `rels`), recording a read_error when none can be read. */
  const read = async (round: Round, ...rels: string[]): Promise<string | undefined> => {
    let last: unknown;
    for (const rel of rels) {
      try {
        return await readFile(`${root}/${rel}`, "utf8");
      } catch (err) {
        last = err;
      }
    }
    round.readError(`${root}/${rels[0]}`, last);
    return undefined;
  };

  return {
    id: opts.id,
    type: "procfs",
    intervalMs: opts.intervalMs,
    async collect(now: number): Promise<CollectResult> {
      const round = new Round(now, (now - prevNow) / 1000, prev);
      const [stat, meminfo, loadavg, diskstats, netdev, mounts] = await Promise.all([
        read(round, "stat"),
        read(round, "meminfo"),
        read(round, "loadavg"),
        read(round, "diskstats"),
        read(round, "net/dev"),
        read(round, ...mountsFiles),
      ]);
      if (stat !== undefined) readCpu(round, stat, `${root}/stat`, userHz);
      if (meminfo !== undefined) readMem(round, meminfo, `${root}/meminfo`);
      if (loadavg !== undefined) readLoad(round, loadavg, `${root}/loadavg`);
      if (diskstats !== undefined) readDisks(round, diskstats, `${root}/diskstats`, diskExclude);
      if (netdev !== undefined) readNet(round, netdev, `${root}/net/dev`, netExclude);
      const fsWork =
        mounts === undefined
          ? undefined
          : readFilesystems(round, parseMounts(round, mounts, `${root}/${mountsFiles[0]}`, fsTypeExclude, mountExclude), fsStat, fsTimeoutMs, hung);
      await Promise.all([fsWork, readThermal(round, sysRoot)]);
      prev = round.next;
      prevNow = now;
      return { samples: round.samples, errors: round.errors };
    },
  };
}
