/**
 * infra/opensearch-dashboards/agent-saved-objects.ndjson, read offline: every line a saved object of
 * the import API, every reference resolved inside the file, the index patterns on the very indices
 * the Elasticsearch sink (host profile) and `agent ingest` (compose) write to, and every field a
 * search or visualization reads present in the sink's index template mapping, aggregatable where
 * it is aggregated. (agent-saved-objects.opensearch.test.ts runs them against a real OpenSearch.)
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { checkConfigText } from "../../agent/config/load.ts";
import { CONTRACT_MAPPINGS } from "../../core/sinks/elasticsearch/template.ts";
import { fieldProblems, fieldUses, mappingFields, parseSavedObjects, patternMatches, referenceProblems, type SavedObject } from "./saved-objects.ts";

const ROOT = join(import.meta.dir, "../..");
const FILE = join(import.meta.dir, "agent-saved-objects.ndjson");
const text = readFileSync(FILE, "utf8");
const { objects, problems } = parseSavedObjects(text);
const RECORDS_PATTERN = "agent-records-index-pattern";
const ANOMALIES_PATTERN = "agent-anomalies-index-pattern";

/** The indices the Elasticsearch sink of the host profile writes to (through the agent's own config loader). */
function sinkIndices(): { index: string; anomaliesIndex: string } {
  const r = checkConfigText(readFileSync(join(ROOT, "infra/configs/host.yaml"), "utf8"), "host.yaml", {}, { hostname: "h" });
  expect(r.problems).toEqual([]);
  const es = r.config!.sinks.find((s) => s.type === "elasticsearch") as { index: string; anomaliesIndex: string };
  return { index: es.index, anomaliesIndex: es.anomaliesIndex };
}

const title = (id: string) => objects.find((o) => o.type === "index-pattern" && o.id === id)!.attributes.title as string;

test("every line is a saved object of the import API (type, id, attributes with a title, references); bad lines are named", () => {
  expect(problems).toEqual([]);
  expect(text.endsWith("\n")).toBe(true);
  const count = (t: string) => objects.filter((o) => o.type === t).length;
  console.log(
    `[saved-objects] ${objects.length} objects: ${["index-pattern", "search", "visualization", "dashboard"].map((t) => `${count(t)} ${t}`).join(", ")}`,
  );
  expect(count("index-pattern")).toBe(2);
  expect(count("search")).toBeGreaterThanOrEqual(1);
  expect(count("visualization")).toBeGreaterThanOrEqual(3);
  expect(count("dashboard")).toBe(1);

  const broken = `${text}{"type":"visualisation","id":"x","attributes":{"title":"x"},"references":[]}\n{"type":"search","id":"agent-anomaly-events","attributes":{"title":"dup"},"references":[]}\n{not json\n`;
  expect(parseSavedObjects(broken).problems).toEqual([
    `line ${objects.length + 1}: expected type one of index-pattern, search, visualization, dashboard, found "visualisation"`,
    `line ${objects.length + 2}: duplicate search/agent-anomaly-events`,
    expect.stringContaining(`line ${objects.length + 3}: not JSON`),
  ]);
});

test("every reference resolves to an object in the file; a dangling one is named", () => {
  expect(referenceProblems(objects)).toEqual([]);
  const dash = objects.find((o) => o.type === "dashboard")!;
  // The dashboard shows every search and visualization of the file.
  expect(dash.references.map((r) => `${r.type}/${r.id}`).sort()).toEqual(
    objects
      .filter((o) => o.type === "search" || o.type === "visualization")
      .map((o) => `${o.type}/${o.id}`)
      .sort(),
  );

  const broken: SavedObject[] = structuredClone(objects);
  broken.find((o) => o.type === "dashboard")!.references[0].id = "agent-nope";
  const vis = broken.find((o) => o.type === "visualization")!;
  vis.references = [];
  expect(referenceProblems(broken)).toEqual([
    `visualization/${vis.id}: indexRefName kibanaSavedObjectMeta.searchSourceJSON.index is not a reference`,
    `visualization/${vis.id}: reads no index pattern`,
    `dashboard/${dash.id}: reference panel_0 → ${dash.references[0].type}/agent-nope is not in the file`,
  ]);
});

test("the index patterns are the indices the sink and `agent ingest` write to, each matching its own index only", () => {
  const { index, anomaliesIndex } = sinkIndices();
  expect({ index, anomaliesIndex }).toEqual({ index: "metrics-edge", anomaliesIndex: "metrics-edge-anomalies" });
  expect(patternMatches(title(RECORDS_PATTERN), index)).toBe(true);
  expect(patternMatches(title(ANOMALIES_PATTERN), anomaliesIndex)).toBe(true);
  // Points and anomaly events stay apart (a `metrics-edge*` records pattern would mix them).
  expect(patternMatches(title(RECORDS_PATTERN), anomaliesIndex)).toBe(false);
  expect(patternMatches(title(ANOMALIES_PATTERN), index)).toBe(false);
  for (const id of [RECORDS_PATTERN, ANOMALIES_PATTERN]) expect(objects.find((o) => o.id === id)!.attributes.timeFieldName).toBe("@timestamp");

  // compose.yaml's `agent ingest` writes to the same indices (its --index, anomalies at <index>-anomalies).
  const compose = parse(readFileSync(join(ROOT, "infra/compose.yaml"), "utf8"));
  const cmd: string[] = compose.services.ingest.command;
  expect(cmd[cmd.indexOf("--index") + 1]).toBe(index);
  expect(patternMatches("metrics-edge*", anomaliesIndex)).toBe(true); // the matcher can say yes to the wrong index
});

test("every field read is in the sink's index template mapping, aggregatable where aggregated; a misspelt one fails", () => {
  const fields = mappingFields(CONTRACT_MAPPINGS.properties);
  const uses = fieldUses(objects);
  console.log(`[saved-objects] ${uses.length} field uses, ${new Set(uses.map((u) => u.field)).size} distinct fields`);
  expect(fieldProblems(uses, fields)).toEqual([]);
  // Searches and visualizations over points read point fields; those over events read event fields.
  const by = (ip: string) => new Set(uses.filter((u) => u.indexPattern === ip).map((u) => u.field));
  for (const f of ["anomaly.score", "anomaly.is_anomaly", "value"]) expect(by(RECORDS_PATTERN).has(f)).toBe(true);
  for (const f of ["anomaly.state", "anomaly.peak_score", "host.name", "metric.name"]) expect(by(ANOMALIES_PATTERN).has(f)).toBe(true);
  for (const f of ["anomaly.state", "anomaly.peak_score", "anomaly.points", "anomaly.start", "anomaly.end"]) expect(by(RECORDS_PATTERN).has(f)).toBe(false);
  for (const f of ["anomaly.score", "anomaly.is_anomaly", "value"]) expect(by(ANOMALIES_PATTERN).has(f)).toBe(false);

  const misspelt = parseSavedObjects(
    text
      .replace('\\"field\\":\\"host.name\\"', '\\"field\\":\\"host.hostname\\"')
      .replace('"columns":["host.name"', '"columns":["host.nmae"')
      .replace('\\"field\\":\\"metric.name\\"', '\\"field\\":\\"metric\\"'),
  ).objects;
  expect(fieldProblems(fieldUses(misspelt), fields)).toEqual([
    "search/agent-anomaly-events: field host.nmae is not in the mapping",
    "visualization/agent-anomalies-over-time-by-host: field host.hostname is not in the mapping",
    "visualization/agent-anomalies-over-time-by-metric: field metric is a object, which cannot be aggregated or sorted",
  ]);
});
