import { hostname } from "node:os";
import type { Logger } from "pino";
import type { AgentConfig } from "../config/types.ts";
import type { RuntimeView } from "../server/app.ts";
import { Pipeline, StartError, type PipelineTask, type SinkSpec } from "../../core/pipeline/index.ts";
import { every } from "../../core/runtime/every.ts";
import { governHeap } from "../../core/runtime/heap-governor.ts";
import { RateLimitedLog } from "../../core/telemetry/log.ts";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { loadModel } from "../../models/load.ts";
import type { ScoringModel } from "../../models/model.ts";
import { AGENT_VERSION } from "../version.ts";
import { modelRef } from "../config/runtime.ts";
import { buildSink, buildSource } from "./components.ts";
import { pushMetrics } from "./pushgateway.ts";
import { ModelUpdater, modelSourceStatus, runUpdater, UpdaterConfigError, updaterStatus } from "../updater/index.ts";
import { Learner, learnWatcher } from "../learn/index.ts";
import { versionDir } from "../updater/paths.ts";

export { StartError } from "../../core/pipeline/index.ts";

/**
 * The agent around its {@link Pipeline} (core/pipeline: sources → scorer → buffer → sinks): builds
 * the pipeline from the config, follows the model registry (`model.registry`, agent/updater),
 * pushes metrics to a Pushgateway, applies a reloaded config, and is what the local HTTP API shows.
 */
export class AgentRuntime implements RuntimeView {
  /** Metrics of the whole agent. */
  readonly telemetry = new Telemetry();
  private readonly pipeline: Pipeline;
  private readonly rl: RateLimitedLog;
  private readonly startedAt = Date.now();
  private updater: ModelUpdater | undefined;
  private learner: Learner | undefined;
  private preloaded: ScoringModel | undefined;

  constructor(
    private config: AgentConfig,
    private readonly log: Logger,
  ) {
    this.rl = new RateLimitedLog(log, 10_000);
    const { id: agentId, hostName, dataDir } = config.agent;
    const registry = config.model.registry;
    const learn = config.model.learn;
    if (learn) {
      // with model.registry the registry decides the model: candidates are trained and reported only
      this.learner = new Learner({
        settings: learn,
        dataDir,
        fallbackRef: modelRef(config.model),
        log,
        telemetry: this.telemetry,
        reportOnly: !!registry,
        // report-only: the candidate is judged against the registry model running now
        currentRef: () => {
          const up = this.updater;
          const v = up?.u.source === "registry" ? up.u.running?.version : undefined;
          return up && v ? versionDir(dataDir, up.o.registry.name, v) : undefined;
        },
      });
    }
    if (registry) {
      this.updater = new ModelUpdater({
        registry,
        agentId,
        hostName: hostName || hostname(),
        dataDir,
        fallbackRef: modelRef(config.model),
        log,
        telemetry: this.telemetry,
        learnFacts: this.learner && (() => this.learner!.heartbeat()),
      });
    }
    this.pipeline = new Pipeline({
      agentId,
      hostName,
      dataDir,
      buffer: config.buffer,
      scoring: config.scoring,
      drift: config.drift,
      host: config.host,
      shadow: config.model.shadow ? () => loadModel(config.model.shadow!) : undefined,
      shadowShare: config.model.shadowShare,
      sources: () => this.config.sources.map(buildSource),
      sinks: this.sinkSpecs(config),
      model: () => this.initialModel(),
      watcher: learnWatcher(this.updater, this.learner),
      tasks: () => this.tasks(),
      log,
      telemetry: this.telemetry,
    });
  }

  /** Starts everything; throws {@link StartError} when the data dir, the buffer or the model is unusable. */
  async start(preloaded?: ScoringModel): Promise<void> {
    this.preloaded = preloaded;
    await this.pipeline.start();
  }

  /** The configured model; with `model.registry`, the updater's choice (last good registry model, else the configured one). */
  private async initialModel(): Promise<ScoringModel> {
    if (!this.updater) return this.learner ? this.learner.init(this.preloaded) : (this.preloaded ?? (await loadModel(modelRef(this.config.model))));
    await this.learner?.open();
    return this.updater.init(this.preloaded).catch((e: Error) => {
      throw e instanceof UpdaterConfigError ? new StartError(e.message) : e;
    });
  }

  private sinkSpecs(config: AgentConfig): SinkSpec[] {
    return config.sinks.map((c) => ({ id: c.id, only: c.only, driver: c.batch, create: () => buildSink(c, this.log) }));
  }

