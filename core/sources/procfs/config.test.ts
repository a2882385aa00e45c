import { expect, test } from "bun:test";
import { ProcfsSourceSchema, toProcfsSourceConfig } from "./config.ts";
import { DEFAULT_GROUPS } from "./index.ts";

const parse = (entry: object) =>
  toProcfsSourceConfig(ProcfsSourceSchema.parse({ type: "procfs", id: "h", interval: "10s", ...entry }), { configDir: "/etc/agent" });

test("roots default to /proc and /sys; relative roots are resolved against the config file", () => {
  expect(parse({})).toEqual({
    type: "procfs",
    id: "h",
    intervalMs: 10_000,
    root: "/proc",
    sysRoot: "/sys",
    mountsFrom: "self",
    groups: DEFAULT_GROUPS,
    topProcesses: 10,
    cgroupMaxDepth: 2,
    cgroupMaxCount: 64,
  });
  expect(parse({ root: "snap/proc", sys_root: "/host/sys" })).toMatchObject({ root: "/etc/agent/snap/proc", sysRoot: "/host/sys" });
});

test("refused: empty roots, unknown keys", () => {
  const r = ProcfsSourceSchema.safeParse({ type: "procfs", id: "h", interval: 1, root: "", proc: "/proc" });
  expect(r.error!.issues.map((i) => i.code).sort()).toEqual(["too_small", "unrecognized_keys"]);
});

test("mounts_from: self or a pid; host_root resolved like the roots", () => {
  expect(parse({ mounts_from: 1, host_root: "/host/root" })).toMatchObject({ mountsFrom: 1, hostRoot: "/host/root" });
  expect(parse({ host_root: "snap/root" }).hostRoot).toBe("/etc/agent/snap/root");
  for (const bad of [0, -1, 1.5, "host", "1"]) {
    const r = ProcfsSourceSchema.safeParse({ type: "procfs", id: "h", interval: 1, mounts_from: bad });
    expect(r.error?.issues[0]?.message).toContain('expected "self" or a process id such as 1');
  }
});

test("groups: each one switchable, the rest keep their defaults; unknown groups and bad bounds are refused", () => {
  const c = parse({ groups: { per_cpu: false, processes: false }, top_processes: 3, cgroup_max_depth: 1 });
  expect(c.groups).toEqual({ ...DEFAULT_GROUPS, per_cpu: false, processes: false });
  expect(c).toMatchObject({ topProcesses: 3, cgroupMaxDepth: 1, cgroupMaxCount: 64 });
  const bad = ProcfsSourceSchema.safeParse({ type: "procfs", id: "h", interval: "1s", groups: { gpu: true, cpu: "yes" }, top_processes: 0 });
  expect(bad.error!.issues.map((i) => `${i.path.join(".")}:${i.code}`).sort()).toEqual([
    "groups.cpu:invalid_type",
    "groups:unrecognized_keys",
    "top_processes:too_small",
  ]);
});
