/**
 * A hostile registry (a real HTTP server on 127.0.0.1) against the updater: traversal names and
 * versions, wrong types, truncated, oversized and endless bodies, a bundle that changes between
 * resolve and download, non-finite models. For each: the agent keeps its last good model,
 * nothing outside `<data_dir>/models/` is touched, the error is counted, and the updater stops
 * within its bound.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pollOnce } from "./poll.ts";
import { endlessBody, envelope, hugeBody, nanEnvelope, resolutionFor, startFakeRegistry, type FakeRegistry } from "./testing/fake-registry.ts";
import { runUpdater } from "./index.ts";
import { sha256Hex } from "../../models/format/bundle.ts";
import type { BundleEnvelope } from "../../models/registry-protocol/protocol.ts";
import { readModelState } from "./state.ts";
import { updaterStatus } from "./status.ts";
import { testUpdater } from "./testing/harness.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

let reg: FakeRegistry;
beforeAll(() => void (reg = startFakeRegistry()));
afterAll(() => reg.stop());

/** A data dir inside a fresh root, with a sentinel victim directory beside it (outside `models/`). */
function roots() {
  const root = mkdtempSync(join(tmpdir(), "hostile-"));
  const dataDir = join(root, "data");
  const victim = join(root, "victim");
  mkdirSync(join(victim, "sub"), { recursive: true });
  writeFileSync(join(victim, "sub", "precious.txt"), "keep me");
  return { root, dataDir, victim };
}

/** An updater on the fake registry that already runs v1 as its accepted last good model. */
async function onV1() {
  const r = roots();
  const v1 = await envelope("1");
  reg.resolve = () => resolutionFor(v1);
  reg.bundle = () => v1;
  const t = await testUpdater({ request: () => new Response(null, { status: 500 }) }, "edge-1", {
    dataDir: r.dataDir,
    registry: { url: reg.url },
    fetch: (req) => fetch(req),
  });
  expect(await pollOnce(t.up)).toMatchObject({ result: "switched", version: "1" });
  t.rounds();
  await t.up.saved;
  expect((await readModelState(r.dataDir))?.current?.version).toBe("1");
  return { ...r, t };
}

const errors = async (t: Awaited<ReturnType<typeof onV1>>["t"]) => await t.telemetry.registry.getSingleMetricAsString("agent_component_errors_total");
const survives = (victim: string) => expect(existsSync(join(victim, "sub", "precious.txt"))).toBe(true);

describe("severe: traversal in a resolve answer", () => {
  test("version ../../../victim whose download fails never removes anything outside <data_dir>/models", async () => {
    const s = await onV1();
    reg.resolve = () =>
      resolutionFor({ format: "agent-model-bundle+json", manifest: { name: "m", version: "2" }, files: {} } as never, { version: "../../../victim" });
    reg.bundle = () => Response.json({ error: "not_found", reason: "gone" }, { status: 404 });
    const r = await pollOnce(s.t.up);
    survives(s.victim);
    expect(r.result).toBe("error");
    expect(s.t.model().version).toBe("1");
    expect(await errors(s.t)).toContain('component="updater",error_type="bad_answer"');
    expect(readdirSync(join(s.dataDir, "models", "m"))).toEqual(["1"]);
  });
});