  /** Started and stopped with the sources (so after a reload, from the new config): the registry poll, the heap governor, the Pushgateway push. */
  private tasks(): PipelineTask[] {
    const tasks: PipelineTask[] = [];
    const up = this.updater;
    if (up) tasks.push((signal) => runUpdater(up, signal));
    const learner = this.learner;
    if (learner) tasks.push((signal) => learner.run(signal));
    tasks.push((signal) => governHeap(signal)); // RSS between full collections: see heap-governor.ts
    const pg = this.config.telemetry.pushgateway;
    if (pg) {
      tasks.push((signal) =>
        every(
          this.config.telemetry.pushIntervalMs,
          async () => {
            this.pipeline.refreshGauges();
            const err = await pushMetrics(pg, this.config.telemetry.job, this.config.agent.id, this.telemetry);
            if (err) this.rl.warn("pushgateway", {}, err);
          },
          signal,
          () => {},
        ),
      );
    }
    return tasks;
  }

  /**
   * Stops sources, flushes sinks (up to `flushTimeoutMs`; a failing sink on a disk buffer is not
   * waited for), closes the buffer (what is left on disk is sent after the next start; what is
   * left in a memory buffer counts as dropped), persists the sequence.
   */
  stop(flushTimeoutMs = 10_000): Promise<void> {
    return this.pipeline.stop(flushTimeoutMs);
  }

  /**
   * Applies a new config without losing points: sources pause, every sink driver stops (what it
   * has not delivered stays in the buffer for the sink with the same id in the new config; a sink
   * no longer configured loses its backlog, counted as `sink_removed`), the model is reloaded when
   * its reference changed, then sources resume. `buffer:` changes need a restart.
   */
  async reload(next: AgentConfig): Promise<void> {
    await this.pipeline.reload(async () => {
      if (JSON.stringify(next.buffer) !== JSON.stringify(this.config.buffer)) {
        this.log.warn({ running: this.config.buffer, configured: next.buffer }, "buffer settings changed: they take effect at the next start");
        next = { ...next, buffer: this.config.buffer };
      }
      const was = this.config.model;
      if (next.model.shadow !== was.shadow || next.model.shadowShare !== was.shadowShare || JSON.stringify(next.drift) !== JSON.stringify(this.config.drift)) {
        this.log.warn("model.shadow, model.shadow_share and scoring.drift changes take effect at the next start");
        next = { ...next, drift: this.config.drift, model: { ...next.model, shadow: was.shadow, shadowShare: was.shadowShare } };
      }
      if (
        JSON.stringify(next.model.registry) !== JSON.stringify(this.config.model.registry) ||
        JSON.stringify(next.model.learn) !== JSON.stringify(this.config.model.learn)
      ) {
        this.log.warn("model.registry and model.learn changes take effect at the next start; keeping the running model section");
        next = { ...next, model: this.config.model };
      }
      const model =
        modelRef(next.model) !== modelRef(this.config.model) && this.pipeline.model() && !this.updater && !this.learner
          ? await loadModel(modelRef(next.model))
          : undefined;
      this.config = next;
      return { sources: () => next.sources.map(buildSource), sinks: this.sinkSpecs(next), model };
    });
    this.log.info({ sinks: next.sinks.map((s) => s.id), sources: next.sources.map((s) => s.id) }, "config reloaded");
  }

  // ---- RuntimeView -------------------------------------------------------------------------

  model(): ScoringModel | undefined {
    return this.pipeline.model();
  }

  countError(component: string, errorType: string, n: number): void {
    this.telemetry.error(component, errorType, n);
  }

  status(): Record<string, unknown> {
    const m = this.pipeline.model();
    const p = this.pipeline.status();
    return {
      agent: { id: this.config.agent.id, version: AGENT_VERSION, host: this.config.agent.hostName || hostname() },
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      model: m
        ? {
            name: m.name,
            version: m.version,
            kind: m.kind,
            window: m.window,
            threshold: m.threshold,
            ...(this.updater
              ? modelSourceStatus(this.updater)
              : (this.learner?.modelSource() ?? { source: "bundle" in this.config.model ? "bundle" : "online", previous: null })),
          }
        : null,
      registry: this.updater ? updaterStatus(this.updater) : null,
      learn: this.learner ? this.learner.status() : null,
      series: p.series,
      seq_next: p.seq_next,
      points: p.points,
      anomalies: p.anomalies,
      drift_events: p.drift_events,
      drift: p.drift,
      host: p.host,
      shadow: p.shadow,
      shadow_error: p.shadow_error,
      sources: this.config.sources.map((s) => ({ id: s.id, type: s.type, interval_ms: s.intervalMs })),
      buffer: p.buffer,
      disk: p.disk,
      sinks: p.sinks,
    };
  }

  async readiness(): Promise<{ ready: boolean; reasons: string[] }> {
    const reasons = this.pipeline.readinessReasons();
    return { ready: reasons.length === 0, reasons };
  }

  async metrics(): Promise<{ text: string; contentType: string }> {
    this.pipeline.refreshGauges();
    return { text: await this.telemetry.registry.metrics(), contentType: this.telemetry.registry.contentType };
  }
}
