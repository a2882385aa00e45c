/**
 * A running `agent run`'s /metrics, scraped over HTTP, through `promtool check metrics` (Debian's
 * prometheus package; .ci/run installs it). Without promtool: skipped with a printed reason,
 * except under CI, where it fails.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../../core/testing/wait-for.ts";

const PROMTOOL = Bun.which("promtool");
if (!PROMTOOL) {
  if (process.env.CI) throw new Error("promtool is missing under CI: .ci/run installs Debian's prometheus package");
  console.log("[promtool] SKIPPED: promtool not installed (apt-get install prometheus); CI installs it");
}

(PROMTOOL ? test : test.skip)(
  "a running agent's /metrics passes promtool check metrics and names its build",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "metrics-promtool-"));
    const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = s.port;
    s.stop(true);
    const config = join(dir, "agent.yaml");
    writeFileSync(
      config,
      `agent: { id: prom, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 5, interval: 200ms, anomaly_ratio: 0.5, seed: 2 }]
model: { online: default }
sinks: [{ type: file, id: f, path: ${dir}/out.jsonl, batch: { max_wait: 100ms } }]
server: { listen: "127.0.0.1:${port}" }
`,
    );
    const agent = Bun.spawn([process.execPath, join(import.meta.dir, "../main.ts"), "run", "--config", config, "--duration", "20s"], {
      stdout: "ignore",
      stderr: "ignore",
    });
    try {
      const scrape = () =>
        fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => "",
        );
      // records delivered and at least one event-loop lag sample in its histogram
      await waitFor(async () => /agent_points_out_total\{/.test(await scrape()), { timeoutMs: 15_000, everyMs: 100, what: "records delivered" });
      await waitFor(async () => /_lag_seconds_count [1-9]/.test(await scrape()), { timeoutMs: 5000, everyMs: 100, what: "an event-loop lag sample" });
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      const text = await res.text();
      expect(res.headers.get("content-type")).toContain("text/plain");
      const p = Bun.spawn([PROMTOOL!, "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
      const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      console.log(`[promtool] running agent /metrics (${text.split("\n").length} lines): exit ${code}${(out + err).trim() ? `: ${(out + err).trim()}` : ""}`);
      expect((out + err).trim()).toBe("");
      expect(code).toBe(0);
      expect(text).toMatch(/^agent_build_info\{version="[^"]+",bun="[^"]+",.*\} 1$/m);
      expect(text).toMatch(/^agent_eventloop_lag_seconds_count [1-9]/m);
      expect(text).not.toContain("nodejs_");
    } finally {
      agent.kill("SIGTERM");
      await agent.exited;
    }
  },
  40_000,
);
