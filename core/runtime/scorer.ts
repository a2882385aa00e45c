import type { MetricSample, OutRecord } from "../events.ts";
import type { ScoringModel, SeriesState } from "../../models/model.ts";
import type { Telemetry } from "../telemetry/metrics.ts";
import { HysteresisTracker, type HysteresisOptions } from "./hysteresis.ts";
import { seriesKey } from "./series-key.ts";
import type { SeqAllocator } from "./seq.ts";

/** Options of {@link Scorer}. */
export interface ScorerOptions {
  agentId: string;
  hostName: string;
  seq: SeqAllocator;
  telemetry: Telemetry;
  /** Event thresholds; `open` defaults to the model's threshold, `close` to 0.8 × open. */
  hysteresis?: Partial<HysteresisOptions>;
  /** A series unseen for this long loses its state (counted as `series_stale`). */
  staleAfterMs?: number;
}

interface SeriesEntry {
  name: string;
  labels: Record<string, string>;
  state: SeriesState;
  tracker: HysteresisTracker;
  lastSeen: number;
}

/**
 * Scores source rounds: every sample goes to its series' streaming state, all series of a
 * round are scored in one batched model call, and each point becomes a data-contract record
 * (`agent.seq` taken per record). Anomaly events are emitted with hysteresis.
 */
export class Scorer {
  private model: ScoringModel;
  private readonly series = new Map<string, SeriesEntry>();
  private hyst: HysteresisOptions;

  constructor(
    model: ScoringModel,
    private readonly o: ScorerOptions,
  ) {
    this.model = model;
    this.hyst = this.thresholds(model);
    o.telemetry.modelInfo.set({ name: model.name, version: model.version }, 1);
  }

  /** The model in use. */
  get current(): ScoringModel {
    return this.model;
  }

  /** Number of series with state. */
  get seriesCount(): number {
    return this.series.size;
  }

  /** Swaps the model between rounds; series states restart (warm-up) on the new model. */
  swapModel(model: ScoringModel): ScoringModel {
    const old = this.model;
    this.o.telemetry.modelInfo.reset();
    this.o.telemetry.modelInfo.set({ name: model.name, version: model.version }, 1);
    this.model = model;
    this.hyst = this.thresholds(model);
    for (const e of this.series.values()) {
      e.state = model.createState();
      e.tracker = new HysteresisTracker(this.hyst);
    }
    return old;
  }

  private thresholds(model: ScoringModel): HysteresisOptions {
    const open = this.o.hysteresis?.open ?? model.threshold;
    return { open, close: this.o.hysteresis?.close ?? 0.8 * open, minPoints: this.o.hysteresis?.minPoints ?? 1 };
  }

  /** Scores one round of samples and returns the records to ship (points, then events). */
  async score(samples: readonly MetricSample[], now = Date.now()): Promise<OutRecord[]> {
    if (samples.length === 0) return [];
    const model = this.model;
    const entries = new Array<SeriesEntry>(samples.length);
    const states = new Array<SeriesState>(samples.length);
    const values = new Float64Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      const key = seriesKey(s.name, s.labels);
      let e = this.series.get(key);
      if (!e) {
        e = { name: s.name, labels: s.labels, state: model.createState(), tracker: new HysteresisTracker(this.hyst), lastSeen: now };
        this.series.set(key, e);
      }
      e.lastSeen = now;
      entries[i] = e;
      states[i] = e.state;
      values[i] = s.value;
    }
    const started = performance.now();
    const scores = await model.scoreTick(states, values);
    this.o.telemetry.scoringLatency.observe((performance.now() - started) / 1000);
    this.o.telemetry.seriesActive.set(this.series.size);
    const out: OutRecord[] = [];
    const events: OutRecord[] = [];
    const agentId = this.o.agentId;
    const host = { name: this.o.hostName };
    const modelRef = { name: model.name, version: model.version };
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      const e = entries[i];
      const score = scores[i];
      const ts = new Date(s.timestamp).toISOString();
      out.push({
        kind: "point",
        doc: {
          "@timestamp": ts,
          agent: { id: agentId, seq: this.o.seq.take() },
          host,
          metric: { name: s.name, labels: s.labels },
          value: Number.isFinite(s.value) ? s.value : null,
          anomaly: { score, threshold: this.hyst.open, is_anomaly: score >= this.hyst.open },
          model: modelRef,
          event: { kind: "metric" },
        },
      });
      const tr = e.tracker.update(score, s.timestamp);
      if (tr) {
        this.o.telemetry.anomalies.inc({ state: tr.kind });
        events.push({
          kind: "anomaly",
          doc: {
            "@timestamp": ts,
            agent: { id: agentId, seq: 0 },
            host,
            metric: { name: s.name, labels: s.labels },
            anomaly: {
              state: tr.kind,
              start: new Date(tr.start).toISOString(),
              end: tr.kind === "close" ? new Date(tr.end).toISOString() : undefined,
              peak_score: tr.peak,
              threshold: this.hyst.open,
              points: tr.points,
            },
            model: modelRef,
            event: { kind: "alert" },
          },
        });
      }
    }
    for (const ev of events) ev.doc.agent.seq = this.o.seq.take();
    return events.length ? out.concat(events) : out;
  }

  /** Drops the state of series unseen for `staleAfterMs`; returns how many were dropped. */
  sweep(now = Date.now()): number {
    const limit = this.o.staleAfterMs ?? 5 * 60_000;
    let dropped = 0;
    for (const [key, e] of this.series) {
      if (now - e.lastSeen > limit) {
        this.series.delete(key);
        dropped++;
      }
    }
    if (dropped) this.o.telemetry.error("scorer", "series_stale", dropped);
    this.o.telemetry.seriesActive.set(this.series.size);
    return dropped;
  }
}
