/**
 * On-host training (`model.learn`): keeps the history of the agent's series (`core/history`),
 * trains a candidate in a worker on a schedule (first once `after` of history is there, then every
 * `every`), and swaps it in between two rounds — the registry updater's hot swap — only when it
 * beat the model in use on held-back history (`evaluate.ts`). A swapped-in model is on probation
 * for `probation_rounds` rounds that scored windows: an exception or a non-finite score returns to
 * the previous model in that very round, a flagged share above `max_flag_rate` returns to it after
 * the probation; otherwise it is accepted and remembered in `learn/state.json`, and the next start
 * scores with it.
 * @module
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { Counter } from "prom-client";
import type { MetricSample } from "../../core/events.ts";
import { HistoryStore } from "../../core/history/store.ts";
import type { ModelHost, ModelWatcher } from "../../core/pipeline/types.ts";
import { realClock, type Clock } from "../../core/runtime/clock.ts";
import type { ModelFailure, RoundInfo } from "../../core/scoring/scorer.ts";
import type { Telemetry } from "../../core/telemetry/metrics.ts";
import type { HeartbeatLearn } from "../../models/registry-protocol/heartbeat.ts";
import { loadModel } from "../../models/load.ts";
import type { ScoringModel } from "../../models/model.ts";
import type { JobPhase, JobResult, JobSpec } from "./job.ts";
import { roundEnded } from "../../core/runtime/pace.ts";
import { runJobInWorker } from "./run-worker.ts";
import type { LearnSettings } from "./settings.ts";
import { candidatesDir, emptyLearnState, type LastRun, type LearnedEntry, type LearnState, type Outcome, readLearnState, writeLearnState } from "./state.ts";

/** Options of {@link Learner}. */
export interface LearnerOptions {
  settings: LearnSettings;
  dataDir: string;
  /** `loadModel` reference of the configured model (scores until a learned one is accepted). */
  fallbackRef: string;
  log: Logger;
  telemetry: Telemetry;
  clock?: Clock;
  /** Runs a job (default: in a worker thread). Injected by tests. */
  runJob?: (spec: JobSpec, signal: AbortSignal, onPhase: (phase: JobPhase) => void, gate: Int32Array) => Promise<JobResult>;
  /** Train and judge, never swap (with `model.registry`: the registry decides what runs). */
  reportOnly?: boolean;
  /**
   * The `loadModel` reference of the model in use when the learner did not choose it (report-only:
   * the registry model's directory); undefined: the learned one or the configured fallback.
   */
  currentRef?: () => string | undefined;
}

interface Probation {
  model: ScoringModel;
  previous: ScoringModel;
  entry: LearnedEntry;
  rounds: number;
  flagged: number;
  scored: number;
}

/** The learner: a {@link ModelWatcher} (sees every round's samples, swaps models) plus its schedule loop ({@link run}). */
export class Learner implements ModelWatcher {
  readonly history: HistoryStore;
  private state: LearnState = emptyLearnState();
  private host: ModelHost | undefined;
  private probation: Probation | undefined;
  private running: { version: string; startedAt: number; phase: JobPhase | "starting" } | undefined;
  /** Where the model in use came from: a learned version, or the configured fallback. */
  private inUse: { source: "learned" | "configured"; version?: string } = { source: "configured" };
  private readonly clock: Clock;
  private readonly skippedCounter: Counter<"reason">;
  private readonly runsCounter: Counter<"outcome">;
  private skippedTotal = 0;
  private saved: Promise<void> = Promise.resolve();
  private stateError: string | undefined;
  /** Rounds ended, shared with the training worker (it works in the gaps between rounds, see `core/runtime/pace.ts`). */
  private readonly gate = new Int32Array(new SharedArrayBuffer(4));

  constructor(readonly o: LearnerOptions) {
    this.clock = o.clock ?? realClock;
    this.history = new HistoryStore({
      dir: join(o.dataDir, "history"),
      maxBytes: o.settings.historyMaxBytes,
      onWriteError: (e) => {
        o.telemetry.error("learn", "history_write_failed");
        o.log.warn({ err: e.message }, "history segment not written (its points are lost; the agent goes on)");
      },
    });
    const registers = [o.telemetry.registry];
    this.skippedCounter = new Counter({
      name: "agent_learn_history_skipped_total",
      help: "History segments skipped by on-host training (truncated, newer format, checksum...)",
      labelNames: ["reason"],
      registers,
    });
    this.runsCounter = new Counter({
      name: "agent_learn_runs_total",
      help: "On-host training runs and probation verdicts by outcome",
      labelNames: ["outcome"],
      registers,
    });
  }

