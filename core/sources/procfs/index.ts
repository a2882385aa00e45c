/**
 * The procfs source: host metrics (CPU, memory, load, disk I/O, network, filesystems,
 * temperatures) read from files under an injectable `/proc` and `/sys` root.
 *
 * @module
 */
import type { CollectResult } from "../../events.ts";
import type { Source } from "../source.ts";
import { CGROUP_DEFAULTS, CgroupState, cgroupRoot, readCgroups } from "./cgroup.ts";
import { CpuState, readCpu } from "./cpu.ts";
import { DEFAULT_DISK_EXCLUDE, readDisks } from "./disk.ts";
import { defaultFsStat, DEFAULT_FS_TYPE_EXCLUDE, DEFAULT_MOUNT_EXCLUDE, parseMounts, readFilesystems, type FsStatFn } from "./fs.ts";
import { type Groups, resolveGroups } from "./groups.ts";
import { readLoad } from "./load.ts";
import { readMem } from "./mem.ts";
import { DEFAULT_NET_EXCLUDE, NetState, readNet } from "./net.ts";
import { PSI_RESOURCES, readPressure } from "./pressure.ts";
import { ProcessTracker } from "./process.ts";
import { DEFAULT_MAX_FILE_BYTES, FileReader } from "./read.ts";
import { errorText, Round, type CounterMemory } from "./round.ts";
import { NETSTAT_META, readSnmp } from "./snmp.ts";
import { readSockstat } from "./sockstat.ts";
import { readThermal } from "./thermal.ts";
import { readVmstat } from "./vmstat.ts";

export { CPU_MODES } from "./cpu.ts";
export { DEFAULT_DISK_EXCLUDE } from "./disk.ts";
export { DEFAULT_FS_TYPE_EXCLUDE, DEFAULT_MOUNT_EXCLUDE, defaultFsStat, type FsStatFn, type FsStats } from "./fs.ts";
export { DEFAULT_NET_EXCLUDE } from "./net.ts";
export { BASE_GROUPS, DEFAULT_GROUPS, GROUP_NAMES, type GroupName, type Groups } from "./groups.ts";
export { CGROUP_DEFAULTS } from "./cgroup.ts";

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
  /** Groups to collect (missing keys: {@link DEFAULT_GROUPS}, i.e. all). */
  groups?: Partial<Groups>;
  /** N of the top-N processes by CPU and by memory (group `processes`). Default 10. */
  topProcesses?: number;
  /** Deepest cgroup level kept (group `cgroups`). Default 2. */
  cgroupMaxDepth?: number;
  /** Most cgroups kept per round. Default 64. */
  cgroupMaxCount?: number;
  /** Cap of one file read (bytes); a longer file is cut at a line and reported. Default 4 MiB. */
  maxFileBytes?: number;
  /** Bytes per memory page (process RSS). Default 4096. */
  pageSize?: number;
  /** Most `/proc/<pid>/stat` files kept open between rounds (group `processes`). Default 256. */
  maxOpenFiles?: number;
}

