/**
 * The PromQL name scanner the dashboard and rule tests rely on: it must find every metric name
 * (so a misspelt one is caught) and nothing else (functions, keywords, labels, strings, durations).
 */
import { describe, expect, test } from "bun:test";
import { Telemetry } from "../../core/telemetry/metrics.ts";
import { checkExpr, exportedFromRegistry, familiesOfText, promqlRefs, samplesOfText } from "./promql.ts";

describe("promqlRefs", () => {
  test("metric names, not functions, keywords, grouping labels, strings, durations or numbers", () => {
    const r = promqlRefs(
      `histogram_quantile(0.99, sum by (instance, le) (rate(agent_scoring_latency_seconds_bucket{instance=~"$instance", job="a b"}[$__rate_interval])))
       > 1e3 and on (instance) agent_ready offset 5m == bool 0
       or time() - agent_process_start_time_seconds < 300
       unless label_replace(agent_build_info, "dst", "$1 agent_fake", "version", "(.*)")`,
    );
    expect(r.metrics).toEqual(["agent_build_info", "agent_process_start_time_seconds", "agent_ready", "agent_scoring_latency_seconds_bucket"]);
    expect(r.groupingLabels).toEqual(["instance", "le"]);
    expect(r.selectorLabels).toEqual({ agent_scoring_latency_seconds_bucket: ["instance", "job"] });
    expect(r.problems).toEqual([]);
  });

  test("aggregations with the clause after, subqueries, @ and recording-rule names with colons", () => {
    const r = promqlRefs(`sum(rate(agent_points_in_total[5m])) without (component_kind) / max_over_time(job:agent_ready:min[1h:1m] @ end())`);
    expect(r.metrics).toEqual(["agent_points_in_total", "job:agent_ready:min"]);
    expect(r.groupingLabels).toEqual(["component_kind"]);
  });

  test("a __name__ matcher or a nameless selector is reported, not guessed", () => {
    expect(promqlRefs(`{__name__="agent_ready"}`).problems.join()).toContain("__name__");
    expect(promqlRefs(`sum({job="agent"})`).problems.join()).toContain("without a metric name");
    expect(promqlRefs(`rate(agent_points_in_total{a="b"[5m])`).problems.join()).toContain("unbalanced");
  });
});

describe("checkExpr against the agent's registry", async () => {
  const exported = await exportedFromRegistry(new Telemetry().registry);

  test("known names and labels pass; histograms expose _bucket/_sum/_count", () => {
    expect(checkExpr(`sum by (component, reason) (rate(agent_dropped_total{instance="x"}[5m]))`, exported)).toEqual([]);
    expect(checkExpr(`histogram_quantile(0.5, sum by (le) (rate(agent_batch_latency_seconds_bucket{component="es"}[5m])))`, exported)).toEqual([]);
    expect(checkExpr(`rate(agent_batch_latency_seconds_sum[5m]) / rate(agent_batch_latency_seconds_count[5m])`, exported)).toEqual([]);
  });

  test("a misspelt metric, a label the metric lacks and an unknown grouping label fail", () => {
    expect(checkExpr(`rate(agent_droped_total[5m])`, exported)).toEqual(["unknown metric agent_droped_total in: rate(agent_droped_total[5m])"]);
    expect(checkExpr(`agent_batch_latency_seconds`, exported).join()).toContain("unknown metric agent_batch_latency_seconds");
    expect(checkExpr(`agent_buffer_bytes{component="es"}`, exported).join()).toContain("metric agent_buffer_bytes has no label component");
    expect(checkExpr(`sum by (reasons) (agent_dropped_total)`, exported).join()).toContain("label reasons");
    expect(checkExpr(`up == 0`, exported).join()).toContain("unknown metric up");
    expect(checkExpr(`up == 0`, exported, { metrics: ["up"] })).toEqual([]);
  });
});

test("exposition text: families from # TYPE, samples with their labels", () => {
  const text = `# HELP a_total x\n# TYPE a_total counter\na_total{c="1",d="x\\"y"} 3\n# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 2\nh_count 1\n`;
  expect([...familiesOfText(text)]).toEqual([
    ["a_total", "counter"],
    ["h", "histogram"],
  ]);
  expect([...samplesOfText(text).entries()].map(([k, v]) => [k, [...v]])).toEqual([
    ["a_total", ["c", "d"]],
    ["h_bucket", ["le"]],
    ["h_sum", []],
    ["h_count", []],
  ]);
});
