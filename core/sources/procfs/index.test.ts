import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MetricSample } from "../../events.ts";
import { createProcfsSource, DEFAULT_DISK_EXCLUDE, GROUP_NAMES } from "./index.ts";
import { settle, waitFor } from "../../testing/wait-for.ts";

const BASIC = join(import.meta.dir, "testdata", "basic", "round1");
const value = (samples: MetricSample[], name: string): number | undefined => samples.find((s) => s.name === name)?.value;

describe("createProcfsSource", () => {
  test("this machine's /proc: fractions within 0..1, memory total > 0, no parse errors", async () => {
    if (!existsSync("/proc/stat")) return; // not Linux
    const src = createProcfsSource({ id: "host", intervalMs: 1000 });
    const t0 = Date.now();
    const first = await src.collect(t0);
    expect(first.samples.some((s) => s.name === "cpu.user")).toBe(false); // no fractions yet
    // Fractions need the CPU counters to move: wait until they did, not a guessed time.
    const cpuLine = () => readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
    const before = cpuLine();
    await waitFor(() => cpuLine() !== before, { timeoutMs: 5000, what: "/proc/stat cpu counters moved" });
    const { samples, errors } = await src.collect(Date.now());
    expect(errors.filter((e) => e.type === "parse_error")).toEqual([]);
    const fractions = samples.filter((s) => /^cpu\.[a-z]+$/.test(s.name) && s.labels.cpu === undefined);
    expect(fractions.length).toBeGreaterThanOrEqual(4);
    for (const s of fractions) expect(s.value >= 0 && s.value <= 1).toBe(true);
    const sum = fractions.reduce((a, s) => a + s.value, 0);
    if (sum > 0) expect(sum).toBeCloseTo(1, 6);
    expect(value(samples, "mem.total_bytes")).toBeGreaterThan(0);
    const used = value(samples, "mem.used_fraction") ?? -1;
    expect(used >= 0 && used <= 1).toBe(true);
    expect(value(samples, "load.load1")).toBeGreaterThanOrEqual(0);
    for (const s of samples) {
      expect(Number.isFinite(s.value)).toBe(true);
      if (s.name.endsWith("_per_sec")) expect(s.value).toBeGreaterThanOrEqual(0);
    }
  });

  test("a missing root yields read errors for every file, never a throw", async () => {
    const src = createProcfsSource({ id: "x", intervalMs: 1000, root: "/nonexistent/proc", sysRoot: "/nonexistent/sys" });
    const { samples, errors } = await src.collect(1000);
    expect(samples).toEqual([]);
    // stat, meminfo, loadavg, diskstats, net/dev, mounts, 3 × pressure, vmstat, net/{snmp,netstat,sockstat}, the cgroup hierarchy, the process list
    expect(errors.map((e) => e.type)).toEqual(Array(15).fill("read_error"));
    expect(errors.some((e) => e.message.includes("/nonexistent/proc/stat"))).toBe(true);
    // optional files (PSI, vmstat, SNMP, sockstat) and the cgroup hierarchy: reported the first round only
    const again = await src.collect(2000);
    expect(again.errors.map((e) => e.message.split(":")[0]).sort()).toEqual(
      ["diskstats", "loadavg", "meminfo", "mounts", "net/dev", "stat"]
        .map((f) => `/nonexistent/proc/${f}`)
        .concat("/nonexistent/proc")
        .sort(),
    );
  });

  test("falls back to self/mounts when mounts is absent", async () => {
    const dir = await mkdtemp(join(tmpdir(), "procfs-self-"));
    try {
      await Bun.write(join(dir, "self", "mounts"), "/dev/vda / ext4 rw,relatime 0 0\n");
      const fsStat = async () => ({ bsize: 4096, blocks: 100, bfree: 50, bavail: 50, files: 0, ffree: 0 });
      const src = createProcfsSource({ id: "x", intervalMs: 1000, root: dir, sysRoot: join(dir, "sys"), fsStat });
      const { samples, errors } = await src.collect(1000);
      expect(errors.some((e) => e.message.includes("mounts"))).toBe(false);
      expect(samples.find((s) => s.name === "fs.used_fraction")?.labels).toEqual({ mountpoint: "/", device: "/dev/vda", fstype: "ext4" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a statfs that hangs is a timeout, and is not called again until it settles", async () => {
    let calls = 0;
    let hang = true;
    let release: () => void = () => {};
    const src = createProcfsSource({
      id: "x",
      intervalMs: 1000,
      root: join(BASIC, "proc"),
      sysRoot: join(BASIC, "sys"),
      fsTimeoutMs: 30,
      fsStat: (path) => {
        if (path === "/data") calls++;
        if (path !== "/data" || !hang) return Promise.resolve({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40, files: 10, ffree: 5 });
        hang = false;
        return new Promise((resolve) => {
          release = () => resolve({ bsize: 4096, blocks: 100, bfree: 50, bavail: 40, files: 10, ffree: 5 });
        });
      },
    });
    const r1 = await src.collect(1000);
    expect(r1.errors).toEqual([{ type: "timeout", message: "statfs /data: no answer within 30 ms" }]);
    expect(r1.samples.some((s) => s.name === "fs.used_fraction" && s.labels.mountpoint === "/")).toBe(true);
    const r2 = await src.collect(2000);
    expect(r2.errors.map((e) => e.type)).toEqual(["timeout"]);
    expect(calls).toBe(1);
    release();
    await settle(); // the released statfs completes (promise jobs only)
    const r3 = await src.collect(3000);
    expect(r3.errors).toEqual([]);
    expect(calls).toBe(2);
    expect(r3.samples.find((s) => s.name === "fs.used_fraction" && s.labels.mountpoint === "/data")?.value).toBeCloseTo(50 / 90, 9);
  });

  test("no rates when the clock does not move forward", async () => {
    const src = createProcfsSource({
      id: "x",
      intervalMs: 1000,
      root: join(BASIC, "proc"),
      sysRoot: join(BASIC, "sys"),
      fsStat: async () => ({ bsize: 1, blocks: 1, bfree: 1, bavail: 1, files: 0, ffree: 0 }),
    });
    await src.collect(5000);
    const { samples } = await src.collect(5000);
    expect(samples.some((s) => s.name.endsWith("_per_sec"))).toBe(false);
  });

  test("the default disk filter drops partitions, loop and ram devices, keeps whole disks", () => {
    for (const d of ["sda1", "vda2", "nvme0n1p1", "mmcblk0p2", "loop3", "ram0", "zram0", "xvdb1"]) expect(DEFAULT_DISK_EXCLUDE.test(d)).toBe(true);
    for (const d of ["sda", "vda", "nvme0n1", "mmcblk0", "dm-0", "md127", "xvdb"]) expect(DEFAULT_DISK_EXCLUDE.test(d)).toBe(false);
  });

  test("a file over maxFileBytes is cut at its last full line and reported; what was read is kept", async () => {
    const dir = await mkdtemp(join(tmpdir(), "procfs-huge-"));
    try {
      await Bun.write(join(dir, "meminfo"), `MemTotal: 1000 kB\nMemFree: 500 kB\nMemAvailable: 700 kB\n${"Junk: 1 kB\n".repeat(100_000)}`);
      const src = createProcfsSource({
        id: "x",
        intervalMs: 1000,
        root: dir,
        sysRoot: join(dir, "sys"),
        maxFileBytes: 4096,
        groups: { memory: true, meminfo: false },
      });
      const { samples, errors } = await src.collect(1000);
      expect(errors).toContainEqual({ type: "parse_error", message: `${dir}/meminfo: larger than 4096 bytes: read up to the last full line below that size` });
      expect(errors.filter((e) => e.message.includes("meminfo"))).toHaveLength(1);
      expect(value(samples, "mem.used_fraction")).toBeCloseTo(0.3, 9);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("every group can be switched off: no group, no file read, no error", async () => {
    const none = Object.fromEntries(GROUP_NAMES.map((g) => [g, false]));
    const src = createProcfsSource({ id: "x", intervalMs: 1000, root: "/nonexistent/proc", sysRoot: "/nonexistent/sys", groups: none });
    expect(await src.collect(1000)).toEqual({ samples: [], errors: [] });
  });
});
