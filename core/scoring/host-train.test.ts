import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../data/random.ts";
import { parseHostModel } from "../../models/host/format.ts";
import { trainHostModel } from "../../models/host/train.ts";
import { roundEnded } from "../runtime/pace.ts";
import { HostWorkerError, HostWorkerStartError, hostWorkerUrl, trainHostInWorker } from "./host-train.ts";

const NAMES = ["a", "b", "c", "d"];

/** `n` rows where b = 2a, d = c + 1, with noise. */
function rows(n: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n * NAMES.length);
  for (let i = 0; i < n; i++) {
    const a = rng.next();
    const c = rng.next();
    out.set([a, 2 * a + 0.01 * rng.next(), c, c + 1 + 0.01 * rng.next()], i * NAMES.length);
  }
  return out;
}

const OPTS = { seed: 3, epochs: 5, now: 1_700_000_000_000 };

describe("trainHostInWorker", () => {
  test("trains in a worker: the rows are transferred, the model comes back as the one trained in-process", async () => {
    const m = rows(60);
    const same = await trainHostModel(m.slice(), 60, NAMES, OPTS);
    const { text, busyMs } = await trainHostInWorker(m, 60, NAMES, OPTS, { budget: 1, timeoutMs: 120_000 });
    expect(m.length).toBe(0); // detached: transferred, not copied
    const model = parseHostModel(text);
    expect(model.names).toEqual(NAMES);
    expect(model.parts.tau).toBeCloseTo(same.parts.tau, 5);
    expect(Array.from(model.parts.layers[0].kernel.slice(0, 8))).toEqual(Array.from(same.parts.layers[0].kernel.slice(0, 8)));
    expect(busyMs).toBeGreaterThan(0);
  }, 60_000);

  test("paced by a round gate, it still finishes while rounds end", async () => {
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const ticker = setInterval(() => roundEnded(gate), 5);
    try {
      const { text, sleptMs } = await trainHostInWorker(rows(60), 60, NAMES, OPTS, { budget: 0.5, gate, timeoutMs: 120_000 });
      expect(parseHostModel(text).width).toBe(4);
      expect(sleptMs).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
  }, 60_000);

  test("a training error in the worker rejects with its message (a failed training)", async () => {
    const err = await trainHostInWorker(rows(20), 20, NAMES, OPTS, { budget: 1, timeoutMs: 120_000 }).catch((e) => e);
    expect(err).toBeInstanceOf(HostWorkerError);
    expect(err.message).toContain("at least 40 are needed");
  }, 60_000);

  test("a worker that crashes after it started is a failed training; one that never starts leaves the rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "host-worker-"));
    const crash = join(dir, "crash.ts");
    writeFileSync(crash, `declare const self: Worker;\nself.onmessage = () => { throw new Error("boom"); };\nself.postMessage({ type: "ready" });\n`);
    const err = await trainHostInWorker(rows(60), 60, NAMES, OPTS, { budget: 1, timeoutMs: 120_000, url: crash }).catch((e) => e);
    expect(err).toBeInstanceOf(HostWorkerError);
    expect(err.message).toContain("boom");

    const m = rows(60);
    const none = await trainHostInWorker(m, 60, NAMES, OPTS, { budget: 1, timeoutMs: 120_000, url: join(dir, "missing.js") }).catch((e) => e);
    expect(none).toBeInstanceOf(HostWorkerStartError);
    expect(m.length).toBe(60 * NAMES.length);
  }, 60_000);

  test("a worker that never answers fails by the timeout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "host-worker-"));
    const mute = join(dir, "mute.ts");
    writeFileSync(mute, `declare const self: Worker;\nself.onmessage = () => {};\nself.postMessage({ type: "ready" });\n`);
    const err = await trainHostInWorker(rows(60), 60, NAMES, OPTS, { budget: 1, timeoutMs: 50, url: mute }).catch((e) => e);
    expect(err).toBeInstanceOf(HostWorkerError);
    expect(err.message).toBe("training timed out after 50 ms");
  }, 60_000);

  test("an abort before or during the training stops it (the worker is terminated)", async () => {
    for (const when of ["before", "during"]) {
      const ac = new AbortController();
      const m = rows(60);
      const p = trainHostInWorker(
        m,
        60,
        NAMES,
        { ...OPTS, epochs: 100_000 },
        {
          budget: 1,
          timeoutMs: 120_000,
          signal: ac.signal,
          onStarted: () => ac.abort(),
        },
      );
      if (when === "before") ac.abort();
      const err = await p.catch((e) => e);
      expect(err).toBeInstanceOf(HostWorkerError);
      expect(err.message).toBe("training stopped");
      expect(m.length).toBe(when === "before" ? 60 * NAMES.length : 0); // during: the rows were in the worker
    }
  }, 60_000);

  test("the worker's file: beside this one from source, under /$bunfs by its path from the repository root when compiled", () => {
    expect(hostWorkerUrl("file:///repo/core/scoring/host-train.ts")).toBe("file:///repo/core/scoring/host-worker.ts");
    expect(hostWorkerUrl("file:///$bunfs/root/agent/main.js")).toBe("/$bunfs/root/core/scoring/host-worker.js");
  });
});
