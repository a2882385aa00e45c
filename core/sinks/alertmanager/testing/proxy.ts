/**
 * Test support: an HTTP proxy in front of a real Alertmanager that records the alerts of every
 * `POST /api/v2/alerts` Alertmanager acknowledged (2xx), and can fail on demand (`down`: it
 * answers 503 without forwarding), so a test sees exactly what reached Alertmanager.
 * @module
 */

/** What the proxy saw. */
export interface RecordingProxy {
  url: string;
  port: number;
  /** Answer 503 without forwarding while true. */
  down: boolean;
  /** Alerts Alertmanager acknowledged, in order. */
  accepted: { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }[];
  /** Requests answered, by status. */
  statuses: number[];
  stop(): void;
}

/** Starts a proxy to `target` on `port` (0: any). */
export function recordingProxy(target: string, port = 0): RecordingProxy {
  const self: RecordingProxy = {
    url: "",
    port: 0,
    down: false,
    accepted: [],
    statuses: [],
    stop: () => server.stop(true),
  };
  const server = Bun.serve({
    port,
    hostname: "127.0.0.1",
    async fetch(req) {
      if (self.down) {
        self.statuses.push(503);
        return new Response("proxy down", { status: 503 });
      }
      const u = new URL(req.url);
      const body = req.method === "POST" ? await req.text() : undefined;
      const headers = new Headers(req.headers);
      headers.delete("host");
      const res = await fetch(`${target}${u.pathname}${u.search}`, { method: req.method, headers, body });
      const text = await res.text();
      self.statuses.push(res.status);
      if (req.method === "POST" && u.pathname.endsWith("/api/v2/alerts") && res.ok && body) self.accepted.push(...JSON.parse(body));
      return new Response(text, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "text/plain" } });
    },
  });
  self.port = server.port as number;
  self.url = `http://127.0.0.1:${server.port}`;
  return self;
}
