import { expect, test } from "bun:test";
import { ProcfsSourceSchema, toProcfsSourceConfig } from "./config.ts";

const parse = (entry: object) =>
  toProcfsSourceConfig(ProcfsSourceSchema.parse({ type: "procfs", id: "h", interval: "10s", ...entry }), { configDir: "/etc/agent" });

test("roots default to /proc and /sys; relative roots are resolved against the config file", () => {
  expect(parse({})).toEqual({ type: "procfs", id: "h", intervalMs: 10_000, root: "/proc", sysRoot: "/sys" });
  expect(parse({ root: "snap/proc", sys_root: "/host/sys" })).toMatchObject({ root: "/etc/agent/snap/proc", sysRoot: "/host/sys" });
});

test("refused: empty roots, unknown keys", () => {
  const r = ProcfsSourceSchema.safeParse({ type: "procfs", id: "h", interval: 1, root: "", proc: "/proc" });
  expect(r.error!.issues.map((i) => i.code).sort()).toEqual(["too_small", "unrecognized_keys"]);
});
