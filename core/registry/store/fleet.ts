import type { Database } from "bun:sqlite";
import type { ParsedHeartbeat } from "../../../models/registry-protocol/heartbeat.ts";

/** The last heartbeat of one agent and when it came. */
export interface AgentRecord {
  agent_id: string;
  last_seen_ms: number;
  first_seen_ms: number;
  /** Expected seconds between heartbeats: as reported (bounded), else the observed gap, else the default. */
  interval_s: number;
  heartbeat: ParsedHeartbeat;
}

/** How {@link FleetStore.upsert} bounds the fleet. */
export interface FleetLimits {
  /** Interval assumed until an agent reports or shows one (s). */
  defaultIntervalS: number;
  /** Largest interval an agent may claim (s); larger claims are clamped. */
  maxIntervalS: number;
  /** Stale after this many intervals; a stale entry may be evicted to make room. */
  staleFactor: number;
  /** Offline after this many intervals; an offline entry's host may be taken over. */
  offlineFactor: number;
  /** Most agents kept. */
  maxAgents: number;
  /** Entries not heard from for this long are dropped (s). */
  retentionS: number;
}

/** A heartbeat the fleet refuses: `identity_conflict` (409) or `fleet_full` (429). */
export class FleetRefusal extends Error {
  constructor(
    readonly code: "identity_conflict" | "fleet_full",
    message: string,
  ) {
    super(message);
    this.name = "FleetRefusal";
  }
}

const age = (r: AgentRecord, nowMs: number) => (nowMs - r.last_seen_ms) / 1000;

/**
 * The latest heartbeat of every agent: kept in memory (the fleet view reads it) and written to
 * SQLite in one transaction per `flushMs`. Bounded: at most `maxAgents` entries (a newcomer
 * evicts the least recently seen entry if that one is stale, else it is refused), entries
 * silent for `retentionS` are dropped, claimed intervals are clamped, and an entry's `host` is
 * its identity: another host may take an agent id over only once the entry is offline.
 *
 * @example
 * const fleet = new FleetStore(db, 1000);
 * fleet.upsert(hb, Date.now(), limits);
 */
export class FleetStore {
  /** Least recently seen first (re-inserted on every heartbeat). */
  private readonly agents = new Map<string, AgentRecord>();
  private readonly dirty = new Set<string>();
  private readonly deleted = new Set<string>();
  private readonly timer?: ReturnType<typeof setInterval>;

  /** `flushMs` 0 writes every heartbeat at once. */
  constructor(
    private readonly db: Database,
    private readonly flushMs = 1000,
  ) {
    const rows = db.query("SELECT * FROM agents ORDER BY last_seen_ms").all() as (Omit<AgentRecord, "heartbeat"> & { heartbeat: string })[];
    for (const r of rows) this.agents.set(r.agent_id, { ...r, heartbeat: JSON.parse(r.heartbeat) });
    if (flushMs > 0) {
      this.timer = setInterval(() => this.flush(), flushMs);
      this.timer.unref?.();
    }
  }

  /** Writes the agents changed (and removes those dropped) since the last flush, in one transaction. */
  flush(): void {
    if (this.dirty.size === 0 && this.deleted.size === 0) return;
    const stmt = this.db.query(
      `INSERT INTO agents (agent_id, last_seen_ms, interval_s, first_seen_ms, heartbeat) VALUES ($agent_id, $last_seen_ms, $interval_s, $first_seen_ms, $heartbeat)
       ON CONFLICT (agent_id) DO UPDATE SET last_seen_ms = $last_seen_ms, interval_s = $interval_s, first_seen_ms = $first_seen_ms, heartbeat = $heartbeat`,
    );
    const del = this.db.query("DELETE FROM agents WHERE agent_id = ?");
    this.db.transaction(() => {
      for (const id of this.deleted) del.run(id);
      for (const id of this.dirty) {
        const r = this.agents.get(id);
        if (r)
          stmt.run({
            agent_id: r.agent_id,
            last_seen_ms: r.last_seen_ms,
            interval_s: r.interval_s,
            first_seen_ms: r.first_seen_ms,
            heartbeat: JSON.stringify(r.heartbeat),
          });
      }
    })();
    this.dirty.clear();
    this.deleted.clear();
  }

  /** Flushes and stops the timer. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  private drop(id: string): void {
    this.agents.delete(id);
    this.dirty.delete(id);
    this.deleted.add(id);
  }

  /** Drops entries silent for longer than `retentionS`, and the oldest beyond `maxAgents`. */
  prune(nowMs: number, limits: Pick<FleetLimits, "retentionS" | "maxAgents">): void {
    for (const r of this.agents.values()) {
      if (age(r, nowMs) <= limits.retentionS && this.agents.size <= limits.maxAgents) break;
      this.drop(r.agent_id);
    }
  }

  /**
   * Records a heartbeat received at `nowMs`; returns the agent's new record. Throws
   * {@link FleetRefusal} when another live host holds the id or the fleet is full of live agents.
   */
  upsert(hb: ParsedHeartbeat, nowMs: number, limits: FleetLimits): AgentRecord {
    this.prune(nowMs, limits);
    let prev = this.agents.get(hb.agent_id);
    if (prev && prev.heartbeat.host !== hb.host) {
      if (age(prev, nowMs) <= limits.offlineFactor * prev.interval_s) {
        throw new FleetRefusal(
          "identity_conflict",
          `agent ${hb.agent_id} is live on host ${JSON.stringify(prev.heartbeat.host)}; a heartbeat from another host may take the id over only once it is offline`,
        );
      }
      prev = undefined;
    }
    if (!prev && !this.agents.has(hb.agent_id) && this.agents.size >= limits.maxAgents) {
      const [oldest] = this.agents.values();
      if (age(oldest, nowMs) <= limits.staleFactor * oldest.interval_s) {
        throw new FleetRefusal("fleet_full", `the fleet holds its limit of ${limits.maxAgents} live agents; new agents are admitted as others turn stale`);
      }
      this.drop(oldest.agent_id);
    }
    const gap = prev ? (nowMs - prev.last_seen_ms) / 1000 : undefined;
    const claimed = hb.interval_s ?? (gap !== undefined && gap >= 1 ? gap : (prev?.interval_s ?? limits.defaultIntervalS));
    const interval = Math.min(claimed, limits.maxIntervalS);
    const stored = hb.interval_s !== undefined && hb.interval_s > interval ? { ...hb, interval_s: interval } : hb;
    const rec: AgentRecord = {
      agent_id: hb.agent_id,
      last_seen_ms: nowMs,
      first_seen_ms: prev?.first_seen_ms ?? nowMs,
      interval_s: interval,
      heartbeat: stored,
    };
    this.agents.delete(hb.agent_id);
    this.agents.set(hb.agent_id, rec);
    this.deleted.delete(hb.agent_id);
    this.dirty.add(hb.agent_id);
    if (this.flushMs === 0) this.flush();
    return rec;
  }

  /** How many agents are kept. */
  get size(): number {
    return this.agents.size;
  }

  /** Every known agent, by id. */
  list(): AgentRecord[] {
    return [...this.agents.values()].sort((a, b) => (a.agent_id < b.agent_id ? -1 : a.agent_id > b.agent_id ? 1 : 0));
  }
}
