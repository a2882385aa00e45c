/**
 * The Alertmanager sink against a real, private Alertmanager (testing/alertmanager.ts): events
 * go through the sink driver and the disk buffer; what Alertmanager holds is read back through
 * its API (`/api/v2/alerts`, `/api/v2/alerts/groups`) and the notifications it sends to its
 * webhook receiver. Without the binary these tests are skipped, except under CI=true.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { DiskBuffer } from "../../buffer/disk/disk.ts";
import type { OutRecord } from "../../events.ts";
import { Telemetry } from "../../telemetry/metrics.ts";
import { VirtualClock } from "../../testing/virtual-clock.ts";
import { waitFor } from "../../testing/wait-for.ts";
import { SinkDriver } from "../driver.ts";
import { makePoint } from "../testing/records.ts";
import { type AlertmanagerSinkOptions, createAlertmanagerSink } from "./sink.ts";
import { ALERTMANAGER_BIN, type PrivateAlertmanager, startAlertmanager } from "./testing/alertmanager.ts";
import { event } from "./testing/events.ts";
import { recordingProxy } from "./testing/proxy.ts";

if (!ALERTMANAGER_BIN && process.env.CI) throw new Error("alertmanager is missing under CI: .ci/run installs Debian's prometheus-alertmanager");
if (!ALERTMANAGER_BIN) console.log("[alertmanager] SKIPPED: alertmanager not installed (apt-get install prometheus-alertmanager); CI installs it");
const it = ALERTMANAGER_BIN ? test : test.skip;

const log = pino({ level: "silent" });
const dirs: string[] = [];
let am: PrivateAlertmanager;
let locked: PrivateAlertmanager;

beforeAll(async () => {
  if (!ALERTMANAGER_BIN) return;
  [am, locked] = await Promise.all([startAlertmanager(), startAlertmanager({ basicAuth: { username: "agent", password: "right" } })]);
});
afterAll(async () => {
  await Promise.all([am?.stop(), locked?.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The sink behind a driver on a fresh disk buffer. */
async function drive(o: Partial<AlertmanagerSinkOptions> & { url: string }) {
  const dir = mkdtempSync(join(tmpdir(), "am-sink-"));
  dirs.push(dir);
  const buffer = await DiskBuffer.open({ dir: join(dir, "buffer") });
  const sink = createAlertmanagerSink({ id: "am", rateLimit: { maxRequests: 100, perMs: 1000 }, log, ...o });
  await buffer.attach([sink.id]);
  const telemetry = new Telemetry({ defaultMetrics: false });
  const driver = new SinkDriver(sink, buffer, { maxWaitMs: 50, backoff: { initialMs: 20, maxMs: 200 }, probeEveryMs: 50 }, telemetry, log);
  await driver.start();
  return {
    sink,
    driver,
    telemetry,
    push: (records: OutRecord[]) => buffer.append(records),
    close: async () => {
      const left = await driver.stop(2000);
      await buffer.close();
      return left;
    },
  };
}

const active = async (filter: string) =>
  (await am.api(`/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=${encodeURIComponent(filter)}`)) as any[];

