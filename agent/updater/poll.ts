/**
 * One poll of the registry and what follows from its answer: resolve (with the last ETag) →
 * {@link decide} → install (from disk, or downloaded and verified) → load and warm up → swap.
 * Network trouble leaves the ETag unset, so the same answer is tried again at the next poll; a
 * deliberate outcome (kept, refused, failed to load) keeps the ETag, so it is not retried while
 * the registry's answer stays the same.
 */
import { RegistryAnswerError } from "../../models/registry-protocol/answers.ts";
import { RegistryError } from "../../models/registry-protocol/errors.ts";
import type { ScoringModel } from "../../models/model.ts";
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import { decide } from "./decide.ts";
import { ensureCredential } from "./identity.ts";
import { downloadVersion } from "./install.ts";
import { checkRollbackStatement } from "./trust.ts";
import { loadReadyModel, ModelLoadError } from "./load.ts";
import { removeVersion, versionDir } from "./paths.ts";
import type { PollResult } from "./types.ts";
import type { ModelUpdater } from "./updater.ts";

/**
 * Polls once and acts on the answer; never throws. Returns (and records for `/status`) the result.
 * The resolve answer is parsed strictly by the client (safe names, this model, channel and
 * agent); a malformed one is an error counted as `bad_answer` and retried at the next poll.
 *
 * @example
 * const r = await pollOnce(updater); // { result: "switched", version: "8", at: "…" }
 */
export async function pollOnce(up: ModelUpdater): Promise<PollResult> {
  const { registry: cfg, agentId, log } = up.o;
  const u = up.u;
  const done = (r: Omit<PollResult, "at">): PollResult => (u.lastPoll = { at: new Date(up.now()).toISOString(), ...r });
  // The stop signal of the loop this poll belongs to (a reload starts new loops with a new one).
  const signal = up.signal;
  if (!(await ensureCredential(up))) return done({ result: "error", detail: "not enrolled yet" });
  let answer;
  try {
    answer = await up.client.resolve(cfg.name, cfg.channel, agentId, u.etag);
  } catch (error) {
    return failed(up, error instanceof RegistryAnswerError ? "bad_answer" : "resolve_failed", error, done);
  }
  u.pollErrors = 0;
  if (answer.status === "not_modified") return done({ result: "not_modified", version: u.lastResolution?.version });
  const res = answer.value;
  u.lastResolution = res;
  const strict = !!up.publisherKeys;
  const statement = up.publisherKeys ? await checkRollbackStatement(res, u.state, up.publisherKeys) : undefined;
  const d = decide(res, { state: u.state, running: u.running, rejected: u.rejected, strict, statement });
  if (d.action === "keep") {
    u.etag = answer.etag ?? undefined;
    return done({ result: "up_to_date", version: res.version });
  }
  if (d.action !== "install") {
    u.etag = answer.etag ?? undefined;
    if (d.action === "refuse") {
      up.error(statement && !statement.ok ? "bad_rollback_statement" : "refused_older", d.reason);
      log.warn(
        { model: res.model, version: res.version, published_at: res.published_at, newest_accepted: u.state.newest_published_at },
        `refused: ${d.reason}`,
      );
    }
    return done({ result: d.action === "refuse" ? "refused" : "skipped", version: res.version, detail: d.reason });
  }
  let model: ScoringModel | undefined;
  let installed = false;
  u.installing = res.version;
  try {
    const dir = versionDir(up.o.dataDir, cfg.name, res.version);
    if (d.from === "disk") model = await loadReadyModel(dir).catch(() => undefined);
    if (!model) {
      const got = await downloadVersion(up.client, res, dir);
      installed = true;
      log.info({ model: res.model, version: res.version, bytes: got.bytes, signed: got.signed, cohort: res.cohort }, "model version downloaded and verified");
      model = await loadReadyModel(dir);
    }
  } catch (error) {
    if (error instanceof RegistryError && error.retryable && !REFUSALS.includes(error.code)) {
      return failed(up, error instanceof RegistryAnswerError ? "bad_answer" : "download_failed", error, done);
    }
    const reason = error instanceof ModelLoadError ? `${error.stage === "warmup" ? "warm-up" : "load"} failed: ${error.message}` : (error as Error).message;
    u.etag = answer.etag ?? undefined;
    // Over our size limit, not signed by our key, redirected: not a verdict on the content — not remembered across restarts.
    up.reject(res.version, res.digest, reason, !(error instanceof RegistryError && LOCAL_VERDICTS.includes(error.code)));
    up.countLoadFailure(res.version);
    const type = error instanceof RegistryError ? error.code : "model_load_failed";
    up.error(type, `${res.model}@${res.version}: ${reason}`);
    log.error({ model: res.model, version: res.version, reason }, "new model version refused; keeping the running model");
    // Only what this poll installed is removed, and only inside <data_dir>/models/<name>/.
    if (installed && !isKept(up, res)) await removeVersion(up.o.dataDir, cfg.name, res.version);
    return done({ result: "load_failed", version: res.version, detail: reason });
  } finally {
    u.installing = undefined;
  }
  if (signal?.aborted) {
    model.dispose();
    return done({ result: "error", version: res.version, detail: "stopped" });
  }
  await up.switchTo(model, res, statement?.ok ? statement.counter : undefined);
  u.etag = answer.etag ?? undefined;
  return done({ result: "switched", version: res.version, detail: `cohort ${res.cohort}${res.rollback ? ", rollback" : ""}` });
}

