/**
 * Runs `agent eval` on a version in a child process — the same code an operator runs — bounded
 * in time and memory, one at a time (a queue), never on the HTTP server's thread: the bundle
 * and the evaluation set are written to a private temporary directory, the child prints
 * `agent eval --json`, and the result (or why it failed) is stored with the version.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import type { Manifest } from "../../../models/format/manifest.ts";
import { EvalMetricsSchema, type EvalMetrics } from "../../../models/registry-protocol/evaluation.ts";
import { installBundle } from "../../../models/registry-protocol/install.ts";
import { oneLine } from "../http/one-line.ts";
import type { RegistryStore } from "../store/index.ts";
import { runBounded } from "./child.ts";
import { EvalSetError, type EvalSetSummary, writeEvalSet } from "./eval-set.ts";

/** How evaluations run. */
export interface EvalRunnerOptions {
  /** argv prefix of the agent (`[agent]` for the binary, `[bun, agent/main.ts]` from source); `eval --model … --data … --json` is appended. */
  command: string[];
  /** Kill an evaluation running longer than this (ms). */
  timeoutMs: number;
  /** Kill an evaluation whose resident memory exceeds this (MiB; read from /proc every `pollMs`). */
  maxRssMb: number;
  /** Most evaluations waiting; more are refused (failed with the reason). */
  maxQueue: number;
  pollMs: number;
}

/** Named defaults of {@link EvalRunnerOptions} (without `command`). */
export const EVAL_RUNNER_DEFAULTS = { timeoutMs: 300_000, maxRssMb: 2048, maxQueue: 64, pollMs: 100 } as const;

/** Bounds of an evaluation-set check (reading at most `--max-eval-set-mb` of rows). */
export const EVAL_SET_CHECK_BOUNDS = { timeoutMs: 120_000, maxRssMb: 1024 } as const;

interface Job {
  model: string;
  version: string;
  digest: string;
}

/**
 * The evaluation queue of a registry.
 *
 * @example
 * const runner = new EvalRunner(store, { ...EVAL_RUNNER_DEFAULTS, command: [process.execPath, "agent/main.ts"] });
 * runner.enqueue("host-ae", "8"); // evaluates on the model's current evaluation set
 */
export class EvalRunner {
  private readonly queue: Job[] = [];
  private busy = false;
  private idle: (() => void)[] = [];
  private stopped = false;
  private current?: { kill(): void };

  constructor(
    private readonly store: RegistryStore,
    private readonly o: EvalRunnerOptions,
    private readonly log?: Logger,
  ) {
    for (const j of store.evals.unfinished()) this.queue.push({ model: j.model, version: j.version, digest: j.set_digest });
    queueMicrotask(() => this.pump());
  }

  /**
   * Queues an evaluation of `model@version` on the model's current evaluation set (none: false).
   * An existing evaluation on that set is kept unless `force` (then a failed or done one runs again).
   */
  enqueue(model: string, version: string, force = false): boolean {
    const set = this.store.evals.evalSetInfo(model);
    if (!set || this.stopped) return false;
    if (this.queue.length >= this.o.maxQueue) {
      if (this.store.evals.queue(model, version, set.digest, force))
        this.store.evals.finished(model, version, set.digest, {
          error: `evaluation queue full (${this.o.maxQueue} waiting); ask again later`,
          durationMs: 0,
          peakRssMb: null,
        });
      return false;
    }
    if (!this.store.evals.queue(model, version, set.digest, force)) return false;
    this.queue.push({ model, version, digest: set.digest });
    queueMicrotask(() => this.pump());
    return true;
  }

