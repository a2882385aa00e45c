/**
 * What an oversized bundle from a registry costs the agent: a server on 127.0.0.1 streams a
 * body of N bytes as `GET …/bundle`; each row runs in a fresh process and reports the bytes the
 * server got to send, the peak RSS, and the outcome. `before` reads the whole body first and
 * checks the size after (the old client), `after` is `RegistryClient.download` with its limit.
 *
 *   bun scripts/bench/bundle-download.ts            # the table
 *   bun scripts/bench/bundle-download.ts --row after 1500   # one row (MB), as the table runs it
 */
import { createRegistryClient } from "../../models/registry-protocol/client.ts";

async function row(mode: "before" | "after", mb: number): Promise<void> {
  const bytes = mb * 1e6;
  const chunk = new Uint8Array(1 << 20).fill(0x41);
  let sent = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch: () => {
      let started = false;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(c) {
            if (!started) {
              started = true;
              return c.enqueue(new TextEncoder().encode('{"format":"agent-model-bundle+json","manifest":{},"files":{"w":"'));
            }
            if (sent >= bytes) {
              c.enqueue(new TextEncoder().encode('"}}'));
              return c.close();
            }
            sent += chunk.byteLength;
            c.enqueue(chunk);
          },
        }),
      );
    },
  });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const url = `http://127.0.0.1:${server.port}/v1/models/m/versions/2/bundle`;
  const t0 = performance.now();
  let outcome: string;
  if (mode === "before") {
    const body = await (await fetch(url)).json().catch((e: Error) => e);
    outcome = body instanceof Error ? `error: ${body.message}` : "read whole, then refused by size";
  } else {
    const client = createRegistryClient({ url: `http://127.0.0.1:${server.port}` });
    outcome = await client.download("m", "2").then(
      () => "accepted?!",
      (e: Error & { code?: string }) => `${e.code}`,
    );
  }
  const ms = performance.now() - t0;
  await Bun.sleep(50);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  server.stop(true);
  console.log(JSON.stringify({ mode, mb, sent_mb: +(sent / 1e6).toFixed(1), peak_rss_mb: Math.round(peak / 2 ** 20), ms: Math.round(ms), outcome }));
}

const args = process.argv.slice(2);
if (args[0] === "--row") {
  await row(args[1] as "before" | "after", Number(args[2]));
} else {
  const rows: [string, number][] = [
    ["before", 300],
    ["after", 300],
    ["after", 1500],
  ];
  console.log("| client | body | sent by server | peak RSS | time | outcome |\n|---|---|---|---|---|---|");
  for (const [mode, mb] of rows) {
    const p = Bun.spawnSync([process.execPath, import.meta.path, "--row", mode, String(mb)], { stdout: "pipe", stderr: "inherit" });
    const r = JSON.parse(p.stdout.toString().trim().split("\n").pop()!);
    console.log(`| ${r.mode} | ${r.mb} MB | ${r.sent_mb} MB | ${r.peak_rss_mb} MiB | ${r.ms} ms | ${r.outcome} |`);
  }
}
