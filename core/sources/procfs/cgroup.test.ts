import { afterAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CgroupState, cgroupRoot, readCgroups } from "./cgroup.ts";
import { FileReader } from "./read.ts";
import { Round } from "./round.ts";

const SYS = join(import.meta.dir, "testdata", "basic", "round1", "sys");
const tmp = await mkdtemp(join(tmpdir(), "procfs-cgroup-"));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const kept = (r: Round) => [...new Set(r.samples.filter((s) => s.labels.cgroup !== undefined).map((s) => s.labels.cgroup))].sort();
const count = (r: Round) => r.samples.find((s) => s.name === "cgroup.count")?.value;

test("depth and count caps: breadth first, names sorted, only kept cgroups descended into", () => {
  const root = cgroupRoot(SYS)!;
  const deep = new Round(0, NaN, new Map());
  readCgroups(deep, root, new FileReader(), { maxDepth: 3, maxCount: 64 }, new CgroupState());
  expect(kept(deep)).toEqual([
    "init.scope",
    "system.slice",
    "system.slice/docker-3f2a.scope",
    "system.slice/docker-3f2a.scope/inner",
    "system.slice/nginx.service",
    "user.slice",
  ]);
  expect(count(deep)).toBe(6);
  const capped = new Round(0, NaN, new Map());
  readCgroups(capped, root, new FileReader(), { maxDepth: 3, maxCount: 2 }, new CgroupState());
  expect(kept(capped)).toEqual(["init.scope", "system.slice"]);
  expect(count(capped)).toBe(5); // + user.slice, and system.slice's two children left out; nothing below them is listed
  expect(deep.errors).toEqual([]);
  expect(capped.errors).toEqual([]);
});

test("the unified hierarchy is found at fs/cgroup (v2) or fs/cgroup/unified (hybrid), else undefined", async () => {
  expect(cgroupRoot(SYS)).toBe(join(SYS, "fs", "cgroup"));
  const hybrid = join(tmp, "hybrid");
  await mkdir(join(hybrid, "fs", "cgroup", "unified"), { recursive: true });
  await mkdir(join(hybrid, "fs", "cgroup", "memory"), { recursive: true });
  expect(cgroupRoot(hybrid)).toBeUndefined();
  await writeFile(join(hybrid, "fs", "cgroup", "unified", "cgroup.controllers"), "");
  expect(cgroupRoot(hybrid)).toBe(join(hybrid, "fs", "cgroup", "unified"));
});
