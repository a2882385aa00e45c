/**
 * The sink conformance suite (core/sinks/testing) for the webhook sink against a real local
 * receiver (testing/receiver.ts) that verifies the HMAC signature of every request. The sink
 * delivers only anomaly events (`holds`): the points of the suite's batches are acknowledged
 * without a request, so only the events are read back. Unavailable: a port nothing listens on
 * until the receiver opens there. Unauthorised: the receiver with another secret (a real 401 from
 * its signature check).
 */
import { deadPort } from "../testing/records.ts";
import { runSinkConformance } from "../testing/conformance.ts";
import { createWebhookSink } from "./sink.ts";
import { type WebhookReceiver, webhookReceiver } from "./testing/receiver.ts";

const receivers: WebhookReceiver[] = [];
process.env.WEBHOOK_CONFORMANCE_SECRET = "conformance-secret";
const make = (url: string) =>
  createWebhookSink({ id: "webhook", url, secret: { env: "WEBHOOK_CONFORMANCE_SECRET" }, rateLimit: { maxRequests: 1000, perMs: 1000 } });

runSinkConformance("webhook", {
  holds: (r) => r.kind === "anomaly",
  setup: async () => {
    receivers.push(webhookReceiver({ secret: "conformance-secret" }));
  },
  make: () => make(receivers[0].url),
  readBack: async (agentId) => receivers.flatMap((r) => r.events.get(agentId) ?? []),
  unavailable: async () => {
    const port = await deadPort();
    return { sink: make(`http://127.0.0.1:${port}/hook`), recover: async () => void receivers.push(webhookReceiver({ port, secret: "conformance-secret" })) };
  },
  unauthorised: async () => {
    const other = webhookReceiver({ secret: "another-secret" });
    receivers.push(other);
    return { sink: make(other.url) };
  },
  teardown: async () => {
    for (const r of receivers) r.stop();
  },
});
