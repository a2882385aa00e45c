/**
 * The model updater: follows `model.registry` — which model runs at start (the last good one
 * from `state.json`, else the configured fallback), what happens to each resolve answer
 * (`poll.ts`), the probation of a newly switched model (its first rounds; an exception or a
 * non-finite score returns to the previous model), and the heartbeats (`heartbeat.ts`).
 */
import { readFile } from "node:fs/promises";
import type { ModelFailure, RoundInfo } from "../../core/scoring/scorer.ts";
import { loadModel } from "../../models/load.ts";
import type { ScoringModel } from "../../models/model.ts";
import { createRegistryClient, type RegistryClient } from "../../models/registry-protocol/client.ts";
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import type { PublisherKeys } from "../../models/registry-protocol/publisher.ts";
import { importPublicKey } from "../../models/registry-protocol/signature.ts";
import { readCredential } from "./identity.ts";
import { loadPublisherKeys } from "./trust.ts";
import { pruneVersions } from "./install.ts";
import { MAX_REJECTED, readRejected, writeRejected } from "./rejected.ts";
import { loadReadyModel, sameFeatures } from "./load.ts";
import { readRegistryCredentials, registryFetch } from "./transport.ts";
import { RoundStats } from "./stats.ts";
import { accept, emptyState, readModelState, versionDir, writeModelState } from "./state.ts";
import type { ModelRef, ModelSource, ModelUpdaterOptions, UpdaterHost, UpdaterState } from "./types.ts";

/** Thrown by {@link ModelUpdater.init} when the public key file is unusable. */
export class UpdaterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UpdaterConfigError";
  }
}

interface Probation {
  /** Counter of the rollback statement that allowed this version, remembered on acceptance. */
  rollbackCounter?: number;
  model: ScoringModel;
  version: string;
  digest: string;
  publishedAt: string | null;
  /** The model swapped out, kept loaded to return to. */
  previousModel: ScoringModel;
  /** Rounds of this model that scored at least one window (warm-up rounds do not count). */
  scored: number;
  before: { running?: { version: string; digest: string }; source: ModelSource; previous?: ModelRef };
}

/**
 * Follows a model on a registry channel. The runtime calls {@link init} for the first model,
 * {@link attach}es itself, runs {@link run} until shutdown and forwards the scorer's rounds
 * and failures ({@link onRound}, {@link onModelFailure}).
 *
 * @example
 * const updater = new ModelUpdater({ registry, agentId, hostName, dataDir, fallbackRef: "online:default", log, telemetry });
 * const model = await updater.init();
 * updater.attach(host);
 * await updater.run(signal);
 */
export class ModelUpdater {
  readonly u: UpdaterState;
  readonly stats: RoundStats;
  client!: RegistryClient;
  host?: UpdaterHost;
  private probation?: Probation;
  /** Aborts the requests of the running loops (set by `runUpdater`). */
  signal?: AbortSignal;
  /** Publisher keys (`publisher_keys`): bundles and rollbacks must be signed by one. */
  publisherKeys?: PublisherKeys;
  /** The enrollment in flight, if any. */
  enrolling?: Promise<boolean>;
  /** The last state write (writes are chained, never concurrent). */
  saved: Promise<void> = Promise.resolve();
  readonly now: () => number;
  readonly startedAt: number;

  constructor(readonly o: ModelUpdaterOptions) {
    this.now = o.now ?? Date.now;
    this.startedAt = this.now();
    this.stats = new RoundStats(this.now);
    this.u = {
      state: emptyState(o.registry.name),
      source: "online",
      rejected: new Map(),
      pollErrors: 0,
      failures: { load: 0, scoring: 0 },
      startedFrom: "fallback",
      heartbeats: { sent: 0, failed: 0 },
      errorCounts: {},
    };
  }

