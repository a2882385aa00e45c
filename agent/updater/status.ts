/** The updater's part of the agent's `/status`: model source, versions, last poll, heartbeats. */
import type { ModelUpdater } from "./updater.ts";

/**
 * The `registry` block of `/status`.
 *
 * @example
 * { url, name, channel, started_from: "state.json", last_poll: { at, result: "error", detail: "…unreachable" }, … }
 */
export function updaterStatus(up: ModelUpdater): Record<string, unknown> {
  const { registry: cfg } = up.o;
  const u = up.u;
  const wanted = u.lastResolution?.version;
  return {
    url: cfg.url,
    name: cfg.name,
    channel: cfg.channel,
    started_from: u.startedFrom,
    // How this agent authenticates: its own credential, not yet enrolled, or the shared token (legacy).
    identity: u.credential ? "enrolled" : cfg.enrollToken || cfg.enrollTokenFile ? "not_enrolled" : "shared_token",
    publisher_keys: up.publisherKeys ? [...up.publisherKeys.keys()] : [],
    rollback_counter: u.state.rollback_counter ?? 0,
    poll_interval_ms: cfg.pollIntervalMs,
    last_poll: u.lastPoll ?? null,
    resolved: u.lastResolution
      ? { version: u.lastResolution.version, cohort: u.lastResolution.cohort, bucket: u.lastResolution.bucket, rollback: u.lastResolution.rollback ?? false }
      : null,
    accepted: u.state.current?.version ?? null,
    probation: up.probationInfo() ?? null,
    target: wanted && (u.source !== "registry" || wanted !== u.running?.version) ? wanted : null,
    rejected: [...u.rejected].map(([version, r]) => ({ version, reason: r.reason })),
    load_failures: u.failures.load,
    scoring_failures: u.failures.scoring,
    last_error: u.lastError ? { at: new Date(u.lastError.at).toISOString(), message: u.lastError.message } : null,
    errors: { ...u.errorCounts },
    heartbeats: { interval_ms: cfg.heartbeatIntervalMs, sent: u.heartbeats.sent, failed: u.heartbeats.failed, last_error: u.heartbeats.lastError ?? null },
  };
}

/**
 * The `model` fields `/status` adds: where the model came from and what ran before it.
 *
 * @example
 * { source: "registry", previous: { name: "host-ae", version: "6", source: "registry" } }
 */
export function modelSourceStatus(up: ModelUpdater): { source: string; previous: unknown } {
  return { source: up.u.source, previous: up.u.previous ?? null };
}
