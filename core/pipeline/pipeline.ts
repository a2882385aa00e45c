/**
 * The pipeline: sources on their intervals → one batched scoring call per round → records (data
 * contract, `agent.seq`) appended to the record buffer (disk or memory) → one driver per sink
 * reading it through its own cursor.
 * @module
 */
import { join } from "node:path";
import type { Logger } from "pino";
import type { RecordBuffer } from "../buffer/index.ts";
import type { MetricSample, OutRecord } from "../events.ts";
import { every } from "../runtime/every.ts";
import { Scorer, type SwapOptions } from "../scoring/scorer.ts";
import { SinkDriver } from "../sinks/driver.ts";
import type { Source } from "../sources/source.ts";
import { RateLimitedLog } from "../telemetry/log.ts";
import { Telemetry } from "../telemetry/metrics.ts";
import type { ScoringModel } from "../../models/model.ts";
import type { DriftStatus } from "../scoring/drift.ts";
import { HostScoring, type HostStatus } from "../scoring/host.ts";
import type { ShadowStatus } from "../scoring/shadow.ts";
import { attachSinks, bufferStatus, countRejected, refreshBufferGauges } from "./buffer.ts";
import { diskReasons, diskStatus, openDataDir } from "./data-dir.ts";
import type { SeqGate } from "./seq-gate.ts";
import { readinessReasons, type SinkSlot } from "./slots.ts";
import { hysteresisOf, type ModelHost, type PipelineOptions, type ReloadSpec, type SinkSpec, type SourcesSpec } from "./types.ts";

/** The pipeline's part of `/status`. */
export interface PipelineStatus {
  series: number;
  seq_next: number | undefined;
  points: number;
  anomalies: number;
  /** Drift events emitted (input and score, start and end). */
  drift_events: number;
  /** Input and score drift (null when `scoring.drift.enabled` is false). */
  drift: DriftStatus | null;
  /** The host model (`scoring.host`; null when off). */
  host: HostStatus | null;
  /** The shadow model's comparison (null without `model.shadow`, or when it failed to load: see `shadow_error`). */
  shadow: ShadowStatus | null;
  /** Why the configured shadow model is not running (it failed to load), else null. */
  shadow_error: string | null;
  buffer: Record<string, unknown> | null;
  disk: ReturnType<typeof diskStatus>;
  sinks: Record<string, unknown>[];
}

/**
 * Owns a scoring round from end to end, and the data dir (lock, sequence, record buffer), the
 * scorer and the sink drivers it needs. Counts everything in its {@link Telemetry}.
 *
 * @example
 * const p = new Pipeline({ agentId: "a", hostName: "h", dataDir, buffer: { type: "memory", maxBytes: 1 << 20, whenFull: "block" },
 *   sources: [source], sinks: [{ id: "out", create: () => sink }], model, log });
 * await p.start();
 * // ...
 * await p.stop();
 */
export class Pipeline {
  readonly telemetry: Telemetry;
  private readonly log: Logger;
  private readonly rl: RateLimitedLog;
  private sinkSpecs: SinkSpec[];
  private sourcesSpec: SourcesSpec;
  private scorer: Scorer | undefined;
  private hostScoring: HostScoring | undefined;
  private seq: SeqGate | undefined;
  private lock: { release(): void } | undefined;
  private buffer: RecordBuffer | undefined;
  private slots: SinkSlot[] = [];
  private sources: Source[] = [];
  private loops: Promise<void>[] = [];
  private abort = new AbortController();
  private pointsSeen = 0;
  private anomaliesSeen = 0;
  private driftSeen = 0;
  private shadowError: string | null = null;
  /** Records of rounds still waiting for buffer space when the stop came: never accepted, their seqs given back. */
  private heldAtStop = 0;
  /** Records of rounds held back when a reload came: appended again right after it. */
  private carried: OutRecord[][] = [];
  private stopping = false;

  constructor(private readonly o: PipelineOptions) {
    this.telemetry = o.telemetry ?? new Telemetry();
    this.log = o.log;
    this.rl = new RateLimitedLog(o.log, 10_000);
    this.sinkSpecs = o.sinks;
    this.sourcesSpec = o.sources;
  }

