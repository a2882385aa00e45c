/**
 * The CLI end to end (through `bun agent/main.ts`): generate → train → score → eval, and every
 * bad input gives a one-line error naming the file and the problem, a non-zero exit and no stack
 * trace unless --debug.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = join(import.meta.dir, "main.ts");

function agent(...args: string[]): { code: number; stdout: string; stderr: string } {
  const p = Bun.spawnSync([process.execPath, MAIN, ...args], { stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

function expectOneLineError(r: { code: number; stderr: string }, ...needles: string[]): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split("\n");
  expect(lines.length).toBe(1);
  expect(lines[0]).not.toMatch(/\n\s+at /);
  for (const n of needles) expect(lines[0]).toContain(n);
}

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-cli-"));
  const g = agent("generate", "--n-series", "20", "--n-points", "600", "--seed", "3", "--output-dir", join(dir, "data"));
  expect(g.code).toBe(0);
  const t = agent("train", "--data", join(dir, "data"), "--model", "robust-zscore", "--out", join(dir, "rz"));
  expect(t.code).toBe(0);
}, 60_000);

describe("agent CLI", () => {
  test("--help lists every command, each command's --help has an example", () => {
    const r = agent("--help");
    for (const c of ["generate", "train", "score", "eval", "doctor"]) expect(r.stdout).toContain(c);
    for (const c of ["run", "validate", "ingest", "generate", "train", "score", "eval", "doctor"]) expect(agent(c, "--help").stdout).toContain("Examples:");
  }, 30_000);

  test("generate is byte-identical for the same seed", async () => {
    const again = agent("generate", "--n-series", "20", "--n-points", "600", "--seed", "3", "--output-dir", join(dir, "data2"));
    expect(again.code).toBe(0);
    for (const f of ["series/series_0000.csv", "labels.json", "metadata.json"]) {
      expect(await readFile(join(dir, "data2", f), "utf8")).toBe(await readFile(join(dir, "data", f), "utf8"));
    }
  });

  test("score writes timestamp,value,anomaly_score,is_anomaly", async () => {
    const out = join(dir, "scored.csv");
    const r = agent("score", "--model", "online:default", "--input", join(dir, "data/series/series_0001.csv"), "--output", out);
    expect(r.code).toBe(0);
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    expect(lines[0]).toBe("timestamp,value,anomaly_score,is_anomaly");
    expect(lines.length).toBe(601);
    expect(lines[1]).toMatch(/^2026-01-01T00:00:00Z,[0-9.]+,0\.000000,0$/);
  });

  test("eval --json prints one object with the headline metrics; --report writes HTML", async () => {
    const r = agent("eval", "--model", join(dir, "rz"), "--data", join(dir, "data"), "--json", "--report", join(dir, "r.html"));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ["precision", "recall", "f1", "event_f1", "pr_auc", "roc_auc"]) expect(typeof j[k]).toBe("number");
    expect(await readFile(join(dir, "r.html"), "utf8")).toContain("<svg");
  });

  test("several --model values give one comparison table", () => {
    const r = agent("eval", "--model", join(dir, "rz"), "--model", "online:default", "--data", join(dir, "data"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("online:default");
    expect(r.stdout).toContain("robust-zscore");
  });
});

describe("bad input: one-line errors", () => {
  test("missing CSV", () => {
    expectOneLineError(agent("score", "--model", "online:default", "--input", join(dir, "nope.csv"), "--output", "-"), "nope.csv");
  });

  test("a file with no parsable row, and repeated or unsorted timestamps under --strict-time, are one-line errors", async () => {
    const cases: Record<string, [string, string, string[]]> = {
      "bad.csv": ["timestamp,value\nnope,1\n", "no parsable data row", []],
      "unsorted.csv": ["timestamp,value\n2026-01-01T00:01:00Z,1\n2026-01-01T00:00:00Z,2\n", "timestamps not sorted", ["--strict-time"]],
      "dup.csv": ["timestamp,value\n2026-01-01T00:00:00Z,1\n2026-01-01T00:00:00Z,2\n", "duplicate timestamp", ["--strict-time"]],
    };
    for (const [name, [text, needle, extra]] of Object.entries(cases)) {
      await writeFile(join(dir, name), text);
      expectOneLineError(agent("score", "--model", "online:default", "--input", join(dir, name), "--output", "-", ...extra), name, needle);
    }
  });

  test("real exports are scored, with one warning line: repeated hours, unsorted rows, NaN/inf values, quoted fields", async () => {
    const text =
      '\ufefftimestamp,"value",host\r\n2026-01-01T01:00:00Z,1,"a,b"\r\n2026-01-01T01:00:00Z,NaN,a\r\n2026-01-01T00:30:00Z,inf,a\r\n2026-01-01T02:00:00Z,4,a\r\n';
    await writeFile(join(dir, "export.csv"), text);
    const r = agent("score", "--model", "online:default", "--input", join(dir, "export.csv"), "--output", "-");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").length).toBe(5);
    const warnings = r.stderr.trim().split("\n");
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toContain("2 rows repeat or go back in time");
    expect(warnings[0]).toContain("2 non-numeric or non-finite values read as gaps");
  });

  test("gaps are handled, not fatal: a missing value scores 1", async () => {
    await writeFile(join(dir, "gap.csv"), "timestamp,value\n2026-01-01 00:00:00,1\n2026-01-01 00:01:00,\n2026-01-01 00:02:00,3\n");
    const r = agent("score", "--model", "online:default", "--input", join(dir, "gap.csv"), "--output", "-");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[2]).toBe("2026-01-01T00:01:00Z,,1.000000,1");
  });

  test("bundle with an unknown manifest version", async () => {
    const b = join(dir, "v99");
    await cp(join(dir, "rz"), b, { recursive: true });
    const m = JSON.parse(await readFile(join(b, "manifest.json"), "utf8"));
    await writeFile(join(b, "manifest.json"), JSON.stringify({ ...m, manifest_version: 99 }));
    expectOneLineError(agent("score", "--model", b, "--input", join(dir, "data/series/series_0001.csv"), "--output", "-"), "v99", "manifest_version 99");
  });

  test("weights file whose sha256 does not match", async () => {
    const b = join(dir, "tampered");
    await cp(join(dir, "rz"), b, { recursive: true });
    const m = JSON.parse(await readFile(join(b, "manifest.json"), "utf8"));
    m.files.push({ path: "weights.bin", sha256: "0".repeat(64), bytes: 3 });
    await writeFile(join(b, "weights.bin"), "abc");
    await writeFile(join(b, "manifest.json"), JSON.stringify(m));
    expectOneLineError(
      agent("score", "--model", b, "--input", join(dir, "data/series/series_0001.csv"), "--output", "-"),
      "tampered",
      "sha256 mismatch for weights.bin",
    );
  });

  test("a window that does not fit the model", async () => {
    const b = join(dir, "wrongwindow");
    await cp(join(dir, "rz"), b, { recursive: true });
    const m = JSON.parse(await readFile(join(b, "manifest.json"), "utf8"));
    m.window = 16;
    m.features.window = 16;
    m.features.width = 17;
    await writeFile(join(b, "manifest.json"), JSON.stringify(m));
    expectOneLineError(agent("eval", "--model", b, "--data", join(dir, "data")), "wrongwindow", "features.names");
  });

  test("unknown online model and bad flags are usage errors", () => {
    expectOneLineError(agent("score", "--model", "online:nope", "--input", join(dir, "data/series/series_0001.csv"), "--output", "-"), "online:nope");
    const r = agent("generate", "--n-series", "0", "--output-dir", join(dir, "x"));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n").length).toBe(1);
    expect(r.stderr).toContain("--n-series");
  });

  test("--debug prints the stack", () => {
    const r = agent("score", "--debug", "--model", "online:default", "--input", join(dir, "nope.csv"), "--output", "-");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
