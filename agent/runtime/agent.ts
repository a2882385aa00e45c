import { hostname } from "node:os";
import type { Logger } from "pino";
import type { AgentConfig, SinkConfig } from "../config/types.ts";
import type { RuntimeView } from "../server/app.ts";
import type { OutRecord } from "../../core/events.ts";
import type { Source } from "../../core/sources/source.ts";
import { SinkDriver } from "../../core/sinks/driver.ts";
import type { RecordBuffer } from "../../core/buffer/index.ts";
import { Scorer } from "../../core/runtime/scorer.ts";
import { every } from "../../core/runtime/every.ts";
import { governHeap } from "../../core/runtime/heap-governor.ts";
import { RateLimitedLog } from "../../core/telemetry/log.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { loadModel } from "../../models/load.ts";
import type { ScoringModel } from "../../models/model.ts";
import { AGENT_VERSION } from "../version.ts";
import { readinessReasons, StartError, type SinkSlot } from "./slots.ts";
import { modelRef } from "../config/runtime.ts";
import { buildSink, buildSource } from "./components.ts";
import { pushMetrics } from "./pushgateway.ts";
import { attachSinks, bufferStatus, countRejected, refreshBufferGauges } from "./buffer.ts";
import { diskReasons, diskStatus, openDataDir } from "./data-dir.ts";
import type { SeqGate } from "./seq-gate.ts";
import { ModelUpdater, modelSourceStatus, runUpdater, UpdaterConfigError, updaterStatus, type UpdaterHost } from "../updater/index.ts";

export { StartError } from "./slots.ts";

/**
 * The edge runtime: sources on their intervals → one batched scoring call per round → records
 * (data contract, `agent.seq`) appended to the record buffer (disk or memory) → one driver per
 * sink reading it through its own cursor. Owns the model, the sequence, the buffer, the
 * telemetry and the readiness state that the local HTTP API shows.
 */
export class AgentRuntime implements RuntimeView {
  readonly telemetry = new Telemetry();
  private scorer: Scorer | undefined;
  private seq: SeqGate | undefined;
  private lock: { release(): void } | undefined;
  private buffer: RecordBuffer | undefined;
  private slots: SinkSlot[] = [];
  private sources: Source[] = [];
  private loops: Promise<void>[] = [];
  private abort = new AbortController();
  private readonly rl: RateLimitedLog;
  private readonly startedAt = Date.now();
  private pointsSeen = 0;
  /** Records of rounds still waiting for buffer space when the stop came: never accepted, their seqs given back. */
  private heldAtStop = 0;
  /** Records of rounds held back when a reload came: appended again right after it. */
  private carried: OutRecord[][] = [];
  private stopping = false;
  private anomaliesSeen = 0;
  private updater: ModelUpdater | undefined;

  constructor(
    private config: AgentConfig,
    private readonly log: Logger,
  ) {
    this.rl = new RateLimitedLog(log, 10_000);
  }

  /** Starts everything; throws {@link StartError} when the data dir, the buffer or the model is unusable. */
  async start(preloaded?: ScoringModel): Promise<void> {
    ({ lock: this.lock, seq: this.seq, buffer: this.buffer } = await openDataDir(this.config, this.telemetry, this.rl));
    const model = await this.initialModel(preloaded).catch((e: unknown) => {
      this.lock?.release();
      throw e;
    });
    const up = this.updater;
    this.scorer = new Scorer(model, {
      agentId: this.config.agent.id,
      hostName: this.config.agent.hostName,
      seq: this.seq!.seq,
      telemetry: this.telemetry,
      hysteresis: { open: this.config.scoring.openThreshold, close: this.config.scoring.closeThreshold, minPoints: this.config.scoring.minPoints },
      onRound: up && ((r) => up.onRound(r)),
      onModelFailure: up && ((f) => up.onModelFailure(f)),
    });
    up?.attach(this.updaterHost());
    await this.startSinks(this.config.sinks);
    this.startLoops();
    this.log.info(
      { agent_id: this.config.agent.id, model: model.name, model_version: model.version, sources: this.sources.map((s) => s.id), sinks: this.slots.map((s) => s.config.id) },
      "agent started",
    );
  }

  /** The configured model; with `model.registry`, the updater's choice (last good registry model, else the configured one). */
  private async initialModel(preloaded?: ScoringModel): Promise<ScoringModel> {
    const registry = this.config.model.registry;
    if (!registry) return preloaded ?? (await loadModel(modelRef(this.config.model)));
    const { id: agentId, hostName, dataDir } = this.config.agent;
    this.updater = new ModelUpdater({ registry, agentId, hostName: hostName || hostname(), dataDir, fallbackRef: modelRef(this.config.model), log: this.log, telemetry: this.telemetry });
    return this.updater.init(preloaded).catch((e: Error) => {
      throw e instanceof UpdaterConfigError ? new StartError(e.message) : e;
    });
  }

