import { expect, test } from "bun:test";
import pino from "pino";
import { stopWithin } from "./stop.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines };
}

test("a stop that completes resolves true and logs nothing", async () => {
  const { log, lines } = capture();
  expect(await stopWithin(async () => {}, log, 1000)).toBe(true);
  expect(lines).toEqual([]);
});

test("a stop that throws resolves false with one error line (no stack)", async () => {
  const { log, lines } = capture();
  expect(await stopWithin(async () => Promise.reject(new Error("seq.json: cannot write sequence file: ENOSPC")), log, 1000)).toBe(false);
  expect(lines).toHaveLength(1);
  expect(lines[0].msg).toBe("stopping: seq.json: cannot write sequence file: ENOSPC; exiting anyway (what the disk buffer holds is sent after the next start)");
  expect(JSON.stringify(lines[0])).not.toContain("    at ");
});

test("a stop that hangs resolves false at the bound with one error line", async () => {
  const { log, lines } = capture();
  const t0 = performance.now();
  expect(await stopWithin(() => new Promise<void>(() => {}), log, 300)).toBe(false);
  expect(performance.now() - t0).toBeLessThan(5000); // generous
  expect(lines.map((l) => l.msg)).toEqual([
    "stopping: the stop did not finish within 0.3 s; exiting anyway (what the disk buffer holds is sent after the next start)",
  ]);
});
