/**
 * The procfs source's metric groups: names, defaults and what each one reads. Every group can
 * be switched off (or on) in the config; `groups` holds the result for one source.
 */

/** Group names, in the order the README lists them. */
export const GROUP_NAMES = [
  "cpu",
  "per_cpu",
  "system",
  "pressure",
  "memory",
  "meminfo",
  "vmstat",
  "load",
  "disk",
  "disk_detail",
  "network",
  "network_detail",
  "snmp",
  "sockets",
  "filesystem",
  "thermal",
  "cgroups",
  "processes",
] as const;

/** One group name. */
export type GroupName = (typeof GROUP_NAMES)[number];

/** Which groups a source collects. */
export type Groups = Record<GroupName, boolean>;

/**
 * Default groups: everything. Each group is bounded on a big host by its own rule (processes:
 * top N, cgroups: depth and count caps, disks/interfaces: the exclude patterns); `per_cpu` is
 * 16 series per CPU and is the one to switch off on hosts with many cores.
 */
export const DEFAULT_GROUPS: Readonly<Groups> = Object.freeze(Object.fromEntries(GROUP_NAMES.map((g) => [g, true])) as Groups);

/** The groups of the source before the detail groups were added (the benchmark's baseline). */
export const BASE_GROUPS: Readonly<Groups> = Object.freeze(
  Object.fromEntries(GROUP_NAMES.map((g) => [g, ["cpu", "memory", "load", "disk", "network", "filesystem", "thermal"].includes(g)])) as Groups,
);

/** `defaults` overridden by `partial`. */
export function resolveGroups(partial: Partial<Groups> | undefined, defaults: Readonly<Groups> = DEFAULT_GROUPS): Groups {
  return { ...defaults, ...partial };
}
