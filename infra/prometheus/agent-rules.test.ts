/**
 * infra/prometheus/agent-rules.yml: `promtool check rules` exit 0, its unit tests
 * (`promtool test rules agent-rules.test.yml`) pass, every expression uses only metrics and labels
 * the agent exports, and every alert carries a severity, a summary and a description.
 * Without promtool the promtool tests skip with a printed reason; under CI they fail.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, tool } from "../check/tools.ts";
import { checkExpr } from "./promql.ts";
import { agentExported, alertProblems, PROMETHEUS_SERIES, ruleEntries } from "./rules.ts";

const RULES = join(import.meta.dir, "agent-rules.yml");
const UNIT = join(import.meta.dir, "agent-rules.test.yml");
const text = readFileSync(RULES, "utf8");
const PROMTOOL = tool("promtool", "apt-get install prometheus");
const withPromtool = PROMTOOL ? test : test.skip;

/** The alerts issue 12 asks for, each present. */
const EXPECTED = ["AgentDown", "AgentNotReady", "AgentDropping", "AgentBufferGrowing", "AgentSinkHalted", "AgentAnomalyStorm"];

/** Problems of every expression of a rule file's text against what the agent exports. */
async function nameProblems(t: string): Promise<string[]> {
  const exported = await agentExported();
  return ruleEntries(t).flatMap((r) => checkExpr(r.expr, exported, { metrics: PROMETHEUS_SERIES }).map((p) => `${r.name}: ${p}`));
}

withPromtool("promtool check rules: exit 0 on the file; a syntax error exits 1 naming it", async () => {
  const ok = await run([PROMTOOL!, "check", "rules", RULES]);
  console.log(`[promtool] ${ok.out.trim().split("\n").join(" ")}`);
  expect(ok.code).toBe(0);
  expect(ok.out).toContain(`SUCCESS: ${ruleEntries(text).length} rules found`);

  const dir = mkdtempSync(join(tmpdir(), "agent-rules-"));
  const bad = join(dir, "bad.yml");
  writeFileSync(bad, text.replace("expr: agent_ready == 0", "expr: agent_ready == = 0"));
  const b = await run([PROMTOOL!, "check", "rules", bad]);
  expect(b.code).toBe(1);
  expect(b.out).toContain(`"AgentNotReady": could not parse expression`);
});

withPromtool(
  "promtool test rules: the unit tests pass (drops, not ready, halted/stalled sink, anomaly storm, growing buffer, down), and can fail",
  async () => {
    const ok = await run([PROMTOOL!, "test", "rules", UNIT], { cwd: import.meta.dir });
    console.log(`[promtool] ${ok.out.trim().split("\n").join(" ")}`);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("SUCCESS");

    // The same tests against rules with the storm threshold raised from 20 % to 500 %: the storm test fails.
    const dir = mkdtempSync(join(tmpdir(), "agent-rules-"));
    writeFileSync(join(dir, "agent-rules.yml"), text.replace(") > 0.2\n", ") > 5\n"));
    writeFileSync(join(dir, "agent-rules.test.yml"), readFileSync(UNIT, "utf8"));
    const b = await run([PROMTOOL!, "test", "rules", "agent-rules.test.yml"], { cwd: dir });
    expect(b.code).toBe(1);
    expect(b.out).toContain("alertname: AgentAnomalyStorm");
  },
);

test("every expression uses only metrics (and labels) the agent exports; a misspelt one is caught", async () => {
  const rules = ruleEntries(text);
  expect(rules.length).toBeGreaterThanOrEqual(EXPECTED.length);
  expect(await nameProblems(text)).toEqual([]);
  const misspelt = await nameProblems(
    text
      .replace("agent_buffer_depth > 1000", "agent_buffer_dept > 1000")
      .replace("by (instance, job, component, reason)", "by (instance, job, component, reasons)"),
  );
  expect(misspelt).toContain("AgentBufferGrowing: unknown metric agent_buffer_dept in: agent_buffer_dept > 1000 and deriv(agent_buffer_depth[15m]) > 0");
  expect(misspelt.join("\n")).toContain("AgentDropping: no exported metric has the label reasons");
});

test("the alerts asked for are there, each with a severity, a summary and a description", () => {
  const rules = ruleEntries(text);
  for (const name of EXPECTED) expect(rules.map((r) => r.name)).toContain(name);
  expect(alertProblems(rules)).toEqual([]);
  // Drift (agent_drift_*) and shadow (agent_shadow_*) metrics are not on this branch: no rule may use them yet.
  for (const r of rules) expect(r.expr).not.toMatch(/agent_(drift|shadow)_/);
  const broken = rules.map((r) => (r.name === "AgentDown" ? { ...r, labels: {}, annotations: { summary: "x" } } : r));
  expect(alertProblems(broken)).toEqual([
    "AgentDown: expected labels.severity one of critical, warning, info, found undefined",
    "AgentDown: expected annotations.description",
  ]);
});
