import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { notFoundOr405 } from "../../core/http/method-not-allowed.ts";
import type { ScoringModel } from "../../models/model.ts";

/** What the local HTTP API needs from the running agent. */
export interface RuntimeView {
  /**
   * `/status` JSON. The agent's (agent/runtime/agent.ts) includes `drift` (input and score drift:
   * counts, `maxPsi`, the ≤ 10 most drifted series, the model's score PSI; null when
   * `scoring.drift.enabled` is false), `drift_events`, `shadow` (the `model.shadow` candidate's
   * agreement and alarm rates; null without one), `shadow_error` and `host` (the host model,
   * `scoring.host`: trained?, rows, metrics, last score and contributors; null when off).
   */
  status(): Record<string, unknown>;
  /** `/readyz`: ready when the model is loaded and every sink is reachable; reasons otherwise. */
  readiness(): Promise<{ ready: boolean; reasons: string[] }>;
  /** `/metrics` text and content type. */
  metrics(): Promise<{ text: string; contentType: string }>;
  /** The loaded model (undefined while loading). */
  model(): ScoringModel | undefined;
  /** Counts `n` errors as `agent_component_errors_total{component,error_type}` (optional). */
  countError?(component: string, errorType: string, n: number): void;
}

/** Score of a point the model scored as NaN or ±∞: flagged, as the scorer does (`NON_FINITE_SCORE`). */
const NON_FINITE_SCORE = 1;

/** Options of {@link createApp}. */
export interface AppOptions {
  /** Largest accepted request body (default 8 MiB). */
  maxBodyBytes?: number;
  /** Most points per scoring request (default 100k). */
  maxPoints?: number;
}

const Values = z.array(z.number().finite().nullable()).min(1);
const OneSeries = z.object({ values: Values }).strict();
const ManySeries = z
  .object({
    series: z
      .array(z.object({ name: z.string().max(256).optional(), values: Values }).strict())
      .min(1)
      .max(10_000),
  })
  .strict();

/**
 * The agent's local HTTP API (Hono): `/healthz`, `/readyz`, `/metrics`, `/status`, and
 * `POST /v1/score` — the prototype's REST API for predictions: score posted series with the
 * loaded model (fresh state per request, streaming semantics; `null` is a missing sample). Every
 * score returned is finite: one the model could not compute is 1 (flagged) and counted as
 * `non_finite_score`.
 *
 * @example
 * const app = createApp(view);
 * const res = await app.request("/v1/score", { method: "POST", body: JSON.stringify({ values: [1, 2, 3] }) });
 */
export function createApp(view: RuntimeView, options: AppOptions = {}): Hono {
  const maxPoints = options.maxPoints ?? 100_000;
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const r = await view.readiness();
    return c.json({ ready: r.ready, reasons: r.reasons }, r.ready ? 200 : 503);
  });
  app.get("/metrics", async (c) => {
    const m = await view.metrics();
    return c.body(m.text, 200, { "content-type": m.contentType });
  });
  app.get("/status", (c) => c.json(view.status()));
  app.post(
    "/v1/score",
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 8 * 1024 * 1024,
      onError: (c) => c.json({ error: `request body larger than ${options.maxBodyBytes ?? 8 * 1024 * 1024} bytes` }, 413),
    }),
    async (c) => {
      const model = view.model();
      if (!model) return c.json({ error: "no model loaded yet" }, 503);
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        return c.json({ error: "body is not JSON" }, 400);
      }
      const one = typeof json === "object" && json !== null && "values" in json;
      const parsed = one ? OneSeries.safeParse(json) : ManySeries.safeParse(json);
      if (!parsed.success) {
        const i = parsed.error.issues[0];
        return c.json(
          {
            error: `invalid body at ${i.path.join(".") || "(root)"}: ${i.message}`,
            expected: '{"values":[number|null,...]} or {"series":[{"name":"...","values":[...]}]}',
          },
          400,
        );
      }
      const data = parsed.data as { values: (number | null)[] } | { series: { name?: string; values: (number | null)[] }[] };
      const series = "values" in data ? [{ name: undefined, values: data.values }] : data.series;
      const points = series.reduce((n, s) => n + s.values.length, 0);
      if (points > maxPoints) return c.json({ error: `${points} points in one request; the limit is ${maxPoints}` }, 413);
      const arrays = series.map((s) => Float64Array.from(s.values, (v) => (v === null ? Number.NaN : v)));
      const scores = await model.scoreSeries(arrays);
      // A non-finite score fails that point alone: it is flagged (1) and counted, never sent as null.
      let nonFinite = 0;
      for (const series of scores) {
        for (let i = 0; i < series.length; i++) {
          if (!Number.isFinite(series[i])) {
            series[i] = NON_FINITE_SCORE;
            nonFinite++;
          }
        }
      }
      if (nonFinite) view.countError?.("scorer", "non_finite_score", nonFinite);
      const results = series.map((s, i) => ({
        name: s.name,
        scores: Array.from(scores[i], (x) => Math.round(x * 1e6) / 1e6),
        is_anomaly: Array.from(scores[i], (x) => x >= model.threshold),
      }));
      const head = { model: { name: model.name, version: model.version, kind: model.kind, window: model.window }, threshold: model.threshold };
      return c.json("values" in data ? { ...head, scores: results[0].scores, is_anomaly: results[0].is_anomaly } : { ...head, results });
    },
  );
  const routes = ["/healthz", "/readyz", "/metrics", "/status", "POST /v1/score"];
  app.notFound(
    notFoundOr405(
      app,
      (c, allowed) => c.json({ error: `method ${c.req.method} not allowed on ${c.req.path}; allowed: ${allowed.join(", ")}`, routes }, 405),
      (c) => c.json({ error: `no route ${c.req.method} ${c.req.path}`, routes }, 404),
    ),
  );
  return app;
}