  private updaterHost(): UpdaterHost {
    return {
      current: () => this.scorer?.current,
      swap: (model, options) => this.scorer!.swapBetweenRounds(model, options),
      facts: () => {
        const sinks = this.slots.map((s) => s.driver.status());
        return { bufferDepth: Math.max(0, ...this.slots.map((s) => s.driver.depth)), sinks };
      },
    };
  }

  private async startSinks(configs: SinkConfig[]): Promise<void> {
    const buffer = this.buffer!;
    await attachSinks(buffer, configs.map((c) => c.id), this.telemetry, this.log);
    for (const c of configs) {
      const driver = new SinkDriver(buildSink(c, this.log), buffer, { ...c.batch, only: c.only }, this.telemetry, this.log);
      await driver.start();
      this.slots.push({ config: c, driver });
    }
    const backlog = Object.fromEntries(this.slots.map((s) => [s.config.id, s.driver.depth]).filter(([, n]) => n));
    if (Object.keys(backlog).length) this.log.info({ backlog }, "replaying buffered records not yet delivered");
  }

  private startLoops(): void {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.sources = this.config.sources.map(buildSource);
    for (const source of this.sources) {
      this.loops.push(every(source.intervalMs, (now) => this.round(source, now), signal, (e) => this.log.error({ source: source.id, err: String(e) }, "source round failed")));
    }
    this.loops.push(every(5000, () => this.probeSinks(), signal, () => {}));
    if (this.updater) this.loops.push(runUpdater(this.updater, signal));
    this.loops.push(every(60_000, async (now) => void this.scorer?.sweep(now), signal, () => {}));
    this.loops.push(governHeap(signal)); // RSS between full collections: see heap-governor.ts
    const pg = this.config.telemetry.pushgateway;
    if (pg) {
      this.loops.push(
        every(this.config.telemetry.pushIntervalMs, async () => {
          refreshBufferGauges(this.buffer, this.slots.map((s) => s.driver), this.telemetry);
          const err = await pushMetrics(pg, this.config.telemetry.job, this.config.agent.id, this.telemetry);
          if (err) this.rl.warn("pushgateway", {}, err);
        }, signal, () => {}),
      );
    }
  }

  private async round(source: Source, now: number): Promise<void> {
    const result = await source.collect(now, AbortSignal.any([this.abort.signal, AbortSignal.timeout(Math.max(1000, source.intervalMs))]));
    for (const e of result.errors) {
      this.telemetry.error(source.id, e.type);
      this.rl.warn(`${source.id}:${e.type}`, { source: source.id, error_type: e.type }, e.message);
    }
    if (result.samples.length === 0 || !this.scorer) return;
    // The round's seqs (at most a point and an event per sample) are reserved before it is scored:
    // a full disk holds the source back here (back-pressure), and a stop meanwhile loses nothing.
    const need = 2 * result.samples.length;
    if (!(await this.seq!.reserve(need, this.abort.signal))) return;
    this.telemetry.pointsIn.inc({ component: source.id, component_kind: source.type }, result.samples.length);
    let records: OutRecord[];
    try {
      records = await this.scorer.score(result.samples, now).finally(() => this.seq!.release(need));
    } catch (error) {
      // A scoring error (or seq.json unwritable for another reason than a full disk): the round is lost — counted, never a crash.
      this.telemetry.dropped.inc({ component: source.id, reason: "scoring_error" }, result.samples.length);
      this.telemetry.error("scorer", (error as Error).name === "SeqError" ? "seq_io_error" : "scoring_error");
      this.rl.warn(`${source.id}:scoring_error`, { source: source.id, samples: result.samples.length }, `round dropped: ${(error as Error).message}`);
      return;
    }
    await this.dispatch(records);
  }

  /**
   * Appends records (their `agent.seq` already taken) to the buffer, which every sink reads
   * (each driver applies its sink's `only`). With `when_full: block` this waits for space.
   */
  private async dispatch(records: OutRecord[]): Promise<void> {
    let anomalies = 0;
    for (const r of records) if (r.kind === "anomaly") anomalies++;
    this.pointsSeen += records.length - anomalies;
    this.anomaliesSeen += anomalies;
    await this.store(records);
  }

  /** Appends to the buffer. A `block` append cut short (`aborted`) at a stop was never accepted (seqs given back); at a reload, it is appended again after it. */
  private async store(records: OutRecord[]): Promise<void> {
    if (!this.buffer || records.length === 0) return;
    const result = await this.buffer.append(records, this.abort.signal);
    this.seq?.settled(records, result);
    if (result.reason !== "aborted") return countRejected(records, result, this.slots.map((s) => s.driver), this.rl);
    if (this.stopping) this.heldAtStop += result.dropped;
    else this.carried.push(records.slice(result.accepted));
  }

