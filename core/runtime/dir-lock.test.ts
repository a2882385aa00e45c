import { afterAll, describe, expect, test } from "bun:test";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock, holderAlive, LockError, processStartTime, readLock } from "./dir-lock.ts";
import { waitFor } from "../testing/wait-for.ts";
import { fillUp, mountSmallTmpfs } from "./testing/full-disk.ts";

const fresh = () => join(mkdtempSync(join(tmpdir(), "dir-lock-")), "lock");

/** A child process that stays alive for a while. */
const sleeper = () => Bun.spawn(["sleep", "20"]);

/** A zombie: `sleep 0.3` exits after its parent has exec'd into `sleep 20`, which never reaps it. */
async function zombie(): Promise<{ pid: number; stop: () => Promise<void> }> {
  const parent = Bun.spawn(["bash", "-c", "sleep 0.3 & echo $!; exec sleep 20"], { stdout: "pipe" });
  const reader = parent.stdout.getReader();
  const { value } = await reader.read();
  const pid = Number(new TextDecoder().decode(value).trim());
  await waitFor(() => /\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8")), { timeoutMs: 3000, what: `pid ${pid} a zombie` });
  return { pid, stop: async () => (parent.kill(), void (await parent.exited)) };
}

test("a free lock is taken, released by blanking in place, and taken again", () => {
  const path = fresh();
  const a = acquireLock(path);
  expect(readLock(path)).toEqual({ pid: process.pid, start: processStartTime(process.pid) });
  a.release();
  expect(readFileSync(path, "utf8")).toBe("released\n");
  acquireLock(path).release();
  expect(readdirSync(join(path, "..")).sort()).toEqual(["lock"]); // no claim file left
});

test("a lock held by another live process is refused, naming the path and the pid", async () => {
  const path = fresh();
  const other = sleeper();
  try {
    writeFileSync(path, JSON.stringify({ pid: other.pid, start: processStartTime(other.pid) }));
    expect(() => acquireLock(path)).toThrow(LockError);
    expect(() => acquireLock(path)).toThrow(`${path}: in use by another running process (pid ${other.pid})`);
  } finally {
    other.kill();
    await other.exited;
  }
  acquireLock(path).release(); // now dead: taken over
});

test("a zombie holder does not hold the lock (state Z in /proc/<pid>/stat)", async () => {
  const path = fresh();
  const z = await zombie();
  try {
    expect(readFileSync(`/proc/${z.pid}/stat`, "utf8")).toMatch(/\) Z /);
    expect(holderAlive(z.pid, undefined)).toBe(false);
    writeFileSync(path, JSON.stringify({ pid: z.pid, start: processStartTime(z.pid) }));
    const lock = acquireLock(path);
    expect(readLock(path)?.pid).toBe(process.pid);
    lock.release();
  } finally {
    await z.stop();
  }
});

test("a reused pid (live, but started at another time than the lock says) does not hold the lock", async () => {
  const path = fresh();
  const other = sleeper();
  try {
    writeFileSync(path, JSON.stringify({ pid: other.pid, start: "1" }));
    acquireLock(path).release();
  } finally {
    other.kill();
    await other.exited;
  }
});

/** The first line a child prints (without waiting for it to exit). */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  const decoder = new TextDecoder();
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text.split("\n")[0].trim();
}

describe("processes started at the same instant", () => {
  test("exactly one of four gets the lock, every time (fresh lock file and a stale one)", async () => {
    for (const stale of [false, true, false, true]) {
      const path = fresh();
      if (stale) writeFileSync(path, JSON.stringify({ pid: 999_999_99, start: "1" }));
      const at = Date.now() + 1000;
      const procs = Array.from({ length: 4 }, () =>
        Bun.spawn([process.execPath, join(import.meta.dir, "testdata", "lock-race.ts"), path, String(at)], { stdout: "pipe", stdin: "pipe" }),
      );
      // the holder keeps the lock until its stdin closes, so a sibling started late still finds it held
      const outs = await Promise.all(procs.map((p) => firstLine(p.stdout)));
      for (const p of procs) p.stdin.end();
      await Promise.all(procs.map((p) => p.exited));
      expect(outs.filter((o) => o === "locked").length).toBe(1);
      expect(outs.filter((o) => o.startsWith("refused: ") && o.includes("in use by another running process")).length).toBe(3);
    }
  }, 30_000);
});

// A full file system: a 64 KiB tmpfs (needs root; skipped with the reason otherwise).
const small = mountSmallTmpfs(join(mkdtempSync(join(tmpdir(), "dir-lock-full-")), "m"), "64k");
const { dir: mountDir, cannotMount: noMount } = small;
if (noMount) console.log(`[dir-lock] full-disk tests skipped: ${noMount}`);
afterAll(small.unmount);

describe.skipIf(noMount !== undefined)("on a full file system (64 KiB tmpfs)", () => {
  test("a lock never taken before is taken (a symbolic link: no data block needed), refused to others, released, taken over", async () => {
    fillUp(mountDir);
    const path = join(mountDir, "lock");
    const lock = acquireLock(path);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readLock(path)).toEqual({ pid: process.pid, start: processStartTime(process.pid) });
    lock.release();
    expect(readLock(path)).toBeUndefined();
    const other = sleeper();
    try {
      acquireLock(path).release(); // a released symlink lock is taken again
      // held by another live process: refused
      rmSync(path);
      symlinkSync(JSON.stringify({ pid: other.pid, start: processStartTime(other.pid) }), path);
      expect(() => acquireLock(path)).toThrow(`in use by another running process (pid ${other.pid})`);
    } finally {
      other.kill();
      await other.exited;
    }
    acquireLock(path).release(); // its holder is gone: taken over, still on the full disk
    expect(readdirSync(mountDir).sort()).toEqual(["filler", "lock"]);
  });
});