/** Named defaults of {@link ProcfsSourceOptions}. */
export const PROCFS_DEFAULTS = {
  root: "/proc",
  sysRoot: "/sys",
  mountsFrom: "self",
  fsTimeoutMs: 2000,
  userHz: 100,
  topProcesses: 10,
  cgroupMaxDepth: CGROUP_DEFAULTS.maxDepth,
  cgroupMaxCount: CGROUP_DEFAULTS.maxCount,
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  pageSize: 4096,
  maxOpenFiles: 256,
} as const;

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
  const g = resolveGroups(opts.groups);
  const cpuOpts = { userHz, total: g.cpu, perCpu: g.per_cpu, system: g.system };
  const cgroupOpts = { maxDepth: opts.cgroupMaxDepth ?? PROCFS_DEFAULTS.cgroupMaxDepth, maxCount: opts.cgroupMaxCount ?? PROCFS_DEFAULTS.cgroupMaxCount };
  const reader = new FileReader(opts.maxFileBytes ?? PROCFS_DEFAULTS.maxFileBytes);
  const cpuState = new CpuState();
  const netState = new NetState();
  const cgroupState = new CgroupState();
  const procs = new ProcessTracker({
    top: opts.topProcesses ?? PROCFS_DEFAULTS.topProcesses,
    userHz,
    pageSize: opts.pageSize ?? PROCFS_DEFAULTS.pageSize,
    maxOpenFiles: opts.maxOpenFiles ?? PROCFS_DEFAULTS.maxOpenFiles,
  });
  const hung = new Set<string>();
  let prev: CounterMemory = new Map();
  let prevNow = NaN;

  /**
   * Read `root/rel` (first existing of `rels`), recording a read_error when none can be read
   * and a parse_error when the file was cut at `maxFileBytes`. Synchronous: procfs files are
   * generated from kernel memory, and one buffer serves every file.
   */
  const read = (round: Round, ...rels: string[]): string | undefined => {
    let last: unknown;
    for (const rel of rels) {
      try {
        const text = reader.read(`${root}/${rel}`);
        if (reader.truncated) round.parseError(`${root}/${rel}`, `larger than ${reader.maxBytes} bytes: read up to the last full line below that size`);
        return text;
      } catch (err) {
        last = err;
      }
    }
    round.readError(`${root}/${rels[0]}`, last);
    return undefined;
  };

  /** Optional files (and the cgroup hierarchy) found missing: reported once, until they appear. */
  const absent = new Set<string>();
  /**
   * {@link read} for a file an older kernel or another config may not have (PSI, SNMP...): a
   * missing file is a `read_error` the first round only, not every round.
   */
  const readOptional = (round: Round, rel: string): string | undefined => {
    const path = `${root}/${rel}`;
    try {
      const text = reader.read(path);
      absent.delete(path);
      if (reader.truncated) round.parseError(path, `larger than ${reader.maxBytes} bytes: read up to the last full line below that size`);
      return text;
    } catch (err) {
      const missing = (err as { code?: string }).code === "ENOENT";
      if (!missing || !absent.has(path)) round.readError(path, missing ? `${errorText(err)} (missing on this kernel? reported once)` : err);
      if (missing) absent.add(path);
      return undefined;
    }
  };

  /** The groups added for a host seen in full: PSI, vmstat, SNMP, cgroups, processes. */
  const collectDetail = (round: Round): void => {
    if (g.pressure) {
      for (const r of PSI_RESOURCES) {
        const text = readOptional(round, `pressure/${r}`);
        if (text !== undefined) readPressure(round, text, `${root}/pressure/${r}`, r);
      }
    }
    const vmstat = g.vmstat ? readOptional(round, "vmstat") : undefined;
    if (vmstat !== undefined) readVmstat(round, vmstat, `${root}/vmstat`);
    const snmp = g.snmp ? readOptional(round, "net/snmp") : undefined;
    if (snmp !== undefined) readSnmp(round, snmp, `${root}/net/snmp`);
    const netstat = g.snmp ? readOptional(round, "net/netstat") : undefined;
    if (netstat !== undefined) readSnmp(round, netstat, `${root}/net/netstat`, NETSTAT_META);
    const sockstat = g.sockets ? readOptional(round, "net/sockstat") : undefined;
    if (sockstat !== undefined) readSockstat(round, sockstat, `${root}/net/sockstat`);
    if (g.cgroups) {
      const cg = cgroupRoot(sysRoot);
      const key = `${sysRoot}/fs/cgroup`;
      if (cg === undefined) {
        if (!absent.has(key))
          round.errors.push({ type: "read_error", message: `${key}: no cgroup v2 hierarchy (cgroup.controllers) here or under unified/ (reported once)` });
        absent.add(key);
      } else {
        absent.delete(key);
        readCgroups(round, cg, reader, cgroupOpts, cgroupState);
      }
    }
    if (g.processes) procs.collect(round, root, reader);
  };

  return {
    id: opts.id,
    type: "procfs",
    intervalMs: opts.intervalMs,
    async collect(now: number): Promise<CollectResult> {
      const round = new Round(now, (now - prevNow) / 1000, prev);
      // Each file is read once per round, whatever number of groups use it.
      const stat = g.cpu || g.per_cpu || g.system ? read(round, "stat") : undefined;
      if (stat !== undefined) readCpu(round, stat, `${root}/stat`, cpuOpts, cpuState);
      const meminfo = g.memory || g.meminfo ? read(round, "meminfo") : undefined;
      if (meminfo !== undefined) readMem(round, meminfo, `${root}/meminfo`, g.memory, g.meminfo);
      const loadavg = g.load ? read(round, "loadavg") : undefined;
      if (loadavg !== undefined) readLoad(round, loadavg, `${root}/loadavg`);
      const diskstats = g.disk || g.disk_detail ? read(round, "diskstats") : undefined;
      if (diskstats !== undefined) readDisks(round, diskstats, `${root}/diskstats`, diskExclude, g.disk, g.disk_detail);
      const netdev = g.network || g.network_detail ? read(round, "net/dev") : undefined;
      if (netdev !== undefined) readNet(round, netdev, `${root}/net/dev`, netExclude, g.network, g.network_detail, netState);
      collectDetail(round);
      const mounts = g.filesystem ? read(round, ...mountsFiles) : undefined;
      const fsWork =
        mounts === undefined
          ? undefined
          : readFilesystems(round, parseMounts(round, mounts, `${root}/${mountsFiles[0]}`, fsTypeExclude, mountExclude), fsStat, fsTimeoutMs, hung);
      await Promise.all([fsWork, g.thermal ? readThermal(round, sysRoot) : undefined]);
      prev = round.next;
      prevNow = now;
      return { samples: round.samples, errors: round.errors };
    },
    /** Closes the process files kept open between rounds. */
    async close(): Promise<void> {
      procs.closeAll();
    },
  };
}
