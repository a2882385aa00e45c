/**
 * Heartbeats to the registry (`POST /v1/heartbeat`): what runs, what the registry asked for
 * (`target`, while it differs), the interval's figures, sinks, and failures per version — the
 * canary guard reads `load_failures` against `target`. A failed heartbeat is counted
 * (`agent_component_errors_total{component="registry",error_type="heartbeat_failed"}`) and
 * logged at most once a minute; it never stops the agent.
 */
import { every } from "../../core/runtime/every.ts";
import { HEARTBEAT_DRIFT_TOP, type Heartbeat, type HeartbeatDrift, type HeartbeatShadow } from "../../models/registry-protocol/heartbeat.ts";
import type { DriftStatus } from "../../core/scoring/drift.ts";
import type { ShadowStatus } from "../../core/scoring/shadow.ts";
import { AGENT_VERSION } from "../version.ts";
import { ensureCredential } from "./identity.ts";
import type { ModelUpdater } from "./updater.ts";

/**
 * The heartbeat body for now; takes (and restarts) the interval's statistics.
 *
 * @example
 * await client.heartbeat(buildHeartbeat(updater));
 */
export function buildHeartbeat(up: ModelUpdater): Heartbeat {
  const { registry: cfg, agentId, hostName } = up.o;
  const u = up.u;
  const model = up.host?.current();
  const facts = up.host?.facts() ?? { bufferDepth: 0, sinks: [] };
  const recent = u.lastError && up.now() - u.lastError.at <= 2 * cfg.heartbeatIntervalMs ? u.lastError.message : undefined;
  const sinkError = facts.sinks.find((s) => s.last_error)?.last_error;
  const hb: Heartbeat = {
    agent_id: agentId,
    host: hostName,
    agent_version: AGENT_VERSION,
    model: { name: model?.name ?? "none", version: model?.version ?? "none" },
    channel: cfg.channel,
    uptime_s: Math.round((up.now() - up.startedAt) / 1000),
    ...up.stats.take(),
    buffer_depth: facts.bufferDepth,
    sinks: facts.sinks.slice(0, 64).map((s) => ({ id: s.id, state: s.state })),
    last_error: (recent ?? sinkError ?? null)?.slice(0, 2000) ?? null,
    interval_s: cfg.heartbeatIntervalMs / 1000,
    load_failures: u.failures.target ? u.failures.load : 0,
    scoring_failures: u.failures.scoringOf === model?.version ? u.failures.scoring : 0,
  };
  if (facts.drift) hb.drift = heartbeatDrift(facts.drift);
  if (facts.shadow) hb.shadow = heartbeatShadow(facts.shadow);
  const learn = up.o.learnFacts?.();
  if (learn) hb.learn = learn;
  const wanted = u.lastResolution?.version;
  if (wanted && (u.source !== "registry" || wanted !== u.running?.version)) hb.target = { name: cfg.name, version: wanted };
  else if (u.failures.target && u.failures.target !== u.running?.version) hb.target = { name: cfg.name, version: u.failures.target };
  return hb;
}

/** The heartbeat's `drift`: the summary's numbers within the schema's bounds (series names cut to 256 characters). */
export function heartbeatDrift(d: DriftStatus): HeartbeatDrift {
  const psi = (x: number) => (Number.isFinite(x) ? Math.min(1000, Math.max(0, x)) : 0);
  return {
    level: d.level,
    series: d.series,
    ready: d.ready,
    drifted: d.drifted,
    untracked: d.untracked,
    max_psi: psi(d.maxPsi),
    top: d.top.slice(0, HEARTBEAT_DRIFT_TOP).map((t) => ({ series: t.series.slice(0, 256) || "?", psi: psi(t.psi) })),
    score: { psi: psi(d.score.psi), ready: d.score.ready, drifted: d.score.drifted },
  };
}

/** The heartbeat's `shadow`: the comparison's figures. */
export function heartbeatShadow(s: ShadowStatus): HeartbeatShadow {
  return {
    model: { name: s.model.name.slice(0, 72), version: s.model.version.slice(0, 64) },
    points: s.points,
    agreement: s.agreement,
    onset_agreement: s.onset_agreement,
    flag_rate: s.flag_rate,
    live_flag_rate: s.live_flag_rate,
    alarm_rate: s.alarm_rate,
    live_alarm_rate: s.live_alarm_rate,
    skipped: s.skipped,
  };
}

/** Sends one heartbeat; failures are counted, never thrown. */
export async function sendHeartbeat(up: ModelUpdater): Promise<boolean> {
  const hb = up.u.heartbeats;
  if (!(await ensureCredential(up))) return false;
  try {
    await up.client.heartbeat(buildHeartbeat(up));
    hb.sent++;
    hb.lastError = undefined;
    return true;
  } catch (error) {
    if (up.signal?.aborted) return false;
    hb.failed++;
    hb.lastError = (error as Error).message;
    up.o.telemetry.error("registry", "heartbeat_failed");
    const logEvery = Math.max(1, Math.round(60_000 / up.o.registry.heartbeatIntervalMs));
    if (hb.failed === 1 || hb.failed % logEvery === 0)
      up.o.log.warn({ registry: up.o.registry.url, err: hb.lastError, failed: hb.failed }, "heartbeat to the registry failed");
    return false;
  }
}

/** Sends a heartbeat now and every `heartbeat_interval` until `signal` aborts. */
export function heartbeatLoop(up: ModelUpdater, signal: AbortSignal): Promise<void> {
  return every(
    up.o.registry.heartbeatIntervalMs,
    async () => void (await sendHeartbeat(up)),
    signal,
    () => {},
  );
}