/** Refusals that depend on this agent's settings (`max_bundle_size`, `public_key`) or on the transport (a redirect): not persisted in rejected.json. */
const LOCAL_VERDICTS = ["too_large", "bad_signature", "unsigned_bundle", "redirect"];

/** Download failures that are verdicts on the bundle, not network trouble: never retried for the same answer. */
const REFUSALS = ["bad_bundle", "bad_signature", "unsigned_bundle", "digest_mismatch"];

function isKept(up: ModelUpdater, res: Resolution): boolean {
  const s = up.u.state;
  return s.current?.version === res.version || s.previous?.version === res.version;
}

function failed(up: ModelUpdater, type: string, error: unknown, done: (r: Omit<PollResult, "at">) => PollResult): PollResult {
  const u = up.u;
  if (up.signal?.aborted) return done({ result: "error", detail: "stopped" });
  u.pollErrors++;
  const message = (error as Error).message;
  up.error(type, message);
  const running = up.host?.current();
  if (u.pollErrors === 1 || u.pollErrors % 20 === 0) {
    up.o.log.warn(
      {
        registry: up.o.registry.url,
        err: message,
        failures: u.pollErrors,
        model: running?.name,
        version: running?.version,
        source: u.source,
        started_from: u.startedFrom,
      },
      `registry poll failed; running ${running?.name}@${running?.version} (${u.source === "registry" ? "last good registry model" : `configured ${u.source} model`})`,
    );
  }
  return done({ result: "error", detail: message });
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Polls until `signal` aborts: every `poll_interval` × a jitter in [0.8, 1.2); after failures the
 * interval doubles per failure up to 8× (at most 5 minutes unless the interval is longer).
 */
export async function pollLoop(up: ModelUpdater, signal: AbortSignal): Promise<void> {
  const interval = up.o.registry.pollIntervalMs;
  const random = up.o.random ?? Math.random;
  while (!signal.aborted) {
    await pollOnce(up).catch((error: Error) => {
      // pollOnce handles every failure it knows; anything else is a bug — counted, never fatal.
      up.u.pollErrors++;
      up.error("poll_crashed", `poll failed unexpectedly: ${error?.message ?? String(error)}`);
    });
    const factor = up.u.pollErrors ? Math.min(2 ** (up.u.pollErrors - 1), 8) : 1;
    const base = Math.min(interval * factor, Math.max(interval, 300_000));
    await sleep(base * (0.8 + 0.4 * random()), signal);
  }
}
