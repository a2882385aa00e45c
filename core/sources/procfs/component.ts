/**
 * The procfs source as a configurable component (see ../component.ts): schema, conversion,
 * factory and the `agent config example` block.
 * @module
 */
import { defineSource } from "../component.ts";
import { PROCFS_CONFIG_DEFAULTS as D, ProcfsSourceSchema, toProcfsSourceConfig } from "./config.ts";
import { createProcfsSource } from "./index.ts";

/** `type: procfs`. */
export const procfsSource = defineSource({
  schema: ProcfsSourceSchema,
  toConfig: toProcfsSourceConfig,
  build: (c) =>
    createProcfsSource({
      id: c.id,
      intervalMs: c.intervalMs,
      root: c.root,
      sysRoot: c.sysRoot,
      mountsFrom: c.mountsFrom,
      hostRoot: c.hostRoot,
      groups: c.groups,
      topProcesses: c.topProcesses,
      cgroupMaxDepth: c.cgroupMaxDepth,
      cgroupMaxCount: c.cgroupMaxCount,
    }),
  example: {
    enabled: false,
    yaml: `  # Host metrics from procfs/sysfs (roots can point elsewhere, e.g. a container's /host/proc).
  - type: procfs
    id: host
    interval: 10s
    root: /proc            # default ${D.root}
    sys_root: /sys         # default ${D.sys_root}
    # mounts_from: 1       # whose mount table fs.* describes: ${D.mounts_from} (default) or a pid (1 = the node's, with hostPID)
    # host_root: /host/root  # where those mount points are reached for statfs (the node's / mounted read-only)
    # Metric groups (all on by default); per_cpu is 16 series per CPU: off on hosts with many cores.
    # groups: { per_cpu: false, processes: false }
    top_processes: ${D.top_processes}      # top N by CPU and by memory (group processes)
    cgroup_max_depth: ${D.cgroup_max_depth}    # system.slice = 1, system.slice/nginx.service = 2 (group cgroups)
    cgroup_max_count: ${D.cgroup_max_count}`,
  },
});
