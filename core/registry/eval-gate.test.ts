/**
 * Eval-gated promotion over real HTTP: a registry server whose evaluations run `agent eval` (this
 * repository's `agent/main.ts`) in a child process, a labelled synthetic evaluation set, and three
 * versions of one model that score differently on it (raw threshold ×2, ×4, ×1: event-F1 ≈ 0.55,
 * 0.25, 0.62).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Evaluation } from "../../models/registry-protocol/evaluation.ts";
import type { RegistryEvent, VersionDetail } from "../../models/registry-protocol/protocol.ts";
import { startRegistryServer, type RegistryServerOptions, type RunningRegistry } from "./server.ts";
import { scaledEnvelope, syntheticEvalSet } from "./testing/eval-fixtures.ts";

const PUB = "pub_eval-test-publisher";
const AGT = "agt_eval-test-agent";
const AGENT = [process.execPath, join(import.meta.dir, "../../agent/main.ts")];
const running: RunningRegistry[] = [];
afterAll(async () => {
  for (const r of running) await r.stop().catch(() => {});
});

async function registry(over: Partial<RegistryServerOptions> = {}, dataDir?: string) {
  const dir = dataDir ?? join(await mkdtemp(join(tmpdir(), "reg-eval-")), "data");
  const reg = await startRegistryServer({
    dataDir: dir,
    port: 0,
    publisherTokens: [PUB],
    agentTokens: [AGT],
    legacyAgentTokens: true,
    evalCommand: AGENT,
    ...over,
  });
  running.push(reg);
  const call = (method: string, path: string, body?: unknown, token = PUB) =>
    fetch(reg.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  const detail = async (v: string) => (await (await call("GET", `/v1/models/m/versions/${v}`)).json()) as VersionDetail;
  const events = async (type: string) => ((await (await call("GET", `/v1/events?type=${type}`)).json()) as { events: RegistryEvent[] }).events;
  return { reg, dir, call, detail, events };
}

describe("eval-gated promotion (real HTTP, agent eval in a child process)", () => {
  test("worse refused with the numbers, better accepted, override recorded (who, when, why), results stored with the versions and kept across a restart", async () => {
    const r = await registry();
    expect((await r.call("POST", "/v1/models/m/versions", await scaledEnvelope("m", "1", 2))).status).toBe(201);
    expect((await r.call("PUT", "/v1/models/m/channels/stable", { version: "1" })).status).toBe(200);
    const up = await r.call("PUT", "/v1/models/m/eval-set", await syntheticEvalSet());
    expect(up.status).toBe(201);
    const set = (await up.json()) as { digest: string; series: number; points: number; anomalous_points: number; queued: string[] };
    expect(set).toMatchObject({ series: 6, points: 9000, queued: ["1"] });
    expect(set.anomalous_points).toBeGreaterThan(0);
    expect((await r.call("PUT", "/v1/models/m/channels/stable/gate", { metric: "event_f1" })).status).toBe(200);
    for (const [v, scale] of [
      ["2", 4],
      ["3", 1],
    ] as const)
      expect((await r.call("POST", "/v1/models/m/versions", await scaledEnvelope("m", v, scale))).status).toBe(201);
    await r.reg.evalRunner!.whenIdle();
    const evals: Record<string, Evaluation> = {};
    for (const v of ["1", "2", "3"]) {
      const e = (await r.detail(v)).evaluation!;
      expect([v, e.status, e.set_digest]).toEqual([v, "done", set.digest]);
      evals[v] = e;
    }
    const f1 = (v: string) => evals[v].result!.event_f1;
    expect(f1("2")).toBeLessThan(f1("1"));
    expect(f1("3")).toBeGreaterThan(f1("1"));
    console.log(
      `eval durations (agent eval in a child, 6 series × 1500 points): ${["1", "2", "3"].map((v) => `${v}: ${evals[v].duration_ms} ms, peak ${evals[v].peak_rss_mb} MiB`).join("; ")}; ` +
        `event-F1 ${["1", "2", "3"].map((v) => f1(v).toFixed(3)).join(" / ")}`,
    );

    const worse = await r.call("PUT", "/v1/models/m/channels/stable", { version: "2" });
    expect(worse.status).toBe(409);
    const why = (await worse.json()) as { error: string; reason: string };
    expect(why.error).toBe("eval_worse");
    expect(why.reason).toContain(`event_f1 ${f1("2").toFixed(4)}`);
    expect(why.reason).toContain(`stable 1's ${f1("1").toFixed(4)}`);
    console.log(`refused: ${why.reason}`);

    const better = await r.call("PUT", "/v1/models/m/channels/stable", { version: "3" });
    expect(better.status).toBe(200);
    const [set3] = await r.events("channel_set");
    expect(set3.detail).toMatchObject({
      evaluation: { metric: "event_f1", candidate: { version: "3", value: f1("3") }, stable: { version: "1", value: f1("1") } },
    });

    expect((await r.call("PUT", "/v1/models/m/channels/stable", { version: "2", override_reason: "" })).status).toBe(400);
    const forced = await r.call("PUT", "/v1/models/m/channels/stable", {
      version: "2",
      override_reason: "hotfix for the disk-latency false alarms; accepted lower event-F1",
    });
    expect(forced.status).toBe(200);
    const [override] = await r.events("promotion_override");
    expect(override).toMatchObject({
      version: "2",
      channel: "stable",
      actor: "publisher:" + override.actor.split(":")[1],
      detail: { reason: "hotfix for the disk-latency false alarms; accepted lower event-F1", refused: { code: "eval_worse" } },
    });
    expect(override.actor).toStartWith("publisher:");
    expect(Number.isFinite(Date.parse(String(override.detail.at)))).toBe(true);
    expect(override.detail.by).toBe(override.actor);

    await r.reg.stop();
    const again = await registry({}, r.dir);
    expect((await again.detail("3")).evaluation).toMatchObject({ status: "done", set_digest: set.digest, result: { event_f1: f1("3") } });
    expect((await again.events("promotion_override")).length).toBe(1);
  }, 120_000);

  test("a malformed evaluation set is refused at upload with the problem, and nothing is stored", async () => {
    const r = await registry();
    expect((await r.call("POST", "/v1/models/m/versions", await scaledEnvelope("m", "1", 1))).status).toBe(201);
    const good = await syntheticEvalSet();
    const first = Object.keys(good.files).find((p) => p.startsWith("series/"))!;
    const cases: [unknown, number, string][] = [
      ["not json", 400, "not valid JSON"],
      [{ format: "zip", files: good.files }, 400, "format"],
      [{ format: good.format, files: { "../etc/passwd.csv": "x" } }, 400, "../etc/passwd.csv: expected series/<name>.csv"],
      [{ format: good.format, files: { "/abs.csv": "x" } }, 400, "files"],
      [{ format: good.format, files: {} }, 400, "files"],
      [{ format: good.format, files: { "labels.json": "{}" } }, 422, "no series file"],
      [{ ...good, files: { ...good.files, [first]: "time,val\n1,2\n" } }, 422, "bad header"],
      [{ ...good, files: { ...good.files, [first]: `${good.files[first]}2030-01-01T00:00:00Z,abc,0\n` } }, 422, first.slice(7)],
      [{ ...good, files: { ...good.files, [first]: good.files[first].replace(/\n[^\n]+\n$/, "\n1999-01-01T00:00:00Z,1,0\n") } }, 422, first.slice(7)],
      [{ format: good.format, files: { "series/a.csv": "timestamp,value\n2026-01-01T00:00:00Z,1\n" } }, 422, "no labels"],
      [
        { format: good.format, files: { "series/a.csv": "timestamp,value,label\n2026-01-01T00:00:00Z,1,0\n2026-01-01T00:01:00Z,2,0\n" } },
        422,
        "no anomalous point",
      ],
      [{ format: good.format, files: { "series/a.csv": "timestamp,value,label\n2026-01-01T00:00:00Z,1,7\n" } }, 422, "label"],
      [{ ...good, files: { ...good.files, "labels.json": "{not json" } }, 422, "labels.json"],
    ];
    for (const [body, status, problem] of cases) {
      const res = await r.call("PUT", "/v1/models/m/eval-set", body);
      const text = await res.text();
      expect([JSON.stringify(body).slice(0, 80), res.status]).toEqual([JSON.stringify(body).slice(0, 80), status]);
      expect(text).toContain(problem);
      expect(text).not.toContain(tmpdir() + "/registry-evalset");
    }
    expect((await r.call("GET", "/v1/models/m/eval-set")).status).toBe(404);
    const small = await registry({ maxEvalSetBytes: 10_000 });
    expect((await small.call("POST", "/v1/models/m/versions", await scaledEnvelope("m", "1", 1))).status).toBe(201);
    expect((await small.call("PUT", "/v1/models/m/eval-set", good)).status).toBe(413);
    expect((await r.call("PUT", "/v1/models/m/eval-set", good, AGT)).status).toBe(403);
  }, 60_000);

  test("evaluations run beside the server: requests are answered while one runs; time and memory bounds fail it with the reason", async () => {
    const r = await registry();
    expect((await r.call("POST", "/v1/models/m/versions", await scaledEnvelope("m", "1", 1))).status).toBe(201);
    expect((await r.call("PUT", "/v1/models/m/eval-set", await syntheticEvalSet())).status).toBe(201);
    await r.reg.evalRunner!.whenIdle();
    expect((await r.call("POST", "/v1/models/m/versions/1/evaluate")).status).toBe(202);
    const lat: number[] = [];
    let sawRunning = false;
    const started = performance.now();
    while (performance.now() - started < 60_000) {
      const t = performance.now();
      const res = await r.call("GET", "/v1/models/m/channels", undefined, AGT);
      const hz = await fetch(`${r.reg.url}/healthz`);
      lat.push(performance.now() - t);
      expect([res.status, hz.status]).toEqual([200, 200]);
      const e = (await r.detail("1")).evaluation!;
      if (e.status === "running") sawRunning = true;
      if (e.status === "done" || e.status === "failed") break;
    }
    expect(sawRunning).toBe(true);
    lat.sort((a, b) => a - b);
    console.log(`while an evaluation ran: ${lat.length} request pairs, median ${lat[lat.length >> 1].toFixed(1)} ms, max ${lat.at(-1)!.toFixed(1)} ms`);
    expect(lat.at(-1)!).toBeLessThan(1000);

    // a large upload is read in a child process too: the server keeps answering while it is checked
    const big = await syntheticEvalSet(7, 40, 15_000);
    let done = false;
    const upload = r.call("PUT", "/v1/models/m/eval-set", big).finally(() => (done = true));
    const during: number[] = [];
    while (!done) {
      const t = performance.now();
      expect((await fetch(`${r.reg.url}/healthz`)).status).toBe(200);
      during.push(performance.now() - t);
    }
    const up = (await (await upload).json()) as { points: number; bytes: number };
    expect(up.points).toBe(600_000);
    console.log(
      `while a ${(up.bytes / 1e6).toFixed(1)} MB set of ${up.points} points was checked: ${during.length} requests, max ${Math.max(...during).toFixed(0)} ms`,
    );
    expect(Math.max(...during)).toBeLessThan(750); // read in-process, this stalls ~1 s
    await r.reg.evalRunner!.whenIdle();

    const tiny = await registry({ evalMaxRssMb: 5 });
    expect((await tiny.call("POST", "/v1/models/m/versions", await scaledEnvelope("m", "1", 1))).status).toBe(201);
    expect((await tiny.call("PUT", "/v1/models/m/eval-set", await syntheticEvalSet())).status).toBe(201);
    await tiny.reg.evalRunner!.whenIdle();
    expect((await tiny.detail("1")).evaluation).toMatchObject({ status: "failed" });
    expect((await tiny.detail("1")).evaluation!.error).toContain("above the limit of 5 MiB");

    const slow = await registry({ evalTimeoutMs: 30 });
    expect((await slow.call("POST", "/v1/models/m/versions", await scaledEnvelope("m", "1", 1))).status).toBe(201);
    expect((await slow.call("PUT", "/v1/models/m/eval-set", await syntheticEvalSet())).status).toBe(201);
    await slow.reg.evalRunner!.whenIdle();
    expect((await slow.detail("1")).evaluation!.error).toContain("timed out after 30 ms");
    // a failed evaluation keeps a gated channel closed unless overridden
    expect((await slow.call("PUT", "/v1/models/m/channels/stable/gate", {})).status).toBe(200);
    const refused = await slow.call("PUT", "/v1/models/m/channels/stable", { version: "1" });
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([409, "eval_failed"]);
  }, 120_000);

  test("a gate without an evaluation set, or without evaluations (a registry that runs none), refuses (409) with the reason; removing the gate opens the channel", async () => {
    const r = await registry({ evalCommand: undefined });
    expect((await r.call("POST", "/v1/models/m/versions", await scaledEnvelope("m", "1", 1))).status).toBe(201);
    expect((await r.call("PUT", "/v1/models/m/channels/stable/gate", { metric: "pr_auc" })).status).toBe(200);
    const res = await r.call("PUT", "/v1/models/m/channels/stable", { version: "1" });
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([409, "eval_set_missing"]);
    expect((await r.call("PUT", "/v1/models/m/eval-set", await syntheticEvalSet())).status).toBe(201);
    const pending = await r.call("PUT", "/v1/models/m/channels/stable", { version: "1" });
    const body = (await pending.json()) as { error: string; reason: string };
    expect([pending.status, body.error]).toEqual([409, "eval_unavailable"]);
    expect(body.reason).toContain("this registry runs no evaluations");
    expect((await r.call("GET", "/v1/models/m/channels/stable/gate", undefined, AGT)).status).toBe(200);
    expect((await r.call("DELETE", "/v1/models/m/channels/stable/gate")).status).toBe(200);
    expect((await r.call("PUT", "/v1/models/m/channels/stable", { version: "1" })).status).toBe(200);
  }, 60_000);
});
