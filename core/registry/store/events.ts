import type { Database } from "bun:sqlite";
import type { Channel, RegistryEvent } from "../../../models/registry-protocol/protocol.ts";

/** Fields of a new event. */
export type NewEvent = Omit<RegistryEvent, "id" | "at" | "model" | "version" | "channel" | "detail"> &
  Partial<Pick<RegistryEvent, "model" | "version" | "channel" | "detail">>;

/** Filters of {@link EventLog.list}. */
export interface EventQuery {
  model?: string;
  type?: string;
  /** Only events with a larger id. */
  afterId?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

interface Row {
  id: number;
  at: string;
  type: RegistryEvent["type"];
  model: string | null;
  version: string | null;
  channel: Channel | null;
  actor: string;
  detail: string;
}

/**
 * The registry's audit trail (`GET /v1/events`): publishes, channel moves, rollbacks.
 *
 * @example
 * events.record({ type: "canary_rollback", model: "host-ae", version: "8", channel: "canary", actor: "canary-guard" });
 */
export class EventLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  record(e: NewEvent): RegistryEvent {
    const at = new Date(this.now()).toISOString();
    const row = this.db
      .query(
        "INSERT INTO events (at, type, model, version, channel, actor, detail) VALUES ($at, $type, $model, $version, $channel, $actor, $detail) RETURNING id",
      )
      .get({
        at,
        type: e.type,
        model: e.model ?? null,
        version: e.version ?? null,
        channel: e.channel ?? null,
        actor: e.actor,
        detail: JSON.stringify(e.detail ?? {}),
      }) as { id: number };
    return {
      id: row.id,
      at,
      type: e.type,
      model: e.model ?? null,
      version: e.version ?? null,
      channel: e.channel ?? null,
      actor: e.actor,
      detail: e.detail ?? {},
    };
  }

  /** Events newest first. */
  list(q: EventQuery = {}): RegistryEvent[] {
    const limit = Math.min(1000, Math.max(1, q.limit ?? 100));
    const rows = this.db
      .query(`SELECT * FROM events WHERE ($model IS NULL OR model = $model) AND ($type IS NULL OR type = $type) AND id > $after ORDER BY id DESC LIMIT $limit`)
      .all({ model: q.model ?? null, type: q.type ?? null, after: q.afterId ?? 0, limit }) as Row[];
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