  /** Sets up the client (public key) and returns the model to start with; `preloaded` is the fallback when given. */
  async init(preloaded?: ScoringModel): Promise<ScoringModel> {
    const r = this.o.registry;
    let publicKey: CryptoKey | undefined;
    if (r.publicKey) {
      try {
        publicKey = await importPublicKey(await readFile(r.publicKey, "utf8"));
      } catch (error) {
        throw new UpdaterConfigError(`model.registry.public_key ${r.publicKey}: ${(error as Error).message}`);
      }
    }
    if (r.publisherKeys) {
      try {
        this.publisherKeys = await loadPublisherKeys(r.publisherKeys);
      } catch (error) {
        throw new UpdaterConfigError((error as Error).message);
      }
    }
    const cred = await readCredential(this.o.dataDir, this.o.agentId).catch((e: Error) => {
      this.o.log.warn({ err: e.message }, "ignoring an unreadable registry credential file");
      return undefined;
    });
    if (cred) this.u.credential = cred.credential;
    let creds: ReturnType<typeof readRegistryCredentials>;
    try {
      creds = readRegistryCredentials(r);
    } catch (error) {
      throw new UpdaterConfigError((error as Error).message);
    }
    const { token, ca } = creds;
    // Requests end at once when the loops stop (shutdown, SIGHUP reload), whatever their timeout.
    const send = this.o.fetch ?? registryFetch(ca);
    const abortable = (req: Request) => send(this.signal ? new Request(req, { signal: AbortSignal.any([req.signal, this.signal]) }) : req);
    this.client = createRegistryClient({
      url: r.url,
      // The agent's own credential once enrolled; else the shared token (legacy).
      token: () => this.u.credential ?? token,
      publicKey,
      publisherKeys: this.publisherKeys,
      fetch: abortable,
      timeoutMs: r.requestTimeoutMs ?? Math.max(30_000, r.pollIntervalMs),
      maxBundleBytes: r.maxBundleBytes,
    });
    this.u.rejected = await readRejected(this.o.dataDir, r.name).catch((e: Error) => {
      this.o.log.warn({ err: e.message }, "ignoring unreadable list of rejected versions");
      return new Map();
    });
    const saved = await readModelState(this.o.dataDir).catch((e: Error) => void this.o.log.warn({ err: e.message }, "ignoring unreadable model state"));
    if (saved && saved.model !== r.name) this.o.log.info({ state_model: saved.model, model: r.name }, "model state belongs to another model; starting fresh");
    if (saved?.model === r.name) this.u.state = saved;
    for (const cand of [this.u.state.current, this.u.state.previous]) {
      if (!cand) continue;
      try {
        const model = await loadReadyModel(versionDir(this.o.dataDir, r.name, cand.version));
        preloaded?.dispose();
        Object.assign(this.u, { running: { version: cand.version, digest: cand.digest }, source: "registry", startedFrom: "state.json" });
        if (cand === this.u.state.current && this.u.state.previous)
          this.u.previous = { name: r.name, version: this.u.state.previous.version, source: "registry" };
        this.o.log.info({ model: r.name, version: cand.version, registry: r.url }, "starting on the last good registry model (from models/state.json)");
        return model;
      } catch (error) {
        this.o.log.warn({ model: r.name, version: cand.version, err: (error as Error).message }, "cannot load a remembered registry model");
      }
    }
    const model = preloaded ?? (await loadModel(this.o.fallbackRef));
    this.u.source = this.o.fallbackRef.startsWith("online:") ? "online" : "bundle";
    this.o.log.info({ model: model.name, version: model.version, registry: r.url }, "no registry model accepted yet: starting on the configured model");
    return model;
  }

  /** Connects the runtime (the scorer's swap and the heartbeat's figures). */
  attach(host: UpdaterHost): void {
    this.host = host;
  }

  /** Records an error for `/status` and the heartbeat's `last_error`, and counts it (`component="updater"`). */
  error(type: string, message: string): void {
    this.u.lastError = { at: this.now(), message: message.slice(0, 2000) };
    this.u.errorCounts[type] = (this.u.errorCounts[type] ?? 0) + 1;
    this.o.telemetry.error("updater", type);
  }

  /**
   * Rejects `version` with `digest` (never tried again while the registry serves that content);
   * remembered in `models/rejected.json` across restarts unless `persist` is false.
   */
  reject(version: string, digest: string, reason: string, persist = true): void {
    this.u.rejected.delete(version);
    this.u.rejected.set(version, { digest, reason });
    for (const old of this.u.rejected.keys()) if (this.u.rejected.size > MAX_REJECTED) this.u.rejected.delete(old);
    if (!persist) return;
    const snapshot = new Map(this.u.rejected);
    this.saved = this.saved
      .then(() => writeRejected(this.o.dataDir, this.o.registry.name, snapshot))
      .catch((e: Error) => this.error("state_write_failed", `cannot write models/rejected.json: ${e.message}`));
  }