  /**
   * Opens the data dir (lock, sequence, buffer), gets the model, starts the sinks (replaying what
   * the buffer holds for them) and the sources. Throws `StartError` when the data dir or the
   * buffer is unusable (the lock is released again), or what getting the model threw.
   */
  async start(): Promise<void> {
    ({ lock: this.lock, seq: this.seq, buffer: this.buffer } = await openDataDir(this.o.dataDir, this.o.buffer, this.telemetry, this.rl));
    const model = await (typeof this.o.model === "function" ? this.o.model() : Promise.resolve(this.o.model)).catch((e: unknown) => {
      this.lock?.release();
      throw e;
    });
    const shadow = await this.loadShadow();
    const w = this.o.watcher;
    this.scorer = new Scorer(model, {
      agentId: this.o.agentId,
      hostName: this.o.hostName,
      seq: this.seq!.seq,
      telemetry: this.telemetry,
      hysteresis: hysteresisOf(this.o.scoring),
      onRound: w && ((r) => w.onRound(r)),
      onModelFailure: w && ((f) => w.onModelFailure(f)),
      drift: this.o.drift,
      shadow,
      shadowShare: this.o.shadowShare,
    });
    w?.attach(this.host());
    if (this.o.host?.enabled) {
      const h = hysteresisOf(this.o.scoring);
      const open = h.open ?? 0.5;
      const settings = { statePath: join(this.o.dataDir, "host-model.json"), ...this.o.host };
      this.hostScoring = new HostScoring(settings, { open, close: h.close ?? 0.8 * open, minPoints: h.minPoints ?? 1 }, this.telemetry.host, (m) =>
        this.log.warn(m),
      );
    }
    await this.startSinks(this.sinkSpecs);
    this.startLoops();
    this.log.info(
      { agent_id: this.o.agentId, model: model.name, model_version: model.version, sources: this.sources.map((s) => s.id), sinks: this.slots.map((s) => s.id) },
      "agent started",
    );
  }

  /** The shadow model, if configured; one that fails to load is logged and left out (the live scoring starts anyway). */
  private async loadShadow(): Promise<ScoringModel | undefined> {
    const s = this.o.shadow;
    if (!s) return undefined;
    try {
      return typeof s === "function" ? await s() : s;
    } catch (e) {
      this.telemetry.error("shadow", "load_failed");
      this.shadowError = (e as Error).message.slice(0, 500);
      this.log.error({ err: (e as Error).message }, "shadow model failed to load: running without a shadow");
      return undefined;
    }
  }

  /** What a {@link ModelWatcher} may do: read and swap the model, read the sinks' state. */
  host(): ModelHost {
    return {
      current: () => this.scorer?.current,
      swap: (model, options) => this.swapModel(model, options),
      facts: () => {
        const sinks = this.slots.map((s) => s.driver.status());
        return {
          bufferDepth: Math.max(0, ...this.slots.map((s) => s.driver.depth)),
          sinks,
          drift: this.scorer?.drift?.status(),
          shadow: this.scorer?.shadow?.status(),
        };
      },
    };
  }

  /** Swaps the model between rounds; resolves to the model it replaced (the caller disposes it). */
  swapModel(model: ScoringModel, options: SwapOptions = {}): Promise<ScoringModel> {
    if (!this.scorer) throw new Error("swapModel: the pipeline is not started");
    return this.scorer.swapBetweenRounds(model, options);
  }

  /** The model scoring now (undefined before the start). */
  model(): ScoringModel | undefined {
    return this.scorer?.current;
  }

  private async startSinks(specs: SinkSpec[]): Promise<void> {
    const buffer = this.buffer!;
    await attachSinks(
      buffer,
      specs.map((c) => c.id),
      this.telemetry,
      this.log,
    );
    for (const c of specs) {
      const driver = new SinkDriver(c.create(), buffer, { ...c.driver, ...(c.only && { only: c.only }) }, this.telemetry, this.log);
      await driver.start();
      this.slots.push({ id: c.id, driver });
    }
    const backlog = Object.fromEntries(this.slots.map((s) => [s.id, s.driver.depth]).filter(([, n]) => n));
    if (Object.keys(backlog).length) this.log.info({ backlog }, "replaying buffered records not yet delivered");
  }