  /**
   * Opens the history, reads `learn/state.json`, removes what a crash left (`*.tmp-*` candidates,
   * candidates neither in use nor previous) and returns the model to start with: the accepted
   * learned model, else `preloaded` or the configured one.
   */
  async init(preloaded?: ScoringModel): Promise<ScoringModel> {
    await this.open();
    const cur = this.state.current;
    if (cur && !this.o.reportOnly) {
      try {
        const model = await loadModel(join(candidatesDir(this.o.dataDir), cur.version));
        this.inUse = { source: "learned", version: cur.version };
        this.o.log.info({ version: cur.version, trained_at: cur.trained_at }, "starting on the learned model (from learn/state.json)");
        preloaded?.dispose();
        return model;
      } catch (e) {
        this.o.telemetry.error("learn", "model_load_failed");
        this.o.log.error({ version: cur.version, err: (e as Error).message }, "learned model does not load: starting on the configured model");
      }
    }
    return preloaded ?? (await loadModel(this.o.fallbackRef));
  }

  /** Opens the history and reads the state without choosing a model (what {@link init} does first; alone with `reportOnly`). */
  async open(): Promise<void> {
    await this.history.open();
    try {
      this.state = (await readLearnState(this.o.dataDir)) ?? emptyLearnState();
    } catch (e) {
      this.stateError = (e as Error).message;
      this.o.telemetry.error("learn", "state_unreadable");
      this.o.log.error({ err: this.stateError }, "learn/state.json unusable: starting without a learned model (it is rewritten after the next run)");
    }
    await this.prune();
  }

