import type { Database } from "bun:sqlite";
import type { ParsedHeartbeat } from "../../../models/registry/heartbeat.ts";

/** The last heartbeat of one agent and when it came. */
export interface AgentRecord {
  agent_id: string;
  last_seen_ms: number;
  first_seen_ms: number;
  /** Expected seconds between heartbeats: as reported, else the observed gap, else the default. */
  interval_s: number;
  heartbeat: ParsedHeartbeat;
}

/**
 * The latest heartbeat of every agent: kept in memory (the fleet view reads it) and written to
 * SQLite in one transaction per `flushMs` (a restarted registry still knows its fleet; a crash
 * loses at most the last interval of heartbeats, which the agents send again anyway).
 *
 * @example
 * const fleet = new FleetStore(db, 1000);
 * fleet.upsert(hb, Date.now(), 10);
 * fleet.list().length;
 */
export class FleetStore {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly dirty = new Set<string>();
  private readonly timer?: ReturnType<typeof setInterval>;

  /** `flushMs` 0 writes every heartbeat at once. */
  constructor(
    private readonly db: Database,
    private readonly flushMs = 1000,
  ) {
    const rows = db.query("SELECT * FROM agents").all() as (Omit<AgentRecord, "heartbeat"> & { heartbeat: string })[];
    for (const r of rows) this.agents.set(r.agent_id, { ...r, heartbeat: JSON.parse(r.heartbeat) });
    if (flushMs > 0) {
      this.timer = setInterval(() => this.flush(), flushMs);
      this.timer.unref?.();
    }
  }

  /** Writes the agents changed since the last flush, in one transaction. */
  flush(): void {
    if (this.dirty.size === 0) return;
    const stmt = this.db.query(
      `INSERT INTO agents (agent_id, last_seen_ms, interval_s, first_seen_ms, heartbeat) VALUES ($agent_id, $last_seen_ms, $interval_s, $first_seen_ms, $heartbeat)
       ON CONFLICT (agent_id) DO UPDATE SET last_seen_ms = $last_seen_ms, interval_s = $interval_s, heartbeat = $heartbeat`,
    );
    this.db.transaction(() => {
      for (const id of this.dirty) {
        const r = this.agents.get(id)!;
        stmt.run({ agent_id: r.agent_id, last_seen_ms: r.last_seen_ms, interval_s: r.interval_s, first_seen_ms: r.first_seen_ms, heartbeat: JSON.stringify(r.heartbeat) });
      }
    })();
    this.dirty.clear();
  }

  /** Flushes and stops the timer. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  /** Records a heartbeat received at `nowMs`; returns the agent's new record. */
  upsert(hb: ParsedHeartbeat, nowMs: number, defaultIntervalS: number): AgentRecord {
    const prev = this.agents.get(hb.agent_id);
    const gap = prev ? (nowMs - prev.last_seen_ms) / 1000 : undefined;
    const interval = hb.interval_s ?? (gap !== undefined && gap >= 1 ? Math.min(gap, 3600) : (prev?.interval_s ?? defaultIntervalS));
    const rec: AgentRecord = { agent_id: hb.agent_id, last_seen_ms: nowMs, first_seen_ms: prev?.first_seen_ms ?? nowMs, interval_s: interval, heartbeat: hb };
    this.agents.set(hb.agent_id, rec);
    this.dirty.add(hb.agent_id);
    if (this.flushMs === 0) this.flush();
    return rec;
  }

  /** Every known agent, by id. */
  list(): AgentRecord[] {
    return [...this.agents.values()].sort((a, b) => (a.agent_id < b.agent_id ? -1 : a.agent_id > b.agent_id ? 1 : 0));
  }
}
