import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../../testing/wait-for.ts";
import { ProcessTracker } from "./process.ts";
import { FileReader } from "./read.ts";
import { Round } from "./round.ts";

const tmp = await mkdtemp(join(tmpdir(), "procfs-proc-"));
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** A `/proc/<pid>/stat` line with the fields the tracker reads (utime, stime, threads, start, vsize, rss). */
const statLine = (pid: number, comm: string, ticks: number, rssPages: number) =>
  `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194304 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${1000 + pid} ${rssPages * 4096} ${rssPages} 18446744073709551615 0 0\n`;

/** Write one round of processes: pid → [cumulative CPU ticks, RSS pages]. */
async function writeProcs(dir: string, procs: Record<number, [number, number]>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [pid, [ticks, rss]] of Object.entries(procs)) {
    await mkdir(join(dir, pid), { recursive: true });
    await writeFile(join(dir, pid, "stat"), statLine(Number(pid), `p${pid}`, ticks, rss));
  }
}

const reported = (r: Round) => [...new Set(r.samples.filter((s) => s.name === "process.rss_bytes").map((s) => Number(s.labels.pid)))].sort((a, b) => a - b);

describe("ProcessTracker", () => {
  test("top N by CPU and by RSS; a reported process stays while in the top 2N of either, and leaves after", async () => {
    const dir = join(tmp, "hyst");
    const tr = new ProcessTracker({ top: 1, userHz: 100, pageSize: 4096, maxOpenFiles: 0 });
    const reader = new FileReader();
    let prev = new Map<string, number>();
    let t = 0;
    const round = async (procs: Record<number, [number, number]>) => {
      await writeProcs(dir, procs);
      t += 10;
      const r = new Round(t * 1000, 10, prev);
      tr.collect(r, dir, reader);
      prev = r.next;
      expect(r.errors).toEqual([]);
      return r;
    };
    // round 1: no CPU deltas yet (ties broken by pid): CPU top = 10, RSS top = 30
    expect(reported(await round({ 10: [0, 1], 20: [0, 2], 30: [0, 50], 40: [0, 3] }))).toEqual([10, 30]);
    // round 2: 20 burns CPU → enters; 10 is 2nd by CPU (within top 2) → stays
    const r2 = await round({ 10: [50, 1], 20: [500, 2], 30: [0, 50], 40: [0, 3] });
    expect(reported(r2)).toEqual([10, 20, 30]);
    expect(r2.samples.find((s) => s.name === "process.cpu_fraction" && s.labels.pid === "20")?.value).toBeCloseTo(0.5, 9);
    expect(r2.samples.find((s) => s.name === "process.rss_bytes" && s.labels.pid === "30")?.value).toBe(50 * 4096);
    // round 3: 40 takes CPU; 10 drops to 3rd by CPU and 4th by RSS → out of the top 2 of both: leaves
    expect(reported(await round({ 10: [50, 1], 20: [700, 2], 30: [0, 50], 40: [900, 3] }))).toEqual([20, 30, 40]);
    // round 4: 30 exits → gone; at most 4N reported
    const r4 = await round({ 10: [50, 1], 20: [900, 2], 40: [1000, 3] });
    expect(reported(r4)).toEqual([20, 40]);
    expect(r4.samples.find((s) => s.name === "processes.count")?.value).toBe(3);
    expect(r4.samples.find((s) => s.name === "processes.state" && s.labels.state === "sleeping")?.value).toBe(3);
  });

  test("a pid reused by a new process starts over (no CPU fraction from the old one's ticks)", async () => {
    const dir = join(tmp, "reuse");
    const tr = new ProcessTracker({ top: 5, userHz: 100, pageSize: 4096, maxOpenFiles: 0 });
    const reader = new FileReader();
    await writeProcs(dir, { 7: [5000, 1] });
    const r1 = new Round(0, NaN, new Map());
    tr.collect(r1, dir, reader);
    await rm(dir, { recursive: true });
    await mkdir(join(dir, "7"), { recursive: true });
    await writeFile(join(dir, "7", "stat"), statLine(7, "new", 10, 1).replace(" 1007 ", " 99999 ")); // another start time
    const r2 = new Round(10_000, 10, r1.next);
    tr.collect(r2, dir, reader);
    expect(r2.samples.find((s) => s.name === "process.cpu_fraction")).toBeUndefined();
    expect(r2.samples.find((s) => s.name === "process.cpu_seconds")?.labels).toEqual({ pid: "7", comm: "new" });
  });

  test("on the real /proc: stat files are kept open between rounds and closed when their process exits", async () => {
    if (!existsSync("/proc/self/stat")) return; // not Linux
    const child = Bun.spawn(["sleep", "60"], { stdout: "ignore" });
    const tr = new ProcessTracker({ top: 3, userHz: 100, pageSize: 4096, maxOpenFiles: 100_000 });
    const reader = new FileReader();
    const r1 = new Round(0, NaN, new Map());
    tr.collect(r1, "/proc", reader);
    const open1 = tr.openCount;
    expect(open1).toBeGreaterThan(1);
    expect(r1.samples.find((s) => s.name === "processes.count")?.value).toBe(open1);
    child.kill();
    await child.exited;
    await waitFor(() => !existsSync(`/proc/${child.pid}`), { timeoutMs: 5000, what: "the child's /proc entry is gone" });
    const r2 = new Round(1000, 1, r1.next);
    tr.collect(r2, "/proc", reader);
    expect(r2.errors).toEqual([]);
    expect(r2.samples.some((s) => s.labels.pid === String(child.pid))).toBe(false);
    // the child's fd was closed (others may have come and gone meanwhile: compare with this round's count)
    expect(tr.openCount).toBe(r2.samples.find((s) => s.name === "processes.count")!.value);
    tr.closeAll();
    expect(tr.openCount).toBe(0);
  });

  test("hostile stat files: no (comm), too few fields, garbage; at most 10 errors per round plus one summary", async () => {
    const dir = join(tmp, "hostile");
    await rm(dir, { recursive: true, force: true });
    for (let pid = 1; pid <= 15; pid++) {
      await mkdir(join(dir, String(pid)), { recursive: true });
      await writeFile(join(dir, String(pid), "stat"), pid % 2 ? "garbage\n" : `${pid} (x) S 1 2\n`);
    }
    await mkdir(join(dir, "16"));
    await writeFile(join(dir, "16", "stat"), "\u0000".repeat(3000) + ")");
    const tr = new ProcessTracker({ top: 2, userHz: 100, pageSize: 4096, maxOpenFiles: 0 });
    const r = new Round(0, NaN, new Map());
    tr.collect(r, dir, new FileReader());
    expect(r.errors.length).toBe(11);
    expect(r.errors[10]).toEqual({ type: "parse_error", message: `${dir}/<pid>/stat: 6 more unreadable or malformed process files` });
    expect(r.samples.find((s) => s.name === "processes.count")?.value).toBe(0);
  });
});
