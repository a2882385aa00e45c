/**
 * Test support: a real webhook receiver (Bun.serve on 127.0.0.1) as a user would write one: it
 * checks the timestamp (at most `maxAgeS` old on `now()`, else 401) and the HMAC-SHA256
 * signature over `<timestamp>.<body>` in constant time (else 401), parses the body strictly
 * and keeps every event; `answer` can fail a request first (e.g. 503 during an outage).
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

const Agent = z.object({ id: z.string(), seq: z.number() });
const Body = z
  .object({
    type: z.literal("anomaly_events"),
    sent_at: z.string(),
    count: z.number().int().positive(),
    opened: z.number().int().nonnegative(),
    closed: z.number().int().nonnegative(),
    drift: z.number().int().nonnegative(),
    events: z.array(
      z.union([
        z.object({ agent: Agent, anomaly: z.object({ state: z.enum(["open", "close"]) }) }).loose(),
        z
          .object({ agent: Agent, drift: z.object({ state: z.enum(["start", "end"]), psi: z.number() }), event: z.object({ kind: z.literal("drift") }) })
          .loose(),
      ]),
    ),
  })
  .strict()
  .refine(
    (b) => b.count === b.events.length && b.opened + b.closed + b.drift === b.count && b.drift === b.events.filter((e) => "drift" in e).length,
    "counts do not match the events",
  );

/** What the receiver saw. */
export interface WebhookReceiver {
  url: string;
  port: number;
  /** `agent.id` → seqs received (accepted requests only, duplicates kept). */
  events: Map<string, number[]>;
  /** Accepted requests: events per request, their delivery ids, when (on `now()`). */
  accepted: { count: number; delivery: string; at: number }[];
  /** Requests refused for a bad or old signature. */
  badSignatures: number;
  /** Answers by status. */
  statuses: number[];
  stop(): void;
}

/** Options of {@link webhookReceiver}. */
export interface ReceiverOptions {
  port?: number;
  /** HMAC key; none: signatures not checked. */
  secret?: string;
  /** Time the timestamp is checked against, ms (default Date.now). */
  now?: () => number;
  maxAgeS?: number;
  /** A response to give instead of accepting (undefined: accept). */
  answer?: () => Response | undefined;
}

/** Starts a receiver. */
export function webhookReceiver(o: ReceiverOptions = {}): WebhookReceiver {
  const now = o.now ?? Date.now;
  const self: WebhookReceiver = { url: "", port: 0, events: new Map(), accepted: [], badSignatures: 0, statuses: [], stop: () => server.stop(true) };
  const reply = (status: number, text = "") => (self.statuses.push(status), new Response(text, { status }));
  const server = Bun.serve({
    port: o.port ?? 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      if (req.method === "HEAD") return new Response(null, { status: o.answer?.()?.status ?? 204 });
      const forced = o.answer?.();
      if (forced) return (self.statuses.push(forced.status), forced);
      const text = await req.text();
      if (o.secret) {
        const ts = req.headers.get("x-agent-timestamp") ?? "";
        const sig = Buffer.from(req.headers.get("x-agent-signature") ?? "");
        const want = Buffer.from(`sha256=${createHmac("sha256", o.secret).update(`${ts}.${text}`).digest("hex")}`);
        const age = now() / 1000 - Number(ts);
        if (!(age >= -60 && age <= (o.maxAgeS ?? 300)) || sig.length !== want.length || !timingSafeEqual(sig, want)) {
          self.badSignatures++;
          return reply(401, "bad signature");
        }
      }
      const body = Body.safeParse(JSON.parse(text));
      if (!body.success) return reply(400, body.error.message);
      for (const e of body.data.events) {
        const list = self.events.get(e.agent.id) ?? [];
        list.push(e.agent.seq);
        self.events.set(e.agent.id, list);
      }
      self.accepted.push({ count: body.data.count, delivery: req.headers.get("x-agent-delivery") ?? "", at: now() });
      return reply(204);
    },
  });
  self.port = server.port as number;
  self.url = `http://127.0.0.1:${server.port}/hook`;
  return self;
}
