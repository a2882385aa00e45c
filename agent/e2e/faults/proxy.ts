/**
 * An HTTP proxy in front of the real OpenSearch node that misbehaves on demand, the way a busy
 * or absent cluster does:
 *
 * - `down`: every request answers 503 (the agent's probe and bulk both fail);
 * - `rejectRequests = N`: the next N `_bulk` requests answer 429
 *   `es_rejected_execution_exception` as a whole;
 * - `rejectItems = N`: the next N `_bulk` requests are forwarded without every third document,
 *   and the response gets a per-item 429 for each one left out (HTTP 200, `errors: true`), as a
 *   node with a full write queue answers.
 *
 * It counts what it rejected so the test can compare with the agent's error counters.
 * @module
 */

const REJECTED = {
  type: "es_rejected_execution_exception",
  reason: "rejected execution of coordinating operation (fault-test proxy: write queue full)",
};

export class SearchProxy {
  mode: "pass" | "down" = "pass";
  rejectRequests = 0;
  rejectItems = 0;
  readonly counts = { bulk: 0, rejectedRequests: 0, rejectedItems: 0, forwardedItems: 0 };
  private readonly server: ReturnType<typeof Bun.serve>;

  constructor(readonly upstream: string) {
    this.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => this.handle(req) });
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  stop(): void {
    this.server.stop(true);
  }

  private async handle(req: Request): Promise<Response> {
    if (this.mode === "down") return Response.json({ error: { type: "fault_test", reason: "proxy is down" }, status: 503 }, { status: 503 });
    const url = new URL(req.url);
    const target = `${this.upstream}${url.pathname}${url.search}`;
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.text();
    const headers = { "content-type": req.headers.get("content-type") ?? "application/json" };
    if (url.pathname === "/_bulk" && body !== undefined) {
      this.counts.bulk++;
      if (this.rejectRequests > 0) {
        this.rejectRequests--;
        this.counts.rejectedRequests++;
        return Response.json({ error: { ...REJECTED, root_cause: [REJECTED] }, status: 429 }, { status: 429 });
      }
      if (this.rejectItems > 0) {
        this.rejectItems--;
        return this.partial(target, body, headers);
      }
      this.counts.forwardedItems += body.split("\n").filter(Boolean).length / 2;
    }
    const res = await fetch(target, { method: req.method, body, headers });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
  }

  /** Forwards two of every three documents; answers 429 per item for the others. */
  private async partial(target: string, body: string, headers: Record<string, string>): Promise<Response> {
    const lines = body.split("\n").filter(Boolean);
    const n = lines.length / 2;
    const keep: number[] = [];
    const sent: string[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 3 === 2) continue;
      keep.push(i);
      sent.push(lines[2 * i], lines[2 * i + 1]);
    }
    let upstreamItems: Record<string, unknown>[] = [];
    if (sent.length) {
      // Without the agent's filter_path: every item must come back for the merge.
      const res = await fetch(target.replace(/\?.*$/, ""), { method: "POST", body: `${sent.join("\n")}\n`, headers });
      upstreamItems = ((await res.json()) as { items: Record<string, unknown>[] }).items;
    }
    const items: Record<string, unknown>[] = [];
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (keep[k] === i) {
        items.push(upstreamItems[k++]);
      } else {
        this.counts.rejectedItems++;
        const action = JSON.parse(lines[2 * i]) as { create: { _index: string; _id: string } };
        items.push({ create: { _index: action.create._index, _id: action.create._id, status: 429, error: REJECTED } });
      }
    }
    this.counts.forwardedItems += keep.length;
    return Response.json({ took: 1, errors: true, items });
  }
}
