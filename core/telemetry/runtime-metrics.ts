import { readdirSync, readFileSync } from "node:fs";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import pkg from "../../package.json" with { type: "json" };

/**
 * Process and runtime metrics that are true under Bun, in place of prom-client's
 * `collectDefaultMetrics()`: under Bun its event-loop lag reads `monitorEventLoopDelay()`, which
 * never samples (min 9.2e9 s, mean NaN), `process_heap_bytes` is VmData (6+ GB of address space
 * JavaScriptCore reserves, not a heap), the `nodejs_active_*_total` gauges are always 0 and break
 * `promtool check metrics` (a gauge named `_total`), and `nodejs_version_info` reports the Node
 * version Bun imitates. Each metric here is read from the kernel (`/proc/self`) or from the
 * runtime's own counters, and the lag is measured by a timer of our own.
 */

/** Period of the event-loop lag sampler, ms (one unref'd timer per process; ~0 CPU). */
export const EVENT_LOOP_SAMPLE_MS = 1000;

/** Window over which `*_eventloop_lag_max_seconds` keeps its maximum, in samples. */
export const EVENT_LOOP_MAX_WINDOW = 60;

/** Buckets of the event-loop lag histogram, seconds. */
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Measures event-loop lag: a timer asks to run every `periodMs`; how late it runs is the time the
 * loop was busy past its deadline. Every sample feeds `onSample` and a rolling maximum. The timer
 * is unref'd (it never keeps a process alive).
 */
export class EventLoopLagSampler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly window: number[] = [];
  private readonly listeners = new Set<(lagS: number) => void>();
  /** Samples taken since start. */
  samples = 0;

  constructor(
    /** Sampling period, ms. */
    readonly periodMs = EVENT_LOOP_SAMPLE_MS,
    private readonly windowSize = EVENT_LOOP_MAX_WINDOW,
  ) {}

  /** Starts sampling (idempotent). */
  start(): this {
    if (!this.timer) this.schedule();
    return this;
  }

  /** Stops sampling. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Calls `f(lagSeconds)` on every sample; returns a function that removes it. */
  onSample(f: (lagS: number) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Largest lag over the last `windowSize` samples, seconds (0 before the first). */
  max(): number {
    return this.window.reduce((m, x) => (x > m ? x : m), 0);
  }

  private schedule(): void {
    const due = performance.now() + this.periodMs;
    this.timer = setTimeout(() => {
      const lag = Math.max(0, performance.now() - due) / 1000;
      this.samples++;
      this.window.push(lag);
      if (this.window.length > this.windowSize) this.window.shift();
      for (const f of this.listeners) f(lag);
      this.schedule();
    }, this.periodMs);
    this.timer.unref?.();
  }
}

let shared: EventLoopLagSampler | undefined;

/** The process-wide sampler (started on first use; one timer whatever the number of registries). */
export function sharedLagSampler(): EventLoopLagSampler {
  shared ??= new EventLoopLagSampler().start();
  return shared;
}

/** Kernel view of this process: resident bytes, virtual bytes, open and max fds (Linux `/proc/self`). */
export interface ProcStatus {
  residentBytes?: number;
  virtualBytes?: number;
  openFds?: number;
  maxFds?: number;
}

/** Reads {@link ProcStatus} from `procSelf` (default `/proc/self`); fields it cannot read stay undefined. */
export function readProcStatus(procSelf = "/proc/self"): ProcStatus {
  const out: ProcStatus = {};
  try {
    const status = readFileSync(`${procSelf}/status`, "utf8");
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    out.residentBytes = kb("VmRSS");
    out.virtualBytes = kb("VmSize");
  } catch {
    /* not Linux, or no procfs */
  }
  try {
    out.openFds = readdirSync(`${procSelf}/fd`).length;
  } catch {
    /* no procfs */
  }
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`${procSelf}/limits`, "utf8"));
    if (m && m[1] !== "unlimited") out.maxFds = Number(m[1]);
  } catch {
    /* no procfs */
  }
  return out;
}

/** Labels of `<prefix>build_info`. */
export interface BuildInfo {
  version: string;
  bun: string;
  bun_revision: string;
  platform: string;
  arch: string;
}

/** This build: the agent's version (package.json, embedded in the binary) and the Bun runtime under it. */
export function buildInfo(): BuildInfo {
  const bun = (globalThis as { Bun?: { version: string; revision: string } }).Bun;
  return { version: pkg.version, bun: bun?.version ?? "", bun_revision: bun?.revision ?? "", platform: process.platform, arch: process.arch };
}

