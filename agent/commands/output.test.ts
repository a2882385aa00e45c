/**
 * Success summaries are plain text on stdout; only errors and warnings are coloured, only on a
 * terminal (a real pseudo-terminal from util-linux `script`), never with NO_COLOR.
 */
import { beforeAll, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { paint, useColor, warning } from "./output.ts";

const MAIN = join(import.meta.dir, "../main.ts");
const SCRIPT = Bun.which("script");
const ESC = "\u001b[";
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-output-"));
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI on a pseudo-terminal (stdout and stderr both the terminal); everything it printed. */
async function onTerminal(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string }> {
  const cmd = [process.execPath, MAIN, ...args].map(quote).join(" ");
  const p = Bun.spawn([SCRIPT!, "-qec", cmd, "/dev/null"], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH, HOME: dir, TERM: "xterm", ...env },
  });
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  return { code, out };
}

test("useColor: a terminal, NO_COLOR unset or empty, TERM not dumb", () => {
  expect(useColor({ isTTY: true, write() {} }, {})).toBe(true);
  expect(useColor({ isTTY: false, write() {} }, {})).toBe(false);
  expect(useColor({ write() {} }, {})).toBe(false);
  expect(useColor({ isTTY: true, write() {} }, { NO_COLOR: "1" })).toBe(false);
  expect(useColor({ isTTY: true, write() {} }, { NO_COLOR: "" })).toBe(true);
  expect(useColor({ isTTY: true, write() {} }, { TERM: "dumb" })).toBe(false);
  expect(paint("x", "red", { isTTY: true, write() {} }, {})).toBe("\u001b[31mx\u001b[0m");
  expect(paint("x", "red", { isTTY: false, write() {} }, {})).toBe("x");
  let written = "";
  warning("score", "odd data", { isTTY: false, write: (s: string) => (written += s) });
  expect(written).toBe("agent score: warning: odd data\n");
});

test("a success summary goes to stdout, plain, when piped", () => {
  const p = Bun.spawnSync([process.execPath, MAIN, "generate", "--n-series", "2", "--n-points", "300", "--output-dir", "piped"], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(p.exitCode).toBe(0);
  expect(p.stdout.toString()).toMatch(/^generated 2 series × 300 points/);
  expect(p.stderr.toString()).toBe("");
});

test.skipIf(!SCRIPT)(
  "on a terminal: success summaries uncoloured, errors red, NO_COLOR removes the colour",
  async () => {
    const ok = await onTerminal({}, "generate", "--n-series", "2", "--n-points", "300", "--output-dir", "tty");
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("generated 2 series × 300 points");
    expect(ok.out).not.toContain(ESC);
    const bad = await onTerminal({}, "score", "--model", "online:default", "--input", "missing.csv", "--output", "x.csv");
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`${ESC}31magent score: error:`);
    const plain = await onTerminal({ NO_COLOR: "1" }, "score", "--model", "online:default", "--input", "missing.csv", "--output", "x.csv");
    expect(plain.code).toBe(1);
    expect(plain.out).toContain("agent score: error:");
    expect(plain.out).not.toContain(ESC);
  },
  60_000,
);
