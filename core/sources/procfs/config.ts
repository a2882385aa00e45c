/**
 * `type: procfs` in `sources:`: the YAML schema (defaults declared here once) and its
 * conversion to the runtime config {@link ProcfsSourceConfig}.
 * @module
 */
import { resolve } from "node:path";
import { z } from "zod";
import { Duration, durationMs, found, Id } from "../../config/fields.ts";
import type { SourceConfigBase, SourceContext } from "../component.ts";
import { DEFAULT_GROUPS, GROUP_NAMES, type GroupName, type Groups, PROCFS_DEFAULTS } from "./index.ts";

/** Named defaults of the YAML keys. */
export const PROCFS_CONFIG_DEFAULTS = {
  root: PROCFS_DEFAULTS.root,
  sys_root: PROCFS_DEFAULTS.sysRoot,
  mounts_from: PROCFS_DEFAULTS.mountsFrom,
  top_processes: PROCFS_DEFAULTS.topProcesses,
  cgroup_max_depth: PROCFS_DEFAULTS.cgroupMaxDepth,
  cgroup_max_count: PROCFS_DEFAULTS.cgroupMaxCount,
} as const;

/** `groups:` — one boolean per metric group; a missing key keeps its default (every group on). */
export const ProcfsGroupsSchema = z
  .object(Object.fromEntries(GROUP_NAMES.map((g) => [g, z.boolean().optional()])) as Record<GroupName, z.ZodOptional<z.ZodBoolean>>)
  .strict();

const mountsFromError = (i: { input?: unknown }) => `expected "self" or a process id such as 1, found ${found(i.input)}`;

/** `type: procfs` — host metrics read from `/proc` and `/sys` (roots injectable for tests and containers). */
export const ProcfsSourceSchema = z
  .object({
    type: z.literal("procfs"),
    id: Id,
    interval: Duration,
    root: z.string().min(1).default(PROCFS_CONFIG_DEFAULTS.root),
    sys_root: z.string().min(1).default(PROCFS_CONFIG_DEFAULTS.sys_root),
    /** `self` (the agent's mount namespace) or a pid: `<root>/<pid>/mounts` (1 = the node's, with the host's PID namespace). */
    mounts_from: z
      .union([z.literal("self"), z.number().int({ error: mountsFromError }).positive({ error: mountsFromError })], { error: mountsFromError })
      .default(PROCFS_CONFIG_DEFAULTS.mounts_from),
    /** Prefix of the mount points for statfs (the node's / mounted at e.g. /host/root). */
    host_root: z.string().min(1).optional(),
    groups: ProcfsGroupsSchema.default({}),
    top_processes: z.number().int().min(1).max(1000).default(PROCFS_CONFIG_DEFAULTS.top_processes),
    cgroup_max_depth: z.number().int().min(1).max(16).default(PROCFS_CONFIG_DEFAULTS.cgroup_max_depth),
    cgroup_max_count: z.number().int().min(1).max(10_000).default(PROCFS_CONFIG_DEFAULTS.cgroup_max_count),
  })
  .strict();

/** A parsed `type: procfs` entry. */
export type ProcfsSourceFile = z.output<typeof ProcfsSourceSchema>;

/** `type: procfs` runtime config. */
export interface ProcfsSourceConfig extends SourceConfigBase {
  type: "procfs";
  /** Absolute path of the procfs mount (default /proc). */
  root: string;
  /** Absolute path of the sysfs mount (default /sys). */
  sysRoot: string;
  /** Whose mount table: `self` or a pid. */
  mountsFrom: "self" | number;
  /** Absolute prefix of the mount points for statfs, when set. */
  hostRoot?: string;
  /** Every group, resolved against {@link DEFAULT_GROUPS}. */
  groups: Groups;
  /** N of the top-N processes by CPU and by memory. */
  topProcesses: number;
  /** Deepest cgroup level kept. */
  cgroupMaxDepth: number;
  /** Most cgroups kept per round. */
  cgroupMaxCount: number;
}

/**
 * Parsed entry → runtime config: roots resolved against the config file's directory.
 *
 * @example
 * toProcfsSourceConfig(ProcfsSourceSchema.parse({ type: "procfs", id: "h", interval: "10s", root: "host/proc" }), { configDir: "/etc/agent" }).root;
 * // "/etc/agent/host/proc"
 */
export function toProcfsSourceConfig(s: ProcfsSourceFile, ctx: SourceContext): ProcfsSourceConfig {
  return {
    type: s.type,
    id: s.id,
    intervalMs: durationMs(s.interval),
    root: resolve(ctx.configDir, s.root),
    sysRoot: resolve(ctx.configDir, s.sys_root),
    mountsFrom: s.mounts_from,
    ...(s.host_root !== undefined && { hostRoot: resolve(ctx.configDir, s.host_root) }),
    groups: { ...DEFAULT_GROUPS, ...(Object.fromEntries(Object.entries(s.groups).filter(([, v]) => v !== undefined)) as Partial<Groups>) },
    topProcesses: s.top_processes,
    cgroupMaxDepth: s.cgroup_max_depth,
    cgroupMaxCount: s.cgroup_max_count,
  };
}
