import type { Database } from "bun:sqlite";
import type { Channel, ChannelState, SignedRollback } from "../../../models/registry-protocol/protocol.ts";

interface Row {
  model: string;
  channel: Channel;
  version: string | null;
  rollout: number;
  history_id: number | null;
  updated_at: string;
  change: ChannelChange;
  /** JSON of the publisher-signed rollback statement of the last rollback (null after a set). */
  statement: string | null;
  /** Id of the channel's latest history row: orders moves of different channels exactly. */
  seq: number;
}

/** Why a channel moved: an operator `set`, an operator `rollback`, or the canary `guard`. */
export type ChannelChange = "set" | "rollback" | "guard";

/**
 * Where each model's channels point, with their history. Read on every resolve, so the state
 * is cached in memory; this process is the only writer.
 *
 * @example
 * channels.set("host-ae", "canary", "8", 10, "set");
 * channels.get("host-ae", "canary"); // { version: "8", rollout: 10, … }
 */
export class ChannelStore {
  private readonly cache = new Map<string, Map<Channel, Row>>();

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  private rows(model: string): Map<Channel, Row> {
    let m = this.cache.get(model);
    if (!m) {
      const rows = this.db
        .query(
          "SELECT c.*, (SELECT COALESCE(MAX(h.id), 0) FROM channel_history h WHERE h.model = c.model AND h.channel = c.channel) AS seq FROM channels c WHERE c.model = $model",
        )
        .all({ model }) as Row[];
      m = new Map(rows.map((r) => [r.channel, r]));
      this.cache.set(model, m);
    }
    return m;
  }

  /** A channel's state, or undefined when it was never set. */
  get(model: string, channel: Channel): ChannelState | undefined {
    const r = this.rows(model).get(channel);
    return r && { model: r.model, channel: r.channel, version: r.version, rollout: r.rollout, updated_at: r.updated_at };
  }

  /** Every channel of a model that was ever set. */
  all(model: string): ChannelState[] {
    return [...this.rows(model).keys()].sort().map((c) => this.get(model, c)!);
  }

  /**
   * Points a channel at `version` with `rollout` percent and records the change. A `set` becomes
   * a rollback point; a rollback keeps pointing into the history it walked back to.
   */
  set(
    model: string,
    channel: Channel,
    version: string | null,
    rollout: number,
    change: ChannelChange,
    historyId?: number,
    statement?: SignedRollback,
  ): ChannelState {
    const at = new Date(this.now()).toISOString();
    this.db.transaction(() => {
      const { id } = this.db
        .query(
          "INSERT INTO channel_history (model, channel, version, rollout, kind, at) VALUES ($model, $channel, $version, $rollout, $kind, $at) RETURNING id",
        )
        .get({ model, channel, version, rollout, kind: change, at }) as { id: number };
      const row: Row = {
        model,
        channel,
        version,
        rollout,
        history_id: change === "set" ? id : (historyId ?? this.rows(model).get(channel)?.history_id ?? id),
        updated_at: at,
        change,
        statement: statement ? JSON.stringify(statement) : null,
        seq: id,
      };
      this.db
        .query(
          `INSERT INTO channels (model, channel, version, rollout, history_id, updated_at, change, statement)
           VALUES ($model, $channel, $version, $rollout, $history_id, $updated_at, $change, $statement)
           ON CONFLICT (model, channel) DO UPDATE SET version = $version, rollout = $rollout, history_id = $history_id, updated_at = $updated_at,
           change = $change, statement = $statement`,
        )
        .run({ model, channel, version, rollout, history_id: row.history_id, updated_at: at, change, statement: row.statement });
      this.rows(model).set(channel, row);
    })();
    return this.get(model, channel)!;
  }

  /** The publisher-signed statement of the channel's last rollback, if it had one and nothing was set since. */
  statement(model: string, channel: Channel): SignedRollback | undefined {
    const s = this.rows(model).get(channel)?.statement;
    return s ? (JSON.parse(s) as SignedRollback) : undefined;
  }

  /** Sequence number of the channel's last move (0 when it never moved): larger is later, across channels. */
  lastMove(model: string, channel: Channel): number {
    return this.rows(model).get(channel)?.seq ?? 0;
  }

  /** Why the channel last moved (`set` when it never did). */
  lastChange(model: string, channel: Channel): ChannelChange {
    return this.rows(model).get(channel)?.change ?? "set";
  }

  /**
   * The version a rollback of `channel` goes to: the latest earlier `set` of another version,
   * walking further back with each rollback. Undefined when there is none.
   */
  rollbackTarget(model: string, channel: Channel): { version: string; historyId: number } | undefined {
    const cur = this.rows(model).get(channel);
    if (!cur) return undefined;
    const r = this.db
      .query(
        `SELECT id, version FROM channel_history WHERE model = $model AND channel = $channel AND kind = 'set' AND version IS NOT NULL
         AND id < $before AND version IS NOT $current ORDER BY id DESC LIMIT 1`,
      )
      .get({ model, channel, before: cur.history_id ?? 0, current: cur.version }) as { id: number; version: string } | null;
    return r ? { version: r.version, historyId: r.id } : undefined;
  }
}
