/**
 * The `/fleet` page in a real browser: Debian's headless Chromium driven by playwright-core
 * against the registry app served on a free port. Heartbeats of a few fake agents (two model
 * versions, one stale) → the page's tables, the version distribution and the anomaly-rate
 * sections render; a new heartbeat appears without a reload; a screenshot is kept at
 * `var/test-artifacts/fleet.png`. Skipped when `/usr/bin/chromium` is missing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { Heartbeat } from "../../models/registry-protocol/heartbeat.ts";
import { AGT, PUB, testRegistry, trainedEnvelope } from "./testing/fixtures.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const ARTIFACT = join(import.meta.dir, "../../var/test-artifacts/fleet.png");

let offsetMs = 0;
const reg = testRegistry({ now: () => Date.now() + offsetMs });
let server: ReturnType<typeof Bun.serve> | undefined;
let ctx: BrowserContext | undefined;
let page: Page;
let dir = "";
const consoleErrors: string[] = [];

const hb = (agent: string, host: string, version: string, anomalyRate: number, over: Partial<Heartbeat> = {}): Heartbeat => ({
  agent_id: agent,
  host,
  agent_version: "0.1.0",
  model: { name: "host-ae", version },
  channel: "stable",
  uptime_s: 3600,
  points_per_s: 50,
  anomaly_rate: anomalyRate,
  buffer_depth: 0,
  sinks: [
    { id: "kafka", state: "ok" },
    { id: "es", state: "ok" },
  ],
  last_error: null,
  interval_s: 10,
  scoring_latency_ms_p99: 1.5,
  load_failures: 0,
  scoring_failures: 0,
  ...over,
});
const beat = async (h: Heartbeat) => expect((await reg.req("POST", "/v1/heartbeat", { body: h, token: AGT })).status).toBe(200);

const available = existsSync(CHROMIUM);
/** The bits of the browser's global object the tests touch (no DOM lib in this tsconfig). */
type Win = { marker?: number; document: { querySelector(s: string): { textContent: string | null } | null } };

beforeAll(async () => {
  if (!available) return;
  for (const v of ["1", "2"])
    expect((await reg.req("POST", "/v1/models/host-ae/versions", { body: await trainedEnvelope("robust-zscore", "host-ae", v) })).status).toBe(201);
  await reg.req("PUT", "/v1/models/host-ae/channels/stable", { body: { version: "1" } });
  await reg.req("PUT", "/v1/models/host-ae/channels/canary", { body: { version: "2", rollout: 25 } });
  offsetMs = -60_000; // its last heartbeat is a minute old: 6 intervals of 10 s → stale
  await beat(hb("edge-stale", "rack2-node1", "1", 0.004, { last_error: "sink es: 503 Service Unavailable", sinks: [{ id: "es", state: "retrying" }] }));
  offsetMs = 0;
  await beat(hb("edge-01", "rack1-node1", "1", 0.002));
  await beat(hb("edge-02", "rack1-node2", "1", 0.006, { buffer_depth: 1200 }));
  await beat(hb("edge-03", "rack1-node3", "2", 0.021, { channel: "stable", scoring_latency_ms_p99: 4.2 }));
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: reg.app.fetch });
  dir = await mkdtemp(join(tmpdir(), "fleet-page-"));
  const { chromium } = await import("playwright-core");
  ctx = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    httpCredentials: { username: "ops", password: PUB },
    viewport: { width: 1400, height: 900 },
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("console", (m) => void (m.type() === "error" && consoleErrors.push(m.text())));
  page.on("pageerror", (e) => void consoleErrors.push(e.message));
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  await server?.stop(true);
  if (dir) await rm(join(dir, "profile"), { recursive: true, force: true }); // fleet.png stays
});

const rows = (section: string) =>
  page.$$eval(`xpath=//h2[normalize-space()="${section}"]/following-sibling::table[1]//tr[td]`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())),
  );

describe.skipIf(!available)("/fleet in headless Chromium", () => {
  test("without credentials the page asks for Basic auth", async () => {
    const res = await fetch(`${server!.url}fleet`);
    expect([res.status, res.headers.get("www-authenticate")]).toEqual([401, 'Basic realm="agent-registry"']);
  });

  test("the agents table, the model-version distribution, the canary and the anomaly rate per host render", async () => {
    const res = await page.goto(`${server!.url}fleet`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe("Fleet — agent registry");
    expect(await page.textContent(".counts")).toContain("4 agents: 3 ok · 1 stale · 0 offline");
    const agents = await rows("Agents");
    expect(agents.map((r) => [r[0], r[1], r[3]])).toEqual([
      ["edge-01", "ok", "host-ae@1"],
      ["edge-02", "ok", "host-ae@1"],
      ["edge-03", "ok", "host-ae@2"],
      ["edge-stale", "stale", "host-ae@1"],
    ]);
    expect(agents[3][10]).toBe("sink es: 503 Service Unavailable");
    const versions = await rows("Model versions");
    expect(versions.map((r) => [r[0], r[1], r[2]])).toEqual([
      ["host-ae@1", "3 (75%)", "0.40%"],
      ["host-ae@2", "1 (25%)", "2.10%"],
    ]);
    const bars = await page.$$eval('xpath=//h2[normalize-space()="Model versions"]/following-sibling::table[1]//span[@class="bar"]/i', (is) =>
      is.map((i) => (i as unknown as { style: { width: string } }).style.width),
    );
    expect(bars).toEqual(["75%", "19%", "25%", "100%"]);
    const hosts = await rows("Anomaly rate per host");
    expect(hosts.map((r) => r[0]).sort()).toEqual(["rack1-node1", "rack1-node2", "rack1-node3", "rack2-node1"]);
    expect(hosts.find((r) => r[0] === "rack1-node3")?.[2]).toBe("2.10%");
    const canary = await rows("Canary vs stable");
    expect(canary[0].slice(0, 4)).toEqual(["host-ae", "1", "2", "25%"]);
  });

  test("refreshes live: a new agent's heartbeat appears without a reload", async () => {
    await page.evaluate(() => void ((globalThis as unknown as Win).marker = 42));
    const t0 = performance.now();
    await beat(hb("edge-04", "rack3-node1", "2", 0.013));
    await page.waitForFunction(() => (globalThis as unknown as Win).document.querySelector("#root")?.textContent?.includes("edge-04"), undefined, {
      timeout: 12_000,
    });
    const waited = performance.now() - t0;
    expect(await page.evaluate(() => (globalThis as unknown as Win).marker)).toBe(42);
    expect(await page.textContent(".counts")).toContain("5 agents: 4 ok · 1 stale");
    expect(await page.textContent("#state")).toBe("");
    expect(consoleErrors).toEqual([]);
    console.log(`fleet page: new heartbeat shown after ${Math.round(waited)} ms (page refresh interval 5 s)`);
  }, 20_000);

  test("screenshot of the whole page", async () => {
    const shot = join(dir, "fleet.png");
    await page.screenshot({ path: shot, fullPage: true });
    await mkdir(join(ARTIFACT, ".."), { recursive: true });
    await copyFile(shot, ARTIFACT);
    expect((await Bun.file(ARTIFACT).arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    console.log(`fleet page screenshot: ${shot} (kept at ${ARTIFACT})`);
  });
});
