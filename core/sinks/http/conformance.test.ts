/**
 * The sink conformance suite (core/sinks/testing) for the HTTP sink against a real HTTP server
 * (Bun.serve on 127.0.0.1) that stores every NDJSON line it accepts, gzip or not.
 * Unavailable: a port nothing listens on until the receiver opens there. Unauthorised: a server
 * that answers 401 to every request.
 */
import { gunzipSync } from "node:zlib";
import { deadPort } from "../testing/records.ts";
import { runSinkConformance } from "../testing/conformance.ts";
import { createHttpSink } from "./sink.ts";

/** `agent.seq` of every record received, by `agent.id`. */
const received = new Map<string, number[]>();
const servers: { stop(force?: boolean): void }[] = [];

function receiver(port = 0): { url: string } {
  const server = Bun.serve({
    port,
    hostname: "127.0.0.1",
    async fetch(req) {
      const raw = new Uint8Array(await req.arrayBuffer());
      const text = new TextDecoder().decode(req.headers.get("content-encoding") === "gzip" ? gunzipSync(raw) : raw);
      for (const line of text.split("\n")) {
        if (!line) continue;
        const doc = JSON.parse(line) as { agent: { id: string; seq: number } };
        const list = received.get(doc.agent.id) ?? [];
        list.push(doc.agent.seq);
        received.set(doc.agent.id, list);
      }
      return new Response(null, { status: 204 });
    },
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${server.port}/ingest` };
}

let main: { url: string };

runSinkConformance("http", {
  setup: async () => {
    main = receiver();
  },
  make: () => createHttpSink({ id: "http", url: main.url, gzip: true }),
  readBack: async (agentId) => received.get(agentId) ?? [],
  unavailable: async () => {
    const port = await deadPort();
    return {
      sink: createHttpSink({ id: "http", url: `http://127.0.0.1:${port}/ingest`, timeoutMs: 1000 }),
      recover: async () => void receiver(port),
    };
  },
  unauthorised: async () => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("bad token", { status: 401 }) });
    servers.push(server);
    return { sink: createHttpSink({ id: "http", url: `http://127.0.0.1:${server.port}/ingest` }) };
  },
  teardown: async () => {
    for (const s of servers) s.stop(true);
  },
});