  /** Resolves once nothing is queued or running (tests). */
  whenIdle(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops taking work and kills a running evaluation (it is run again by the next start). */
  stop(): void {
    this.stopped = true;
    this.current?.kill();
  }

  /**
   * Checks an evaluation-set directory in a child process (`<agent> registry check-eval-set DIR`,
   * bounded by {@link EVAL_SET_CHECK_BOUNDS}; not queued behind evaluations). Throws {@link EvalSetError}.
   */
  async checkSet(dir: string, maxPoints: number): Promise<EvalSetSummary> {
    const run = await runBounded([...this.o.command, "registry", "check-eval-set", dir, "--max-points", String(maxPoints)], {
      ...EVAL_SET_CHECK_BOUNDS,
      pollMs: this.o.pollMs,
    });
    if (run.killed) throw new EvalSetError(422, "invalid_eval_set", `checking the eval set ${run.killed}`);
    let json: { ok?: boolean; reason?: string; series?: number; points?: number; anomalous_points?: number } | undefined;
    try {
      json = JSON.parse(run.stdout);
    } catch {
      json = undefined;
    }
    if (json?.ok === false && typeof json.reason === "string") throw new EvalSetError(422, "invalid_eval_set", oneLine(json.reason, 1000));
    const n = (x: unknown) => (typeof x === "number" && Number.isInteger(x) && x >= 0 ? x : undefined);
    const series = n(json?.series);
    const points = n(json?.points);
    const anomalous = n(json?.anomalous_points);
    if (run.code !== 0 || json?.ok !== true || series === undefined || points === undefined || anomalous === undefined)
      throw new Error(`the eval-set check failed (exit ${run.code}): ${oneLine(run.stderr || run.stdout, 500)}`);
    return { series, points, anomalous_points: anomalous };
  }

  private async pump(): Promise<void> {
    if (this.busy || this.stopped) return;
    const job = this.queue.shift();
    if (!job) {
      for (const f of this.idle.splice(0)) f();
      return;
    }
    this.busy = true;
    try {
      await this.run(job);
    } catch (error) {
      this.log?.error({ err: error, ...job }, "evaluation crashed");
    } finally {
      this.busy = false;
      queueMicrotask(() => this.pump());
    }
  }

  private async run(job: Job): Promise<void> {
    const { store } = this;
    const set = store.evals.evalSet(job.model);
    const rec = store.versions.get(job.model, job.version);
    if (!set || set.info.digest !== job.digest || !rec) {
      store.evals.finished(job.model, job.version, job.digest, {
        error: "the evaluation set or the version changed before it ran",
        durationMs: 0,
        peakRssMb: null,
      });
      return;
    }
    store.evals.started(job.model, job.version, job.digest);
    const started = performance.now();
    const dir = await mkdtemp(join(tmpdir(), "registry-eval-"));
    let peak: number | null = null;
    let outcome: { result?: EvalMetrics; error?: string };
    try {
      const manifest = JSON.parse(rec.manifest) as Manifest;
      const files = new Map<string, Uint8Array>();
      for (const f of manifest.files) files.set(f.path, await store.blobs.get(f.sha256));
      await installBundle({ manifest, files }, join(dir, "bundle"));
      await writeEvalSet(join(dir, "data"), set.files);
      const run = await runBounded(
        [...this.o.command, "eval", "--model", join(dir, "bundle"), "--data", join(dir, "data"), "--json"],
        this.o,
        (kill) => (this.current = { kill }),
      );
      this.current = undefined;
      peak = run.peakRssMb;
      if (run.killed) outcome = { error: `agent eval ${run.killed}` };
      else if (run.code !== 0)
        outcome = { error: `agent eval exited with ${run.code}: ${oneLine(run.stderr.split(`${dir}/`).join(""), 1000) || "(no message)"}` };
      else {
        let json: unknown;
        try {
          json = JSON.parse(run.stdout);
        } catch {
          json = undefined;
        }
        const parsed = EvalMetricsSchema.safeParse(json);
        outcome = parsed.success ? { result: parsed.data } : { error: `agent eval printed no evaluation result: ${oneLine(run.stdout, 200)}` };
      }
    } catch (error) {
      outcome = { error: oneLine(`evaluation could not start: ${(error as Error).message}`, 1000) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const durationMs = performance.now() - started;
    if (this.stopped) return; // left "running": the next start runs it again
    store.evals.finished(job.model, job.version, job.digest, { ...outcome, durationMs, peakRssMb: peak === null ? null : Math.round(peak) });
    this.log?.info({ ...job, ms: Math.round(durationMs), error: outcome.error }, "evaluation finished");
    const r = outcome.result;
    store.events.record({
      type: "evaluation_finished",
      model: job.model,
      version: job.version,
      actor: "evaluator",
      detail: {
        set_digest: job.digest,
        ok: !outcome.error,
        error: outcome.error ?? null,
        duration_ms: Math.round(durationMs),
        ...(r ? { event_f1: r.event_f1, f1: r.f1, pr_auc: r.pr_auc, roc_auc: r.roc_auc } : {}),
      },
    });
  }
}