  private startLoops(): void {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.sources = typeof this.sourcesSpec === "function" ? this.sourcesSpec() : this.sourcesSpec;
    for (const source of this.sources) {
      this.loops.push(
        every(
          source.intervalMs,
          (now) => this.round(source, now),
          signal,
          (e) => this.log.error({ source: source.id, err: String(e) }, "source round failed"),
        ),
      );
    }
    this.loops.push(
      every(
        5000,
        () => this.probeSinks(),
        signal,
        () => {},
      ),
    );
    this.loops.push(
      every(
        60_000,
        async (now) => void this.scorer?.sweep(now),
        signal,
        () => {},
      ),
    );
    const tasks = typeof this.o.tasks === "function" ? this.o.tasks() : (this.o.tasks ?? []);
    for (const task of tasks) this.loops.push(task(signal));
  }

  /** One round of `source`: collect, reserve the seqs, score in one batched call, append to the buffer. */
  private async round(source: Source, now: number): Promise<void> {
    const result = await source.collect(now, AbortSignal.any([this.abort.signal, AbortSignal.timeout(Math.max(1000, source.intervalMs))]));
    for (const e of result.errors) {
      this.telemetry.error(source.id, e.type);
      this.rl.warn(`${source.id}:${e.type}`, { source: source.id, error_type: e.type }, e.message);
    }
    if (result.samples.length === 0 || !this.scorer) return;
    // The round's seqs (at most a point and an anomaly event per sample, with drift on also a drift
    // event per sample and one for the scores) are reserved before it is scored: a full disk holds
    // the source back here (back-pressure), and a stop meanwhile loses nothing.
    const need = (this.o.drift?.enabled ? 3 * result.samples.length + 1 : 2 * result.samples.length) + (this.hostScoring ? 1 : 0);
    if (!(await this.seq!.reserve(need, this.abort.signal))) return;
    this.telemetry.pointsIn.inc({ component: source.id, component_kind: source.type }, result.samples.length);
    let records: OutRecord[];
    try {
      records = await this.scorer
        .score(result.samples, now)
        .then((r) => (this.hostScoring ? r.concat(this.hostRound(source, result.samples, now)) : r))
        .finally(() => this.seq!.release(need));
    } catch (error) {
      // A scoring error (or seq.json unwritable for another reason than a full disk): the round is lost — counted, never a crash.
      this.telemetry.dropped.inc({ component: source.id, reason: "scoring_error" }, result.samples.length);
      this.telemetry.error("scorer", (error as Error).name === "SeqError" ? "seq_io_error" : "scoring_error");
      this.rl.warn(`${source.id}:scoring_error`, { source: source.id, samples: result.samples.length }, `round dropped: ${(error as Error).message}`);
      return;
    }
    this.o.watcher?.onSamples?.(result.samples);
    let events = 0;
    let drift = 0;
    for (const r of records) if (r.kind === "anomaly") r.doc.event.kind === "drift" ? drift++ : events++;
    this.pointsSeen += records.length - events - drift;
    this.anomaliesSeen += events;
    this.driftSeen += drift;
    await this.store(records);
  }

  /** The host model's part of a round (its event, if any); a failure is counted, never a lost round. */
  private hostRound(source: Source, samples: readonly MetricSample[], now: number): OutRecord[] {
    try {
      return this.hostScoring!.round(source, samples, now, {
        agentId: this.o.agentId,
        hostName: this.o.hostName,
        take: () => this.seq!.seq.take(),
      });
    } catch (error) {
      this.telemetry.error("host_model", "scoring_error");
      this.rl.warn("host_model:scoring_error", { source: source.id }, `host model: ${(error as Error).message}`);
      return [];
    }
  }

