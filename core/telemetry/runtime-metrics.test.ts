import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { Registry } from "prom-client";
import { EventLoopLagSampler, buildInfo, readProcStatus, registerRuntimeMetrics } from "./runtime-metrics.ts";

/** `name value` of an unlabelled sample in Prometheus text. */
function sample(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  if (!m) throw new Error(`${name} not in:\n${text}`);
  return Number(m[1]);
}

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* block the loop */
  }
}

test("the lag sampler sees a blocked loop: a 300 ms block reads as ≈ 300 ms, an idle loop as a few ms", async () => {
  const s = new EventLoopLagSampler(10, 1000).start();
  const seen: number[] = [];
  s.onSample((x) => seen.push(x));
  await Bun.sleep(200);
  const idle = s.max();
  busy(300);
  await Bun.sleep(50);
  s.stop();
  expect(s.samples).toBeGreaterThan(5);
  expect(idle).toBeLessThan(0.15); // loaded 2-core machine: generous
  expect(s.max()).toBeGreaterThan(0.25);
  expect(s.max()).toBeLessThan(0.6);
  expect(Math.max(...seen)).toBe(s.max());
});

test("the rolling maximum forgets samples older than its window", async () => {
  const s = new EventLoopLagSampler(5, 3).start();
  await Bun.sleep(20);
  busy(200);
  await Bun.sleep(10);
  expect(s.max()).toBeGreaterThan(0.15);
  await Bun.sleep(100); // many more idle samples than the window holds
  s.stop();
  expect(s.max()).toBeLessThan(0.15);
});

test("process metrics agree with the kernel and the runtime; CPU counts up; build_info names the build", async () => {
  const r = new Registry();
  const sampler = new EventLoopLagSampler(10).start();
  registerRuntimeMetrics(r, "t_", sampler);
  const before = await r.metrics();
  const c0 = process.cpuUsage();
  busy(100);
  const used = process.cpuUsage(c0);
  await Bun.sleep(50);
  const after = await r.metrics();
  sampler.stop();

  const vmRss = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;
  expect(Math.abs(sample(after, "t_process_resident_memory_bytes") - vmRss) / vmRss).toBeLessThan(0.2);
  const delta = sample(after, "t_process_cpu_seconds_total") - sample(before, "t_process_cpu_seconds_total");
  expect(delta).toBeGreaterThanOrEqual((used.user + used.system) / 1e6); // the busy loop's CPU (less on a loaded machine than its 100 ms)
  expect(delta).toBeGreaterThan(0.01);
  expect(sample(after, "t_process_cpu_seconds_total")).toBeCloseTo(
    sample(after, "t_process_cpu_user_seconds_total") + sample(after, "t_process_cpu_system_seconds_total"),
    2,
  ); // three reads, microseconds apart
  const heap = sample(after, "t_heap_used_bytes");
  expect(heap).toBeGreaterThan(100_000);
  expect(heap).toBeLessThan(2 ** 31); // not a 6 GB address-space reservation
  expect(heap).toBeLessThan(sample(after, "t_process_resident_memory_bytes"));
  const jscHeap = (await import("bun:jsc")).heapSize();
  expect(Math.abs(heap - jscHeap) / jscHeap).toBeLessThan(0.5); // JavaScriptCore's own count of the heap in use
  // the kernel's count read a moment later (other tests' files and sockets in this process may
  // open or close in between: a few either way, never a different order of magnitude)
  expect(Math.abs(sample(after, "t_process_open_fds") - readProcStatus().openFds!)).toBeLessThanOrEqual(8);
  expect(sample(after, "t_process_open_fds")).toBeGreaterThan(2);
  const start = sample(after, "t_process_start_time_seconds");
  expect(Math.abs(start - (Date.now() / 1000 - process.uptime()))).toBeLessThan(2);
  expect(sample(after, "t_eventloop_lag_seconds_count")).toBeGreaterThan(3);
  expect(sample(after, "t_eventloop_lag_max_seconds")).toBeGreaterThan(0.05); // the 100 ms block
  const b = buildInfo();
  expect(b.bun).toBe(Bun.version);
  expect(b.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(after).toContain(
    `t_build_info{version="${b.version}",bun="${Bun.version}",bun_revision="${Bun.revision}",platform="${process.platform}",arch="${process.arch}"} 1`,
  );
  expect(after).not.toMatch(/nodejs_|NaN|Nan/);
});

test("readProcStatus reads a procfs tree it is given, and leaves out what it cannot read", () => {
  const none = readProcStatus("/nonexistent");
  expect(Object.values(none).filter((v) => v !== undefined)).toEqual([]);
  const self = readProcStatus();
  expect(self.maxFds).toBeGreaterThan(0);
  expect(self.virtualBytes!).toBeGreaterThan(self.residentBytes!);
});