describe("alertmanager sink, real Alertmanager", () => {
  it("N events → N alerts with their labels, grouped by host, resolved on close", async () => {
    const run = `r${Date.now().toString(36)}`;
    const hosts = ["edge-a", "edge-b"];
    const series = ["s0", "s1", "s2", "s3", "s4", "s5"];
    const t0 = Date.now();
    const opens = hosts.flatMap((h, i) => series.map((s, j) => event(h, s, i * 100 + j, "open", t0, j === 0 ? { host: "inner", "disk.dev": "sda" } : {})));
    const d = await drive({ url: am.url, severity: "critical", labels: { run } });
    await d.push([makePoint("edge-a", 50), ...opens, makePoint("edge-b", 51)]);

    const alerts = await waitFor(async () => ((await active(`run="${run}"`)).length === 12 ? active(`run="${run}"`) : undefined), {
      timeoutMs: 20_000,
      what: "12 alerts active in Alertmanager",
    });
    const a0 = alerts.find((a) => a.labels.host === "edge-a" && a.labels.series === "s0");
    expect(a0.labels).toEqual({
      alertname: "AgentAnomaly",
      severity: "critical",
      agent: "edge-a",
      host: "edge-a",
      metric: "cpu.busy",
      run,
      series: "s0",
      exported_host: "inner",
      disk_dev: "sda",
    });
    expect(a0.annotations).toMatchObject({ score: "0.97", threshold: "0.8", model: "online:default@3", points: "4", event_id: "edge-a:0" });
    expect(a0.status.state).toBe("active");
    expect(Date.parse(a0.startsAt)).toBe(t0);

    // The groups as Alertmanager's dispatcher holds them (it ingests alerts asynchronously: wait for them).
    const groupsNow = async () =>
      ((await am.api(`/api/v2/alerts/groups?filter=${encodeURIComponent(`run="${run}"`)}`)) as any[]).filter((g) => g.alerts.length);
    const groups = await waitFor(async () => ((await groupsNow()).every((g) => g.alerts.length === 6) ? groupsNow() : undefined), {
      timeoutMs: 20_000,
      what: "groups of 6",
    });
    expect(groups.map((g) => [g.labels, g.alerts.length])).toEqual(
      expect.arrayContaining([
        [{ alertname: "AgentAnomaly", host: "edge-a" }, 6],
        [{ alertname: "AgentAnomaly", host: "edge-b" }, 6],
      ]),
    );
    expect(groups).toHaveLength(2);
    // Notifications: per host, one carrying its 6 alerts; a few in all, not one per event. (The
    // events start now: Alertmanager flushes a new group at once when its first alert started
    // more than group_wait ago, which would split the group; see the README.)
    const mine = () => am.notifications.filter((n) => n.alerts.some((a) => a.labels.run === run));
    const whole = (status: string, host: string) =>
      mine().some((n) => n.groupLabels.host === host && n.alerts.filter((a) => a.status === status && a.labels.run === run).length === 6);
    await waitFor(() => hosts.every((h) => whole("firing", h)), { timeoutMs: 20_000, what: "a firing notification with 6 alerts per host" });
    const firing = mine().filter((n) => n.status === "firing");
    expect(firing.length).toBeLessThanOrEqual(4);

    const t1 = Date.now();
    await d.push(
      hosts.flatMap((h, i) => series.map((s, j) => event(h, s, 1000 + i * 100 + j, "close", t1, j === 0 ? { host: "inner", "disk.dev": "sda" } : {}))),
    );
    await waitFor(async () => (await active(`run="${run}"`)).length === 0, { timeoutMs: 20_000, what: "every alert resolved" });
    await waitFor(() => hosts.every((h) => whole("resolved", h)), { timeoutMs: 20_000, what: "a notification with 6 resolved alerts per host" });
    const resolvedNotes = mine().filter((n) => n.status === "resolved");
    const resolved = resolvedNotes.flatMap((n) => n.alerts);
    expect(resolved).toHaveLength(12);
    expect(resolved.every((a) => a.status === "resolved" && Date.parse(a.endsAt) <= Date.now())).toBe(true);
    expect(new Set(resolved.map((a) => Date.parse(a.endsAt)))).toEqual(new Set([t1]));
    expect(d.sink.openAlerts).toBe(0);
    expect(await d.close()).toBe(0);
    expect(d.driver.status()).toMatchObject({ delivered: 26, dead: 0 });
    console.log(
      `[alertmanager] events sent: ${opens.length} open + 12 close; alerts seen active: ${alerts.length}; groups: ${groups.length} (${groups.map((g) => g.alerts.length).join("+")}); firing notifications: ${firing.length} (${firing.map((n) => n.alerts.length).join()} alerts); resolved notifications: ${resolvedNotes.length} (${resolved.length} alerts, endsAt in the past); active after close: 0`,
    );
  }, 60_000);

  it("while Alertmanager is unreachable the open set is kept; re-sends refresh endsAt; failures are counted", async () => {
    const run = `u${Date.now().toString(36)}`;
    const proxy = recordingProxy(am.url);
    proxy.down = true;
    const d = await drive({ url: proxy.url, labels: { run }, resendIntervalMs: 60_000 });
    const t0 = Date.now();
    await d.push([event("edge-c", "a", 1, "open", t0), event("edge-c", "b", 2, "open", t0), event("edge-c", "a", 3, "close", t0 + 1)]);
    await waitFor(() => d.driver.status().retries >= 6, { timeoutMs: 10_000, what: "two failed sends" });
    expect(d.sink.openAlerts).toBe(1);
    await d.sink.resendNow();
    expect(d.sink.resends).toEqual({ sent: 1, failed: 1 });
    proxy.down = false;
    const [b] = await waitFor(async () => ((await active(`run="${run}"`)).length === 1 ? active(`run="${run}"`) : undefined), {
      timeoutMs: 20_000,
      what: "b active, a resolved",
    });
    expect(b.labels.series).toBe("b");
    const before = Date.parse(b.endsAt);
    expect(before - Date.now()).toBeGreaterThan(3 * 60_000); // valid 4 × resend_interval
    await waitFor(() => Date.now() > before - 4 * 60_000 + 5, { timeoutMs: 1000 });
    await d.sink.resendNow();
    expect(d.sink.resends).toEqual({ sent: 2, failed: 1 });
    const [again] = await active(`run="${run}"`);
    expect(Date.parse(again.endsAt)).toBeGreaterThan(before);
    // The failed re-send is counted with the next batch the driver hands over.
    await d.push([event("edge-c", "b", 4, "close", Date.now())]);
    await waitFor(async () => (await active(`run="${run}"`)).length === 0, { timeoutMs: 20_000, what: "b resolved" });
    // the driver records the batch's errors after send() returns, which can be after Alertmanager shows the close
    const errors = () => d.telemetry.registry.getSingleMetricAsString("agent_component_errors_total");
    await waitFor(async () => (await errors()).includes('error_type="resend_http_503"}'), { timeoutMs: 5000, what: "the failed re-send counted" });
    expect(await errors()).toContain('error_type="resend_http_503"} 1');
    expect(await d.close()).toBe(0);
    proxy.stop();
  }, 60_000);

  it("the re-send timer runs on the sink's clock; past max_open_alerts an alert is posted, not re-sent, and counted", async () => {
    const run = `t${Date.now().toString(36)}`;
    const clock = new VirtualClock(Date.now());
    const d = await drive({ url: am.url, labels: { run }, resendIntervalMs: 30_000, maxOpenAlerts: 2, clock });
    await d.push(["a", "b", "c"].map((s, i) => event("edge-e", s, i, "open", clock.now())));
    await waitFor(async () => (await active(`run="${run}"`)).length === 3, { timeoutMs: 20_000, what: "3 alerts active" });
    expect(d.sink.openAlerts).toBe(2);
    expect(await d.telemetry.registry.getSingleMetricAsString("agent_component_errors_total")).toContain('error_type="open_alerts_untracked"} 1');
    const ends = async () => Object.fromEntries((await active(`run="${run}"`)).map((a) => [a.labels.series, Date.parse(a.endsAt)]));
    const before = await ends();
    expect(d.sink.resends.sent).toBe(0);
    await clock.advance(30_000);
    await waitFor(() => d.sink.resends.sent === 1, { timeoutMs: 10_000, what: "the timer's re-send" });
    const after = await waitFor(async () => ((await ends()).a > before.a ? ends() : undefined), { timeoutMs: 10_000, what: "endsAt moved" });
    expect(after.a - before.a).toBe(30_000);
    expect(after.b - before.b).toBe(30_000);
    expect(after.c).toBe(before.c); // untracked: not re-sent
    expect(await d.close()).toBe(0);
  }, 60_000);

  it("refused credentials, a wrong URL: halted with the reason, every event kept; right credentials from a file: delivered", async () => {
    const run = `h${Date.now().toString(36)}`;
    const events = [event("edge-d", "x", 1, "open", Date.now())];
    const dir = mkdtempSync(join(tmpdir(), "am-secret-"));
    dirs.push(dir);
    writeFileSync(join(dir, "wrong"), "wrong\n");
    writeFileSync(join(dir, "right"), "right\n");
    const cases = [
      { url: locked.url, why: "HTTP 401", auth: { basic: { username: "agent", password: { file: join(dir, "wrong") } } } },
      { url: `${am.url}/not-here`, why: "HTTP 404" },
      { url: locked.url, why: "missing", auth: { bearerToken: { env: "AM_TEST_TOKEN_UNSET" } } },
    ];
    for (const c of cases) {
      const d = await drive({ url: c.url, labels: { run }, ...(c.auth ? { auth: c.auth } : {}) });
      await d.push(events);
      await waitFor(() => d.driver.status().state === "halted", { timeoutMs: 10_000, what: `halted (${c.why})` });
      expect(d.driver.status().halted_reason).toContain(c.why === "missing" ? "AM_TEST_TOKEN_UNSET is unset" : c.why);
      expect(await d.close()).toBe(1);
    }
    const ok = await drive({ url: locked.url, labels: { run }, auth: { basic: { username: "agent", password: { file: join(dir, "right") } } } });
    await ok.push(events);
    await waitFor(async () => ok.driver.status().delivered === 1, { timeoutMs: 10_000, what: "delivered with the right password" });
    const r = await fetch(`${locked.url}/api/v2/alerts?filter=${encodeURIComponent(`run="${run}"`)}`, {
      headers: { authorization: `Basic ${btoa("agent:right")}` },
    });
    expect(((await r.json()) as any[]).map((a) => a.labels.series)).toEqual(["x"]);
    expect(await ok.close()).toBe(0);
  }, 60_000);
});