/** Process start, Unix seconds (fixed for the process's life). */
const START_TIME_S = Date.now() / 1000 - process.uptime();

/**
 * Registers in `registry`, with `prefix`: `process_cpu_{user,system}_seconds_total`,
 * `process_cpu_seconds_total`, `process_resident_memory_bytes`, `process_virtual_memory_bytes`,
 * `process_open_fds`, `process_max_fds`, `process_start_time_seconds`, `heap_used_bytes` (the
 * JavaScript heap in use: JavaScriptCore's under Bun), `eventloop_lag_seconds`
 * (histogram of the sampler's lags) and `eventloop_lag_max_seconds` (largest over the last
 * minute), and `build_info{version,bun,bun_revision,platform,arch} 1`. All are read at scrape time.
 */
export function registerRuntimeMetrics(registry: Registry, prefix: string, sampler: EventLoopLagSampler = sharedLagSampler()): void {
  const registers = [registry];
  const cpu = (name: string, help: string, pick: (u: NodeJS.CpuUsage) => number) =>
    new Counter({
      name: `${prefix}${name}`,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(pick(process.cpuUsage()) / 1e6);
      },
    });
  cpu("process_cpu_user_seconds_total", "User CPU time spent by the process, seconds", (u) => u.user);
  cpu("process_cpu_system_seconds_total", "System CPU time spent by the process, seconds", (u) => u.system);
  cpu("process_cpu_seconds_total", "User and system CPU time spent by the process, seconds", (u) => u.user + u.system);

  // One read of /proc/self per scrape for the four gauges (they are collected one after another).
  let snap: { at: number; status: ProcStatus } | undefined;
  const status = () => {
    const now = performance.now();
    if (!snap || now - snap.at > 250) snap = { at: now, status: readProcStatus() };
    return snap.status;
  };
  const proc = (name: string, help: string, pick: (s: ProcStatus) => number | undefined) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers,
      collect() {
        const v = pick(status());
        if (v === undefined) this.reset();
        else this.set(v);
      },
    });
  proc("process_resident_memory_bytes", "Resident memory of the process (VmRSS), bytes", (s) => s.residentBytes ?? process.memoryUsage.rss());
  proc("process_virtual_memory_bytes", "Virtual address space of the process (VmSize, mostly reservations), bytes", (s) => s.virtualBytes);
  proc("process_open_fds", "Open file descriptors", (s) => s.openFds);
  proc("process_max_fds", "Limit of open file descriptors (RLIMIT_NOFILE)", (s) => s.maxFds);
  new Gauge({ name: `${prefix}process_start_time_seconds`, help: "Start time of the process since the Unix epoch, seconds", registers }).set(
    Math.round(START_TIME_S),
  );

  const heap = (name: string, help: string, pick: (m: NodeJS.MemoryUsage) => number) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers,
      collect() {
        this.set(pick(process.memoryUsage()));
      },
    });
  // Only the heap in use: under Bun, `heapTotal` is not an upper bound of `heapUsed` (measured below it
  // in 5 % of reads of a growing heap), and JavaScriptCore's capacity (`heapStats()`) costs ~10 ms a read.
  heap("heap_used_bytes", "JavaScript heap in use (JavaScriptCore under Bun), bytes", (m) => m.heapUsed);

  const lag = new Histogram({
    name: `${prefix}eventloop_lag_seconds`,
    help: `Event-loop lag: how late a timer due every ${sampler.periodMs} ms ran, seconds`,
    buckets: LAG_BUCKETS,
    registers,
  });
  // Held weakly: a registry that is dropped takes its histogram with it, and the listener goes too.
  const ref = new WeakRef(lag);
  const off = sampler.onSample((s) => {
    const h = ref.deref();
    if (h) h.observe(s);
    else off();
  });
  new Gauge({
    name: `${prefix}eventloop_lag_max_seconds`,
    help: "Largest event-loop lag over the last minute of samples, seconds",
    registers,
    collect() {
      this.set(sampler.max());
    },
  });

  const info = buildInfo();
  new Gauge({ name: `${prefix}build_info`, help: "The agent's build: version, Bun runtime, platform (value 1)", labelNames: Object.keys(info), registers }).set(
    { ...info },
    1,
  );
}
