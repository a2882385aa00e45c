/**
 * The names the dashboard and alert tests check against (the `Telemetry` registry, see
 * rules.ts `agentExported`) are what a running agent serves: a real `agent run` is started, its
 * `/metrics` scraped over HTTP, and its metric families compared with the registry's; every metric
 * the Grafana dashboard and the alert rules use is a family (or a histogram series of one) of that
 * scrape.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { freePort } from "../check/tools.ts";
import { dashboardExprs } from "../grafana/dashboard.ts";
import { familiesOfText, promqlRefs, samplesOfText } from "./promql.ts";
import { agentExported, PROMETHEUS_SERIES, ruleEntries } from "./rules.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

const ROOT = join(import.meta.dir, "../..");

/** Scrapes a running agent's /metrics until `done(text)` holds (bounded: 60 tries). */
async function scrapeUntil(url: string, done: (text: string) => boolean): Promise<string> {
  let text = "";
  const got = await waitFor(
    async () => {
      text = await fetch(url).then(
        (r) => r.text(),
        () => "",
      );
      return done(text) ? text : undefined;
    },
    { timeoutMs: 15_000, everyMs: 100 },
  ).catch(() => undefined);
  if (got) return got;
  throw new Error(`the agent's /metrics never showed what the test waits for; last text:\n${text.slice(0, 2000)}`);
}

test("a running agent serves exactly the registry's metric families; every metric of the dashboard and the rules is among them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "exported-metrics-"));
  const port = freePort();
  const config = join(dir, "agent.yaml");
  writeFileSync(
    config,
    `agent: { id: dash, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 5, interval: 200ms, anomaly_ratio: 0.5, seed: 2 }]
model: { online: default }
sinks: [{ type: file, id: f, path: ${dir}/out.jsonl, batch: { max_wait: 100ms } }]
server: { listen: "127.0.0.1:${port}" }
`,
  );
  const agent = Bun.spawn([process.execPath, join(ROOT, "agent/main.ts"), "run", "--config", config, "--duration", "30s"], {
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    const text = await scrapeUntil(
      `http://127.0.0.1:${port}/metrics`,
      (t) => /^agent_points_out_total\{/m.test(t) && /^agent_eventloop_lag_seconds_count [1-9]/m.test(t),
    );
    const served = familiesOfText(text);
    const registry = familiesOfText(await new Telemetry().registry.metrics());
    console.log(`[metrics] a running agent serves ${served.size} families, ${samplesOfText(text).size} sample names`);
    expect([...served].sort()).toEqual([...registry].sort());

    // Every sample name it serves is one agentExported() knows, with no label it does not know.
    const exported = await agentExported();
    for (const [name, labels] of samplesOfText(text)) {
      expect({ name, known: exported.has(name) }).toEqual({ name, known: true });
      for (const l of labels) expect({ name, label: l, known: exported.get(name)!.has(l) }).toEqual({ name, label: l, known: true });
    }

    const family = (m: string) => (served.has(m) ? m : m.replace(/_(bucket|sum|count)$/, ""));
    const dash = JSON.parse(readFileSync(join(ROOT, "infra/grafana/agent-dashboard.json"), "utf8"));
    const rules = ruleEntries(readFileSync(join(import.meta.dir, "agent-rules.yml"), "utf8"));
    const used = new Set([...dashboardExprs(dash).map((e) => e.expr), ...rules.map((r) => r.expr)].flatMap((e) => promqlRefs(e).metrics));
    for (const m of used) {
      if (PROMETHEUS_SERIES.includes(m)) continue;
      expect({ metric: m, served: served.has(family(m)) && (family(m) === m || served.get(family(m)) === "histogram") }).toEqual({ metric: m, served: true });
    }
  } finally {
    agent.kill("SIGTERM");
    await agent.exited;
  }
}, 40_000);
