import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkDataDir, prepareDataDir } from "./data-dir.ts";

const fresh = () => mkdtempSync(join(tmpdir(), "agent-data-dir-"));

/** A read-only directory that even root cannot write: a read-only tmpfs (needs root), else chmod (non-root). */
function readOnlyDir(): { dir?: string; why?: string; done: () => void } {
  const dir = join(fresh(), "ro");
  mkdirSync(dir);
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o500);
    return { dir, done: () => chmodSync(dir, 0o700) };
  }
  const m = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", dir], { stderr: "pipe" });
  if (m.exitCode !== 0) return { why: `mount failed: ${m.stderr.toString().trim()}`, done: () => {} };
  return { dir, done: () => void Bun.spawnSync(["umount", "-l", dir]) };
}

test("checkDataDir: a writable existing or creatable dir passes and nothing is left behind", () => {
  const base = fresh();
  expect(checkDataDir(base)).toBeUndefined();
  expect(checkDataDir(join(base, "a", "b"))).toBeUndefined();
  expect(readdirSync(base)).toEqual([]);
  expect(existsSync(join(base, "a"))).toBe(false);
});

test("checkDataDir: a path under a regular file is refused naming it", () => {
  const base = fresh();
  writeFileSync(join(base, "file"), "");
  expect(checkDataDir(join(base, "file", "var"))).toBe(`${join(base, "file")} is not a directory`);
});

test("a read-only data_dir: run's check (prepareDataDir) and validate's (checkDataDir) both refuse it; validate leaves nothing", () => {
  const ro = readOnlyDir();
  if (!ro.dir) return void console.log(`[data-dir] read-only test skipped: ${ro.why}`);
  try {
    expect(prepareDataDir(ro.dir)).toMatch(new RegExp(`data_dir ${ro.dir} is not writable: .*(EROFS|EACCES|read-only|permission)`, "i"));
    expect(checkDataDir(ro.dir)).toMatch(/not writable: .*(EROFS|EACCES|read-only|permission)/i);
    expect(checkDataDir(join(ro.dir, "sub"))).toMatch(/cannot be created: .* is not writable/);
    expect(readdirSync(ro.dir)).toEqual([]);
  } finally {
    ro.done();
  }
});

describe("two pipelines started at the same instant on one data_dir", () => {
  for (const buffer of ["disk", "memory"]) {
    test(`exactly one starts, the other is refused by the data-dir lock (${buffer} buffer); no temp file is left`, async () => {
      for (let round = 0; round < 3; round++) {
        const dir = fresh();
        const at = Date.now() + 1500;
        const procs = [0, 1].map(() =>
          Bun.spawn([process.execPath, join(import.meta.dir, "testdata", "start-race.ts"), dir, String(at), buffer], { stdout: "pipe", stderr: "pipe" }),
        );
        const outs = await Promise.all(
          procs.map(async (p) => `${(await new Response(p.stdout).text()).trim()}${(await new Response(p.stderr).text()).trim()}`),
        );
        expect(outs.filter((o) => o === "started").length).toBe(1);
        const refused = outs.find((o) => o !== "started") ?? "";
        expect(refused).toMatch(new RegExp(`^refused: data_dir ${dir}/var: ${dir}/var/lock: in use by another running process \\(pid \\d+\\)`));
        expect(readdirSync(join(dir, "var")).filter((f) => f.includes("tmp") || f.startsWith("lock."))).toEqual([]);
      }
    }, 60_000);
  }
});