describe("severe: malformed resolve answers", () => {
  test('{"model": null, "version": 12} is one counted error; the updater keeps running and stops on abort', async () => {
    const s = await onV1();
    reg.resolve = () => ({ model: null, version: 12 });
    const r = await pollOnce(s.t.up);
    expect(r.result).toBe("error");
    expect(r.detail).toContain("resolve answer");
    expect(s.t.model().version).toBe("1");
    expect(await errors(s.t)).toContain('component="updater",error_type="bad_answer"} 1');
    expect(updaterStatus(s.t.up)).toMatchObject({
      last_poll: { result: "error" },
      last_error: { message: expect.stringContaining("model") },
      errors: { bad_answer: 1 },
    });
    const stop = new AbortController();
    const polls = reg.hits.length;
    const running = runUpdater(s.t.up, stop.signal);
    await waitFor(() => reg.hits.length > polls, { timeoutMs: 3000, what: "a poll of the running updater" });
    stop.abort();
    const t0 = performance.now();
    await running;
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

/** The state every hostile case must leave: v1 still scoring, nothing outside models/ touched, v1 on disk. */
async function unharmed(s: Awaited<ReturnType<typeof onV1>>) {
  survives(s.victim);
  expect([s.t.model().version, s.t.up.u.source]).toEqual(["1", "registry"]);
  expect(readdirSync(s.root).sort()).toEqual(["data", "victim"]);
  expect(readdirSync(join(s.dataDir, "models")).filter((f) => !f.endsWith(".json"))).toEqual(["m"]);
  expect(readdirSync(join(s.dataDir, "models", "m")).filter((f) => !f.includes(".tmp-"))).toContain("1");
  expect((await readModelState(s.dataDir))?.current?.version).toBe("1");
}

/** Runs the updater loops, lets them poll at least once, then aborts: they must stop within the bound. */
async function stopsWithinBound(s: Awaited<ReturnType<typeof onV1>>) {
  const stop = new AbortController();
  const running = runUpdater(s.t.up, stop.signal);
  const polls = reg.hits.length;
  await waitFor(() => reg.hits.length !== polls, { timeoutMs: 3000, everyMs: 20 }).catch(() => {}); // stopping is what is checked
  stop.abort();
  const t0 = performance.now();
  await running;
  expect(performance.now() - t0).toBeLessThan(5_000);
}

const traversal: [string, Record<string, unknown>][] = [
  ["version ../../x", { version: "../../x" }],
  ["version an absolute path", { version: "/tmp/victim" }],
  ["version with NUL", { version: "2\u0000x" }],
  ["version ..", { version: ".." }],
  ["version with a backslash", { version: "..\\..\\x" }],
  ["model ../m", { model: "../m" }],
  ["another model than configured", { model: "other" }],
  ["another agent's answer", { agent_id: "edge-2" }],
  ["another channel", { channel: "canary" }],
];
const wrongTypes: [string, unknown][] = [
  ["version a number", { version: 12 }],
  ["model null", { model: null }],
  ["an array", []],
  ["a string", "m@2"],
  ["null", null],
  ["bucket out of range", { bucket: 1e9 }],
  ["digest not hex", { digest: "zz" }],
  ["an unknown key", { surprise: true }],
  ["published_at not a time", { published_at: "soon" }],
];

describe("hostile resolve answers: refused before they touch a path, counted, v1 keeps scoring", () => {
  for (const [name, over] of traversal) {
    test(name, async () => {
      const s = await onV1();
      const v2 = await envelope("2");
      reg.resolve = () => resolutionFor(v2, over);
      reg.bundle = () => Response.json({ error: "not_found", reason: "gone" }, { status: 404 });
      const r = await pollOnce(s.t.up);
      expect(r).toMatchObject({ result: "error", detail: expect.stringContaining("resolve answer") });
      expect(await errors(s.t)).toContain('component="updater",error_type="bad_answer"} 1');
      expect(reg.hits.at(-1)).toEndWith("/resolve");
      await unharmed(s);
      await stopsWithinBound(s);
    });
  }
  for (const [name, body] of wrongTypes) {
    test(`wrong type: ${name}`, async () => {
      const s = await onV1();
      const v2 = await envelope("2");
      reg.resolve = () =>
        body !== null && typeof body === "object" && !Array.isArray(body) ? resolutionFor(v2, body as Record<string, unknown>) : Response.json(body);
      const r = await pollOnce(s.t.up);
      expect(r.result).toBe("error");
      expect(await errors(s.t)).toContain('component="updater",error_type="bad_answer"} 1');
      expect(updaterStatus(s.t.up).last_error).toMatchObject({ message: expect.stringContaining("resolve answer") });
      await unharmed(s);
      await stopsWithinBound(s);
    });
  }
  test("a redirect (to another host) is not followed", async () => {
    const s = await onV1();
    const other = startFakeRegistry();
    try {
      other.resolve = () => resolutionFor({ manifest: { name: "m", version: "9" } } as never);
      reg.resolve = () => new Response(null, { status: 302, headers: { location: `${other.url}/v1/models/m/channels/stable/resolve` } });
      expect(await pollOnce(s.t.up)).toMatchObject({ result: "error", detail: expect.stringContaining("not followed") });
      expect(other.hits).toEqual([]);
      await unharmed(s);
      await stopsWithinBound(s);
    } finally {
      other.stop();
    }
  });
  test("a truncated answer", async () => {
    const s = await onV1();
    reg.resolve = () => new Response('{"model":"m","channel":"sta', { headers: { "content-type": "application/json" } });
    expect(await pollOnce(s.t.up)).toMatchObject({ result: "error", detail: expect.stringContaining("not JSON") });
    expect(await errors(s.t)).toContain('error_type="bad_answer"} 1');
    await unharmed(s);
    await stopsWithinBound(s);
  });
  test("an oversized answer is cut at 64 KiB", async () => {
    const s = await onV1();
    let pulled = 0;
    reg.resolve = () => {
      const r = hugeBody(256 << 20);
      const reader = r.body!.getReader();
      return new Response(
        new ReadableStream({
          async pull(c) {
            const x = await reader.read();
            if (x.done) return c.close();
            pulled += x.value.byteLength;
            c.enqueue(x.value);
          },
        }),
      );
    };
    expect(await pollOnce(s.t.up)).toMatchObject({ result: "error", detail: expect.stringContaining("larger than the limit of 65536") });
    expect(await errors(s.t)).toContain('error_type="resolve_failed"} 1');
    await Bun.sleep(100);
    expect(pulled).toBeLessThan(32 << 20);
    await unharmed(s);
    await stopsWithinBound(s);
  });
  test("a slow, endless answer ends at the request timeout", async () => {
    const s = await onV1();
    const slow = await testUpdater({ request: () => new Response(null, { status: 500 }) }, "edge-1", {
      dataDir: s.dataDir,
      registry: { url: reg.url, requestTimeoutMs: 500 },
      fetch: (req) => fetch(req),
    });
    reg.resolve = () => endlessBody('{"model":"m"');
    const t0 = performance.now();
    expect((await pollOnce(slow.up)).result).toBe("error");
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(slow.model().version).toBe("1");
    survives(s.victim);
  });
});

/** `env` with one more file listed (sha256 and size consistent): only its path is hostile. */
function withFile(env: BundleEnvelope, path: string, data = new TextEncoder().encode("x")): BundleEnvelope {
  const out = structuredClone(env);
  (out.manifest.files as unknown[]).push({ path, sha256: sha256Hex(data), bytes: data.byteLength });
  out.files[path] = Buffer.from(data).toString("base64");
  return out;
}

describe("hostile bundles: refused, counted, never installed, v1 keeps scoring", () => {
  const paths = ["../../victim/sub/precious.txt", "/tmp/abs", "./manifest.json", "a\u0000b", "dir/", "a//b", "..\\x", Array(2000).fill("d").join("/")];
  for (const path of paths) {
    test(`manifest file path ${JSON.stringify(path.slice(0, 24))}`, async () => {
      const s = await onV1();
      const v2 = withFile(await envelope("2"), path);
      reg.resolve = () => resolutionFor(v2);
      reg.bundle = () => v2;
      const r = await pollOnce(s.t.up);
      expect(r).toMatchObject({ result: "load_failed", version: "2" });
      expect(await errors(s.t)).toContain('component="updater",error_type="bad_bundle"} 1');
      expect(existsSync(join(s.dataDir, "models", "m", "2"))).toBe(false);
      await unharmed(s);
      await stopsWithinBound(s);
    });
  }
  test("a manifest whose version is a traversal (for a well-formed resolve answer)", async () => {
    const s = await onV1();
    const v2 = await envelope("2");
    const evil = structuredClone(v2);
    evil.manifest.version = "../../victim";
    reg.resolve = () => resolutionFor(v2);
    reg.bundle = () => evil;
    expect(await pollOnce(s.t.up)).toMatchObject({ result: "load_failed", detail: expect.stringContaining("manifest version") });
    await unharmed(s);
    await stopsWithinBound(s);
  });
  test("bytes that change between the resolve answer and the download (digest mismatch)", async () => {
    const s = await onV1();
    const v2 = await envelope("2");
    const changed = structuredClone(v2);
    (changed.manifest.threshold as { raw: number }).raw *= 2;
    reg.resolve = () => resolutionFor(v2);
    reg.bundle = () => changed;
    expect(await pollOnce(s.t.up)).toMatchObject({ result: "load_failed", detail: expect.stringContaining("is not the resolved") });
    expect(await errors(s.t)).toContain('error_type="digest_mismatch"} 1');
    expect(existsSync(join(s.dataDir, "models", "m", "2"))).toBe(false);
    await unharmed(s);
    await stopsWithinBound(s);
  });
  test("an oversized bundle (300 MB) is cut at the configured limit: little is read, nothing kept", async () => {
    const s = await onV1();
    const small = await testUpdater({ request: () => new Response(null, { status: 500 }) }, "edge-1", {
      dataDir: s.dataDir,
      registry: { url: reg.url, maxBundleBytes: 1 << 20 },
      fetch: (req) => fetch(req),
    });
    const v2 = await envelope("2");
    let pulled = 0;
    reg.resolve = () => resolutionFor(v2);
    reg.bundle = () => {
      const reader = hugeBody(300 << 20).body!.getReader();
      return new Response(
        new ReadableStream({
          async pull(c) {
            const x = await reader.read();
            if (x.done) return c.close();
            pulled += x.value.byteLength;
            c.enqueue(x.value);
          },
        }),
      );
    };
    const rss0 = process.memoryUsage().rss;
    const r = await pollOnce(small.up);
    expect(r).toMatchObject({ result: "load_failed", detail: expect.stringContaining("larger than the limit") });
    expect(await small.telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('error_type="too_large"} 1');
    await Bun.sleep(200);
    console.log(
      `oversized bundle: ${(pulled / 2 ** 20).toFixed(1)} MiB sent by the server before the cut (limit ${(1 << 20) / 2 ** 20} MiB of files), RSS +${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(pulled).toBeLessThan(64 << 20);
    expect(small.model().version).toBe("1");
    survives(s.victim);
  });
  test("a truncated bundle body is a counted bad answer, retried at the next poll (not a verdict)", async () => {
    const s = await onV1();
    const v2 = await envelope("2");
    reg.resolve = () => resolutionFor(v2);
    reg.bundle = () => new Response(JSON.stringify(v2).slice(0, 300), { headers: { "content-type": "application/json" } });
    expect(await pollOnce(s.t.up)).toMatchObject({ result: "error", detail: expect.stringContaining("not JSON") });
    expect(await errors(s.t)).toContain('component="updater",error_type="bad_answer"} 1');
    expect(s.t.up.u.rejected.has("2")).toBe(false);
    reg.bundle = () => v2;
    expect(await pollOnce(s.t.up)).toMatchObject({ result: "switched", version: "2" });
    survives(s.victim);
  });
  test("stop() in the middle of an endless bundle download returns within the bound; nothing is swapped in", async () => {
    const s = await onV1();
    const v2 = await envelope("2");
    reg.resolve = () => resolutionFor(v2);
    const hits = reg.hits.length;
    reg.bundle = () => endlessBody('{"format":"agent-model-bundle+json","files":{');
    const stop = new AbortController();
    const running = runUpdater(s.t.up, stop.signal);
    await waitFor(() => reg.hits.slice(hits).some((h) => h.endsWith("/bundle")), { timeoutMs: 3000, everyMs: 20 }).catch(() => {}); // stopping is what is checked
    await Bun.sleep(300);
    stop.abort();
    const t0 = performance.now();
    await running;
    expect(performance.now() - t0).toBeLessThan(5_000);
    await Bun.sleep(100);
    expect(s.t.model().version).toBe("1");
    await unharmed(s);
    await stopsWithinBound(s);
  });
  test("a slow, endless bundle body ends at the request timeout and is retried later", async () => {
    const s = await onV1();
    const slow = await testUpdater({ request: () => new Response(null, { status: 500 }) }, "edge-1", {
      dataDir: s.dataDir,
      registry: { url: reg.url, requestTimeoutMs: 500 },
      fetch: (req) => fetch(req),
    });
    const v2 = await envelope("2");
    reg.resolve = () => resolutionFor(v2);
    reg.bundle = () => endlessBody('{"format":"agent-model-bundle+json","files":{');
    const t0 = performance.now();
    expect(await pollOnce(slow.up)).toMatchObject({ result: "error" });
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(slow.up.u.rejected.has("2")).toBe(false);
    expect(slow.model().version).toBe("1");
    survives(s.victim);
  });
});

describe("severe: non-finite models", () => {
  test("a bundle whose scores are NaN fails its warm-up, is rejected, and stays rejected after a restart", async () => {
    const s = await onV1();
    const v2 = await nanEnvelope("2");
    reg.resolve = () => resolutionFor(v2);
    reg.bundle = () => v2;
    const r = await pollOnce(s.t.up);
    expect(r).toMatchObject({ result: "load_failed", version: "2", detail: expect.stringContaining("warm-up") });
    expect(existsSync(join(s.dataDir, "models", "m", "2"))).toBe(false);
    await s.t.up.saved;
    await unharmed(s);
    await stopsWithinBound(s);
    const bundles = reg.hits.filter((h) => h.endsWith("/bundle")).length;
    const again = await testUpdater({ request: () => new Response(null, { status: 500 }) }, "edge-1", {
      dataDir: s.dataDir,
      registry: { url: reg.url },
      fetch: (req) => fetch(req),
    });
    expect(again.model().version).toBe("1");
    expect(await pollOnce(again.up)).toMatchObject({ result: "skipped", version: "2" });
    expect(reg.hits.filter((h) => h.endsWith("/bundle")).length).toBe(bundles);
    expect(updaterStatus(again.up).rejected).toEqual([{ version: "2", reason: expect.stringContaining("warm-up") }]);
  });
});