  /** Removes candidate directories that are temp leftovers or no longer referenced. */
  private async prune(): Promise<void> {
    const dir = candidatesDir(this.o.dataDir);
    const keep = new Set([this.state.current?.version, this.state.previous?.version, this.probation?.entry.version, this.running?.version]);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const n of names) if (!keep.has(n)) await rm(join(dir, n), { recursive: true, force: true }).catch(() => {});
  }

  // ---- ModelWatcher -------------------------------------------------------------------------

  attach(host: ModelHost): void {
    this.host = host;
  }

  /** Every round's samples go to the history (buffered; written in the background). */
  onSamples(samples: readonly MetricSample[]): void {
    this.history.append(samples);
    roundEnded(this.gate);
  }

  /** Counts a probation round; decides the probation at its end. */
  onRound(r: RoundInfo): void {
    const p = this.probation;
    if (!p || r.model !== p.model || r.scored === 0) return;
    p.rounds++;
    p.flagged += r.flagged;
    p.scored += r.scored;
    if (p.rounds < this.o.settings.probationRounds) return;
    this.probation = undefined;
    const rate = p.scored ? p.flagged / p.scored : 0;
    if (rate > this.o.settings.maxFlagRate) {
      const reason = `flagged ${(100 * rate).toFixed(2)} % of points in probation (max ${(100 * this.o.settings.maxFlagRate).toFixed(2)} %)`;
      void this.host
        ?.swap(p.previous, {})
        .then(() => p.model.dispose())
        .catch(() => {});
      this.inUse = this.state.current ? { source: "learned", version: this.state.current.version } : { source: "configured" };
      this.verdict(p.entry, "rolled_back", reason);
      return;
    }
    p.previous.dispose();
    this.state = { ...this.state, previous: this.state.current, current: { ...p.entry, accepted_at: new Date(this.clock.now()).toISOString() } };
    this.verdict(p.entry, "accepted", `passed ${p.rounds} rounds of probation, flagged ${(100 * rate).toFixed(2)} %`);
  }

  /** In probation: back to the previous model for this very round; else the scorer counts it. */
  onModelFailure(f: ModelFailure): ScoringModel | undefined {
    const p = this.probation;
    if (!p || f.model !== p.model) return undefined;
    this.probation = undefined;
    this.inUse = this.state.current ? { source: "learned", version: this.state.current.version } : { source: "configured" };
    this.verdict(p.entry, "rolled_back", `${f.kind === "exception" ? "scoring failed" : "non-finite score"} in probation: ${f.error.message.slice(0, 300)}`);
    setTimeout(() => f.model.dispose(), 0);
    return p.previous;
  }

  /** Records a probation verdict (state written, candidate pruned). */
  private verdict(entry: LearnedEntry, outcome: Outcome, reason: string): void {
    this.runsCounter.inc({ outcome });
    const level = outcome === "accepted" ? "info" : "error";
    this.o.log[level](
      { version: entry.version, outcome, reason },
      outcome === "accepted" ? "learned model accepted" : "learned model returned to the previous one",
    );
    this.state = {
      ...this.state,
      last_run: {
        ...(this.state.last_run ?? { history: entry.history, candidate: entry.candidate, current: entry.current, wall_ms: 0, busy_ms: 0 }),
        at: new Date(this.clock.now()).toISOString(),
        version: entry.version,
        outcome,
        reason,
      },
    };
    this.save();
  }

  private save(): void {
    const state = this.state;
    this.saved = this.saved
      .then(() => writeLearnState(this.o.dataDir, state))
      .then(() => this.prune())
      .catch((e: Error) => {
        this.o.telemetry.error("learn", "state_write_failed");
        this.o.log.error({ err: e.message }, "cannot write learn/state.json");
      });
  }

  /** Waits for the state writes started so far (tests, shutdown). */
  settled(): Promise<void> {
    return this.saved;
  }

  // ---- schedule -----------------------------------------------------------------------------

  /** Looks at the schedule every `checkEveryMs` (default a tenth of the shorter of `after` and `every`, 1 s to 60 s) until `signal` aborts; a run in progress is abandoned (its worker terminated). */
  async run(signal: AbortSignal): Promise<void> {
    const st = this.o.settings;
    const every = st.checkEveryMs ?? Math.min(60_000, Math.max(1000, Math.min(st.afterMs, st.everyMs) / 10));
    while (!signal.aborted) {
      await this.clock.sleep(every, signal);
      if (signal.aborted) break;
      await this.tick(signal).catch((e: Error) => {
        this.o.telemetry.error("learn", "run_crashed");
        this.o.log.error({ err: e.message }, "learning step failed");
      });
    }
    await this.history.flush();
    await this.saved;
  }

  /** Why no run starts now (or undefined when one is due). */
  waitingFor(now = this.clock.now()): string | undefined {
    if (this.running) return "a run in progress";
    if (this.probation) return "the probation of the last candidate";
    const next = this.state.next_run_at;
    if (next !== null) return now < next ? `the next run at ${new Date(next).toISOString()}` : undefined;
    const h = this.history.stats();
    const span = h.oldestMs !== null && h.newestMs !== null ? h.newestMs - h.oldestMs : 0;
    return span < this.o.settings.afterMs ? `history: ${Math.round(span / 1000)} s of ${Math.round(this.o.settings.afterMs / 1000)} s` : undefined;
  }

  /** Starts a run when one is due; resolves once it is decided. */
  async tick(signal: AbortSignal): Promise<void> {
    if (this.waitingFor() !== undefined || !this.host) return;
    const current = this.host.current();
    if (!current) return;
    const s = this.o.settings;
    const version = `l${this.state.runs + 1}`;
    this.running = { version, startedAt: this.clock.now(), phase: "starting" };
    await this.history.flush();
    const currentRef =
      this.o.currentRef?.() ?? (this.inUse.source === "learned" ? join(candidatesDir(this.o.dataDir), this.inUse.version!) : this.o.fallbackRef);
    const spec: JobSpec = {
      target: "series",
      historyDir: join(this.o.dataDir, "history"),
      candidatesDir: candidatesDir(this.o.dataDir),
      version,
      currentRef,
      kind: s.kind,
      epochs: s.epochs,
      maxSeries: s.maxSeries,
      maxPointsPerSeries: s.maxPointsPerSeries,
      maxRows: s.maxRows,
      holdout: s.holdout,
      margin: s.margin,
      seed: this.state.runs + 1,
      budget: s.budget,
    };
    this.o.log.info({ version, current: `${current.name}@${current.version}` }, "training a candidate model on this host's history");
    let result: JobResult;
    try {
      const running = this.running;
      result = await (this.o.runJob ?? runJobInWorker)(spec, signal, (phase) => (running.phase = phase), this.gate);
    } catch (e) {
      this.running = undefined;
      if (signal.aborted) return; // stopped: nothing recorded, the next start runs it again
      await this.finish(version, "failed", (e as Error).message, null);
      return;
    }
    this.running = undefined;
    for (const sk of result.skipped) {
      this.skippedTotal++;
      this.skippedCounter.inc({ reason: sk.reason });
      this.o.log.warn({ file: sk.file, reason: sk.reason }, `history segment skipped: ${sk.message}`);
    }
    const v = result.verdict;
    if (v.outcome === "refused") return this.finish(version, "refused", v.reason, result);
    if (v.outcome === "not_better" || !result.dir || !result.candidate || !result.current) return this.finish(version, "kept", v.reason, result);
    if (this.o.reportOnly) return this.finish(version, "kept", `${v.reason}; report only (model.registry decides the model)`, result);
    let model: ScoringModel;
    try {
      model = await loadModel(result.dir);
    } catch (e) {
      return this.finish(version, "failed", `candidate does not load: ${(e as Error).message}`, result);
    }
    const entry: LearnedEntry = {
      version,
      trained_at: result.trained_at,
      accepted_at: "",
      history: result.history,
      candidate: result.candidate,
      current: result.current,
      replaced: `${current.name}@${current.version}`,
    };
    this.probation = { model, previous: current, entry, rounds: 0, flagged: 0, scored: 0 };
    await this.host.swap(model, {});
    this.inUse = { source: "learned", version };
    this.o.log.info({ from: entry.replaced, to: `learned@${version}`, reason: v.reason }, "learned model swapped in (on probation)");
    await this.finish(version, "swapped", v.reason, result);
  }

  private async finish(version: string, outcome: Outcome, reason: string, r: JobResult | null): Promise<void> {
    this.runsCounter.inc({ outcome });
    const now = this.clock.now();
    const last: LastRun = {
      at: new Date(now).toISOString(),
      version,
      outcome,
      reason: reason.slice(0, 1000),
      history: r?.history ?? null,
      candidate: r?.candidate ?? null,
      current: r?.current ?? null,
      wall_ms: r?.wall_ms ?? 0,
      busy_ms: r?.busy_ms ?? 0,
    };
    if (outcome === "refused") this.o.log.error({ version, reason }, "candidate refused");
    else if (outcome === "failed") this.o.log.error({ version, reason }, "training run failed");
    else if (outcome === "kept") this.o.log.info({ version, reason }, "candidate not better: keeping the model in use");
    this.state = { ...this.state, runs: this.state.runs + 1, last_run: last, next_run_at: now + this.o.settings.everyMs };
    this.save();
    await this.saved;
  }

  // ---- reporting ----------------------------------------------------------------------------

  /** The `learn` block of `/status`. */
  status(): Record<string, unknown> {
    const h = this.history.stats();
    const cur = this.state.current;
    const p = this.probation;
    return {
      mode: this.o.reportOnly ? "report_only" : "swap",
      in_use: this.inUse.source === "learned" ? { source: "learned", version: this.inUse.version } : { source: "configured", ref: this.o.fallbackRef },
      accepted: cur
        ? {
            version: cur.version,
            trained_at: cur.trained_at,
            accepted_at: cur.accepted_at,
            history: cur.history,
            candidate: cur.candidate,
            replaced_model: cur.current,
            replaced: cur.replaced,
          }
        : null,
      probation: p ? { version: p.entry.version, rounds: p.rounds, of: this.o.settings.probationRounds, flagged: p.flagged, scored: p.scored } : null,
      running: this.running ? { version: this.running.version, phase: this.running.phase, started_at: new Date(this.running.startedAt).toISOString() } : null,
      last_run: this.state.last_run,
      runs: this.state.runs,
      next_run_at: this.state.next_run_at !== null ? new Date(this.state.next_run_at).toISOString() : null,
      waiting_for: this.waitingFor() ?? null,
      history: {
        series: h.series,
        points: h.points,
        bytes: h.bytes,
        max_bytes: this.o.settings.historyMaxBytes,
        segments: h.segments,
        oldest: h.oldestMs !== null ? new Date(h.oldestMs).toISOString() : null,
        newest: h.newestMs !== null ? new Date(h.newestMs).toISOString() : null,
        skipped_segments: this.skippedTotal,
      },
      budget: this.o.settings.budget,
      state_error: this.stateError ?? null,
    };
  }

  /** `/status` `model.source` and `model.previous` while a learned model scores (undefined otherwise). */
  modelSource(): { source: string; previous: unknown } | undefined {
    if (this.inUse.source !== "learned") return undefined;
    const replaced = this.probation?.entry.replaced ?? this.state.current?.replaced;
    return { source: "learned", previous: replaced ?? null };
  }

  /** The heartbeat's `learn` field. */
  heartbeat(): HeartbeatLearn {
    const last = this.state.last_run;
    const cur = this.state.current;
    const h = this.history.stats();
    return {
      in_use: this.inUse.source === "learned" ? (this.inUse.version ?? null) : null,
      trained_at: cur?.trained_at ?? null,
      history_series: h.series,
      history_points: h.points,
      history_span_s: h.oldestMs !== null && h.newestMs !== null ? Math.max(0, Math.round((h.newestMs - h.oldestMs) / 1000)) : 0,
      last_outcome: last?.outcome ?? null,
      last_reason: last ? last.reason.slice(0, 300) : null,
      candidate_f1: last?.candidate?.f1 ?? null,
      current_f1: last?.current?.f1 ?? null,
      next_run_at: this.state.next_run_at !== null ? new Date(this.state.next_run_at).toISOString() : null,
    };
  }

  /** Releases the model kept for a return during probation. */
  dispose(): void {
    this.probation?.previous.dispose();
    this.probation = undefined;
  }
}