  /**
   * Appends records (their `agent.seq` already taken) to the buffer, which every sink reads (each
   * driver applies its sink's `only`). With `when_full: block` this waits for space. An append cut
   * short (`aborted`) at a stop was never accepted (seqs given back); at a reload, it is appended
   * again after it.
   */
  private async store(records: OutRecord[]): Promise<void> {
    if (!this.buffer || records.length === 0) return;
    const result = await this.buffer.append(records, this.abort.signal);
    this.seq?.settled(records, result);
    if (result.reason !== "aborted")
      return countRejected(
        records,
        result,
        this.slots.map((s) => s.driver),
        this.rl,
      );
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

  /** Stops the sources, their rounds and the tasks; closes the sources. */
  private async pause(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    this.loops = [];
    await Promise.all(this.sources.map((s) => s.close?.()));
  }

  /**
   * Stops sources and tasks, flushes sinks (up to `flushTimeoutMs`; a failing sink on a disk
   * buffer is not waited for), closes the buffer (what is left on disk is sent after the next
   * start; what is left in a memory buffer counts as dropped), persists the sequence, releases
   * the data dir, disposes the watcher and the model.
   */
  async stop(flushTimeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    await this.pause();
    const left = await Promise.all(this.slots.map((s) => s.driver.stop(flushTimeoutMs)));
    const durable = this.buffer?.durable ?? false;
    left.forEach((n, i) => {
      if (!n) return;
      const sink = this.slots[i].id;
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
    this.o.watcher?.dispose?.();
    this.scorer?.current.dispose();
    this.scorer?.shadow?.dispose();
    this.hostScoring?.dispose();
    this.log.info({ points: this.pointsSeen, anomalies: this.anomaliesSeen }, "agent stopped");
  }

  /**
   * Applies new sources and sinks without losing points: sources pause, every sink driver stops
   * (what it has not delivered stays in the buffer for the sink with the same id; a sink no
   * longer there loses its backlog, counted as `sink_removed`), `next` is asked for what to run
   * (and may load a model meanwhile), the model is replaced when it gives one, then sources
   * resume and rounds held back by a full buffer are appended first.
   */
  async reload(next: () => ReloadSpec | Promise<ReloadSpec>): Promise<void> {
    await this.pause();
    // No flush: what a sink has not delivered stays in the buffer, for the sink with the same id.
    await Promise.all(this.slots.map((s) => s.driver.stop(0)));
    this.slots = [];
    const spec = await next();
    if (spec.model) (this.scorer ? this.scorer.swapModel(spec.model) : spec.model).dispose();
    this.sinkSpecs = spec.sinks;
    this.sourcesSpec = spec.sources;
    await this.startSinks(spec.sinks);
    this.startLoops();
    // Queued in the buffer before any new round's records (those first wait for their source).
    for (const held of this.carried.splice(0)) this.loops.push(this.store(held));
  }

  /** The pipeline's part of `/status`. */
  status(): PipelineStatus {
    return {
      series: this.scorer?.seriesCount ?? 0,
      seq_next: this.seq?.seq.peek(),
      points: this.pointsSeen,
      anomalies: this.anomaliesSeen,
      drift_events: this.driftSeen,
      drift: this.scorer?.drift?.status() ?? null,
      host: this.hostScoring?.status() ?? null,
      shadow: this.scorer?.shadow?.status() ?? null,
      shadow_error: this.shadowError,
      buffer: bufferStatus(this.buffer, this.o.buffer),
      disk: diskStatus(this.o.dataDir, this.seq, this.buffer),
      sinks: this.slots.map((s) => ({ ...s.driver.status(), reachable: !s.probe, probe_error: s.probe })),
    };
  }

  /** Why the pipeline is not ready (`/readyz`): no model, an unreachable or halted sink, a full disk. Empty when ready. */
  readinessReasons(): string[] {
    return [...readinessReasons(this.scorer !== undefined, this.slots), ...diskReasons(diskStatus(this.o.dataDir, this.seq, this.buffer))];
  }

  /** Sets the buffer gauges (`agent_buffer_depth`, `agent_buffer_bytes`) to their current values. */
  refreshGauges(): void {
    this.scorer?.drift?.refresh();
    this.scorer?.shadow?.refresh();
    refreshBufferGauges(
      this.buffer,
      this.slots.map((s) => s.driver),
      this.telemetry,
    );
  }
}