  /** Swaps a loaded, warmed-up registry model in; it is on probation for its first rounds. */
  async switchTo(model: ScoringModel, res: Resolution, rollbackCounter?: number): Promise<void> {
    const before = { running: this.u.running, source: this.u.source, previous: this.u.previous };
    let kept = false;
    const prev = await this.host!.swap(model, { keepState: (cur) => (kept = sameFeatures(cur, model)) });
    this.probation?.previousModel.dispose();
    this.probation = {
      model,
      version: res.version,
      digest: res.digest,
      publishedAt: res.published_at ?? null,
      previousModel: prev,
      scored: 0,
      before,
      rollbackCounter,
    };
    this.u.previous = { name: prev.name, version: prev.version, source: this.u.source };
    this.u.running = { version: res.version, digest: res.digest };
    this.u.source = "registry";
    this.u.failures = { ...this.u.failures, scoringOf: res.version, scoring: 0 };
    if (this.u.failures.target === res.version) this.u.failures = { ...this.u.failures, target: undefined, load: 0 };
    this.o.log.info(
      {
        model: res.model,
        from: `${prev.name}@${prev.version}`,
        to: `${res.model}@${res.version}`,
        cohort: res.cohort,
        rollback: res.rollback ?? false,
        keep_state: kept,
      },
      "model switched",
    );
  }

  /** Scorer hook: counts the round and accepts a model that passed probation. */
  onRound(r: RoundInfo): void {
    this.stats.add(r);
    const p = this.probation;
    if (!p || r.model !== p.model) return;
    if (r.scored > 0) p.scored++;
    if (p.scored < (this.o.probationRounds ?? 5)) return;
    this.probation = undefined;
    p.previousModel.dispose();
    this.u.state = accept(
      this.u.state,
      { version: p.version, digest: p.digest, published_at: p.publishedAt, accepted_at: new Date(this.now()).toISOString() },
      p.rollbackCounter,
    );
    const state = this.u.state;
    const keep = [state.current?.version, state.previous?.version].filter((v): v is string => !!v);
    this.saved = this.saved
      .then(() => writeModelState(this.o.dataDir, state))
      .then(() => pruneVersions(this.o.dataDir, this.o.registry.name, () => [...keep, this.u.installing ?? ""]))
      .then(() =>
        this.o.log.info(
          { model: this.o.registry.name, version: p.version, previous: state.previous?.version ?? null },
          "model accepted (remembered in models/state.json)",
        ),
      )
      .catch((e: Error) => this.error("state_write_failed", `cannot write models/state.json: ${e.message}`));
  }

  /** Scorer hook: in probation, return to the previous model (and never retry this digest); else count. */
  onModelFailure(f: ModelFailure): ScoringModel | undefined {
    const p = this.probation;
    const reason = `${f.kind === "exception" ? "scoring failed" : "non-finite score"} in round ${f.roundsSinceSwap + 1}: ${f.error.message}`;
    if (!p || f.model !== p.model) {
      if (this.u.failures.scoringOf !== f.model.version) this.u.failures = { ...this.u.failures, scoringOf: f.model.version, scoring: 0 };
      this.u.failures.scoring++;
      this.error("model_scoring_failed", `${f.model.name}@${f.model.version}: ${reason}`);
      return undefined;
    }
    this.probation = undefined;
    this.reject(p.version, p.digest, reason);
    this.countLoadFailure(p.version);
    this.error("model_rolled_back", `${f.model.name}@${p.version} ${reason}; back to ${p.previousModel.version}`);
    Object.assign(this.u, { running: p.before.running, source: p.before.source, previous: p.before.previous });
    setTimeout(() => f.model.dispose(), 0);
    this.o.log.error(
      { model: f.model.name, version: p.version, back_to: p.previousModel.version, reason },
      "new model failed in its first rounds: returned to the previous model",
    );
    return p.previousModel;
  }

  /** Counts one failure to run `version` (reset when the target changes). */
  countLoadFailure(version: string): void {
    if (this.u.failures.target !== version) this.u.failures = { ...this.u.failures, target: version, load: 0 };
    this.u.failures.load++;
  }

  /** The version on probation, if any. */
  probationInfo(): { version: string; scored_rounds: number } | undefined {
    return this.probation && { version: this.probation.version, scored_rounds: this.probation.scored };
  }

  /** Releases the model kept for a return during probation. */
  dispose(): void {
    this.probation?.previousModel.dispose();
    this.probation = undefined;
  }
}
