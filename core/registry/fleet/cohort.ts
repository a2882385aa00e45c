/**
 * Which agents the registry has seen resolve which canary version, and which of them reported
 * failures of it. The canary guard counts only these agents (until agents have identities of
 * their own, an agent token could otherwise report failures under any made-up id).
 */

/** Limits of {@link CanaryCohorts}. */
export interface CohortLimits {
  /** Agents remembered per canary version (the oldest resolve is forgotten first). */
  maxAgentsPerVersion: number;
  /** Canary versions remembered (least recently resolved forgotten first). */
  maxVersions: number;
}

/** Named defaults of {@link CohortLimits}. */
export const COHORT_DEFAULTS: CohortLimits = { maxAgentsPerVersion: 10_000, maxVersions: 64 };

interface Cohort {
  /** agent id → last resolve (ms); insertion order = oldest first. */
  resolved: Map<string, number>;
  /** Agent ids (a subset of `resolved`) that reported failures of this version. */
  failing: Set<string>;
}

const key = (model: string, version: string) => `${model}@${version}`;

/**
 * In-memory cohorts of canary versions, bounded in agents and versions. A restarted registry
 * rebuilds them within one poll interval (every agent resolves again).
 *
 * @example
 * const cohorts = new CanaryCohorts();
 * cohorts.resolved("host-ae", "8", "edge-01", Date.now());
 * cohorts.reportFailure("host-ae", "8", "edge-01"); // → 1 distinct failing agent
 */
export class CanaryCohorts {
  private readonly cohorts = new Map<string, Cohort>();

  constructor(private readonly limits: CohortLimits = COHORT_DEFAULTS) {}

  /** Records that `agentId` was served `model@version` as a canary. */
  resolved(model: string, version: string, agentId: string, nowMs: number): void {
    const k = key(model, version);
    let c = this.cohorts.get(k);
    if (c) this.cohorts.delete(k);
    else c = { resolved: new Map(), failing: new Set() };
    this.cohorts.set(k, c);
    for (const [old] of this.cohorts) {
      if (this.cohorts.size <= this.limits.maxVersions) break;
      this.cohorts.delete(old);
    }
    c.resolved.delete(agentId);
    c.resolved.set(agentId, nowMs);
    for (const [old] of c.resolved) {
      if (c.resolved.size <= this.limits.maxAgentsPerVersion) break;
      c.resolved.delete(old);
      c.failing.delete(old);
    }
  }

  /** Whether `agentId` resolved `model@version` as a canary. */
  has(model: string, version: string, agentId: string): boolean {
    return this.cohorts.get(key(model, version))?.resolved.has(agentId) ?? false;
  }

  /** Agents known to have resolved `model@version`. */
  size(model: string, version: string): number {
    return this.cohorts.get(key(model, version))?.resolved.size ?? 0;
  }

  /**
   * Records a failure report of `model@version` by `agentId`. Returns the number of distinct
   * in-cohort agents that reported failures, or undefined when `agentId` is not in the cohort
   * (the report does not count).
   */
  reportFailure(model: string, version: string, agentId: string): number | undefined {
    const c = this.cohorts.get(key(model, version));
    if (!c?.resolved.has(agentId)) return undefined;
    c.failing.add(agentId);
    return c.failing.size;
  }

  /** Forgets the failure reports of `model@version` (an operator set the canary again: a fresh quorum is needed). */
  clearFailures(model: string, version: string): void {
    this.cohorts.get(key(model, version))?.failing.clear();
  }

  /** The in-cohort agents that reported failures of `model@version`. */
  failingAgents(model: string, version: string): string[] {
    return [...(this.cohorts.get(key(model, version))?.failing ?? [])];
  }
}