  private async probeSinks(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.probe = await slot.driver.sink.probe().catch((e: Error) => e.message);
      }),
    );
    const ready = this.scorer !== undefined && this.slots.every((s) => !s.probe && s.driver.status().state !== "halted");
    this.telemetry.ready.set(ready ? 1 : 0);
  }

  /**
   * Stops sources, flushes sinks (up to `flushTimeoutMs`; a failing sink on a disk buffer is not
   * waited for), closes the buffer (what is left on disk is sent after the next start; what is
   * left in a memory buffer counts as dropped), persists the sequence.
   */
  async stop(flushTimeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await Promise.all(this.loops);
    this.loops = [];
    await Promise.all(this.sources.map((s) => s.close?.()));
    const left = await Promise.all(this.slots.map((s) => s.driver.stop(flushTimeoutMs)));
    const durable = this.buffer?.durable ?? false;
    left.forEach((n, i) => {
      if (!n) return;
      const sink = this.slots[i].config.id;
      if (durable) return this.log.info({ sink, records: n }, "records kept in the disk buffer; they are sent after the next start");
      this.telemetry.dropped.inc({ component: sink, reason: "shutdown" }, n);
      this.log.warn({ sink, records: n }, "records not delivered before shutdown (memory buffer)");
    });
    this.slots = [];
    await this.buffer?.close();
    this.buffer = undefined;
    this.seq?.closeAndReport(this.heldAtStop, this.log);
    this.lock?.release();
    this.lock = undefined;
    this.updater?.dispose();
    this.scorer?.current.dispose();
    this.log.info({ points: this.pointsSeen, anomalies: this.anomaliesSeen }, "agent stopped");
  }

  /**
   * Applies a new config without losing points: sources pause, every sink driver stops (what it
   * has not delivered stays in the buffer for the sink with the same id in the new config; a sink
   * no longer configured loses its backlog, counted as `sink_removed`), the model is reloaded when
   * its reference changed, then sources resume. `buffer:` changes need a restart.
   */
  async reload(next: AgentConfig): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    this.loops = [];
    await Promise.all(this.sources.map((s) => s.close?.()));
    // No flush: what a sink has not delivered stays in the buffer, for the sink with the same id.
    await Promise.all(this.slots.map((s) => s.driver.stop(0)));
    this.slots = [];
    if (JSON.stringify(next.buffer) !== JSON.stringify(this.config.buffer)) {
      this.log.warn({ running: this.config.buffer, configured: next.buffer }, "buffer settings changed: they take effect at the next start");
      next = { ...next, buffer: this.config.buffer };
    }
    if (JSON.stringify(next.model.registry) !== JSON.stringify(this.config.model.registry)) {
      this.log.warn("model.registry changes take effect at the next start; keeping the running model section");
      next = { ...next, model: this.config.model };
    }
    if (modelRef(next.model) !== modelRef(this.config.model) && this.scorer && !this.updater) {
      const model = await loadModel(modelRef(next.model));
      this.scorer.swapModel(model).dispose();
    }
    this.config = next;
    await this.startSinks(next.sinks);
    this.startLoops();
    // Queued in the buffer before any new round's records (those first wait for their source).
    for (const held of this.carried.splice(0)) this.loops.push(this.store(held));
    this.log.info({ sinks: next.sinks.map((s) => s.id), sources: next.sources.map((s) => s.id) }, "config reloaded");
  }

  // ---- RuntimeView -------------------------------------------------------------------------

  model(): ScoringModel | undefined {
    return this.scorer?.current;
  }

  countError(component: string, errorType: string, n: number): void {
    this.telemetry.error(component, errorType, n);
  }

  status(): Record<string, unknown> {
    const m = this.scorer?.current;
    return {
      agent: { id: this.config.agent.id, version: AGENT_VERSION, host: this.config.agent.hostName || hostname() },
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      model: m
        ? { name: m.name, version: m.version, kind: m.kind, window: m.window, threshold: m.threshold, ...(this.updater ? modelSourceStatus(this.updater) : { source: "bundle" in this.config.model ? "bundle" : "online", previous: null }) }
        : null,
      registry: this.updater ? updaterStatus(this.updater) : null,
      series: this.scorer?.seriesCount ?? 0,
      seq_next: this.seq?.seq.peek(),
      points: this.pointsSeen,
      anomalies: this.anomaliesSeen,
      sources: this.config.sources.map((s) => ({ id: s.id, type: s.type, interval_ms: s.intervalMs })),
      buffer: bufferStatus(this.buffer, this.config.buffer),
      disk: diskStatus(this.config.agent.dataDir, this.seq, this.buffer),
      sinks: this.slots.map((s) => ({ ...s.driver.status(), reachable: !s.probe, probe_error: s.probe })),
    };
  }

  async readiness(): Promise<{ ready: boolean; reasons: string[] }> {
    const reasons = [...readinessReasons(this.scorer !== undefined, this.slots), ...diskReasons(diskStatus(this.config.agent.dataDir, this.seq, this.buffer))];
    return { ready: reasons.length === 0, reasons };
  }

  async metrics(): Promise<{ text: string; contentType: string }> {
    refreshBufferGauges(this.buffer, this.slots.map((s) => s.driver), this.telemetry);
    return { text: await this.telemetry.registry.metrics(), contentType: this.telemetry.registry.contentType };
  }
}
