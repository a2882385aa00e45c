/**
 * `agent train --tune` end to end through the CLI: the table of trials on stdout, the kept trial
 * on stderr, the search in the bundle's manifest; bad `--tune-trials` and unlabelled data give a
 * one-line error and exit 2.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = join(import.meta.dir, "..", "main.ts");
const agent = (...args: string[]) => {
  const p = Bun.spawnSync([process.execPath, MAIN, ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
};

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-tune-"));
  const g = agent("generate", "--n-series", "12", "--n-points", "400", "--anomaly-ratio", "0.8", "--seed", "5", "--output-dir", join(dir, "data"));
  expect(g.code).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test("--tune prints the table of trials, keeps the best, records the search in the manifest", async () => {
  const out = join(dir, "rz");
  const r = agent("train", "--data", join(dir, "data"), "--model", "robust-zscore", "--out", out, "--tune", "--tune-trials", "3", "--seed", "4");
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines[0]).toMatch(/^trial\s+window\s+size\s+epochs\s+lr\s+val event-F1\s+seconds$/);
  expect(lines.length).toBe(4); // robust-zscore varies only the window: 3 points
  const marked = lines.findIndex((l) => /^\s*\d \*/.test(l));
  expect(lines.filter((l) => /^\s*\d \*/.test(l)).length).toBe(1);
  const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8"));
  const tune = manifest.training.tune;
  expect(tune.trials.length).toBe(3);
  expect(tune.metric).toBe("event_f1");
  expect(marked).toBe(tune.best + 1);
  expect(manifest.window).toBe(tune.trials[tune.best].window);
  expect(r.stderr).toContain(`kept trial ${tune.best + 1} of 3 (window ${manifest.window}, size default, epochs -, lr -): validation event-F1`);
  expect(r.stderr).toContain("on 3 held-out series of 12");
  const again = agent(
    "train",
    "--data",
    join(dir, "data"),
    "--model",
    "robust-zscore",
    "--out",
    join(dir, "rz2"),
    "--tune",
    "--tune-trials",
    "3",
    "--seed",
    "4",
  );
  const values = (s: string) => s.split("\n").map((l) => l.replace(/\s+\S+$/, "")); // all but the seconds column
  expect(values(again.stdout.trim())).toEqual(values(r.stdout.trim()));
}, 60_000);

test("bad --tune-trials and unlabelled data: one-line errors, exit 2", async () => {
  const bad = agent("train", "--data", join(dir, "data"), "--model", "vae", "--out", join(dir, "x"), "--tune", "--tune-trials", "0");
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim()).toBe("agent train: error: --tune-trials must be an integer in 1..64");
  const plain = join(dir, "plain");
  await mkdir(plain);
  for (const name of ["a", "b"]) {
    const rows = Array.from({ length: 300 }, (_, i) => `${new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()},${Math.sin(i / 9)}`);
    await writeFile(join(plain, `${name}.csv`), `timestamp,value\n${rows.join("\n")}\n`);
  }
  const r = agent("train", "--data", plain, "--model", "robust-zscore", "--out", join(dir, "y"), "--tune");
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split("\n")).toEqual(["agent train: error: --tune needs labelled series (validation by event-F1): 2 of 2 have no labels"]);
}, 60_000);
