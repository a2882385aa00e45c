/**
 * infra/compose.yaml: valid against the Compose Specification schema (after interpolation, as
 * Compose does it), the five services it promises, the agent's inline config valid for the agent,
 * and the registry's command as written started for real and probed with the image's HEALTHCHECK.
 * (No Docker engine runs on these machines: the stack itself is not started here.)
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { checkConfigText } from "../agent/config/load.ts";
import { freePort, pythonWithJsonschema, run } from "./check/tools.ts";
import { waitFor } from "../core/testing/wait-for.ts";

const ROOT = join(import.meta.dir, "..");
const COMPOSE = join(import.meta.dir, "compose.yaml");
const CHECK = join(import.meta.dir, "check/schema_check.py");
const text = readFileSync(COMPOSE, "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const compose: any = parse(text, { merge: true });
const PY = pythonWithJsonschema();
const TOKEN = "compose-test-token-0123456789abcdef";

(PY ? test : test.skip)("compose.yaml passes the Compose Specification schema; a missing token or a misspelt key fails it", async () => {
  const ok = await run([PY!, CHECK, "compose", COMPOSE], { env: { ...process.env, AGENT_REGISTRY_ENROLL_TOKEN: TOKEN } });
  console.log(ok.out.trim());
  expect(ok.code).toBe(0);
  expect(ok.out).toContain("6 services");

  const env = { ...process.env };
  delete env.AGENT_REGISTRY_ENROLL_TOKEN;
  const noToken = await run([PY!, CHECK, "compose", COMPOSE], { env });
  expect(noToken.code).toBe(1);
  expect(noToken.out).toContain("AGENT_REGISTRY_ENROLL_TOKEN");

  const dir = mkdtempSync(join(tmpdir(), "compose-"));
  const bad = join(dir, "compose.yaml");
  writeFileSync(
    bad,
    text.replace("healthcheck: { disable: true }", "healthcheck: { disabled: true }").replace("condition: service_healthy }", "condition: service_heathy }"),
  );
  const b = await run([PY!, CHECK, "compose", bad], { env: { ...process.env, AGENT_REGISTRY_ENROLL_TOKEN: TOKEN } });
  expect(b.code).toBe(1);
  expect(b.out).toContain("disabled");
  expect(b.out).toContain("service_heathy");
});

test("Kafka (and its topics), OpenSearch, the registry, an agent and `agent ingest`, started in order, with the agent's config valid", () => {
  const s = compose.services;
  expect(Object.keys(s).sort()).toEqual(["agent", "ingest", "kafka", "kafka-init", "opensearch", "registry"]);
  expect(s.registry.command.slice(0, 2)).toEqual(["registry", "serve"]);
  expect(s.ingest.command[0]).toBe("ingest");
  expect(s.agent.command).toEqual(["run", "--config", s.agent.configs[0].target]);
  for (const n of ["registry", "agent", "ingest"]) expect(s[n].build.dockerfile).toBe("infra/docker/Dockerfile");
  expect(s["kafka-init"].depends_on.kafka.condition).toBe("service_healthy");
  expect(s.agent.depends_on["kafka-init"].condition).toBe("service_completed_successfully");
  expect(s.ingest.depends_on["kafka-init"].condition).toBe("service_completed_successfully");
  expect(s.ingest.depends_on.opensearch.condition).toBe("service_healthy");
  // The topics made before anyone uses them are the ones the agent writes and ingest reads.
  const init = s["kafka-init"].command.join(" ");
  for (const t of [s.ingest.command[s.ingest.command.indexOf("--topic") + 1], s.ingest.command[s.ingest.command.indexOf("--anomalies-topic") + 1]])
    expect(init).toContain(t);
  // A service_healthy dependency has a healthcheck: its own, or the agent image's HEALTHCHECK.
  for (const svc of Object.values(s) as { depends_on?: Record<string, { condition: string }> }[]) {
    for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
      if (condition !== "service_healthy") continue;
      expect(s[dep].healthcheck?.disable).not.toBe(true);
      expect(s[dep].healthcheck?.test ?? s[dep].build?.dockerfile).toBeDefined();
    }
  }
  // The agent's config, as the agent will read it: compose turns `$$` into `$`, the agent then
  // substitutes the enrollment token from its environment.
  const cfg = (compose.configs[s.agent.configs[0].source].content as string).replaceAll("$$", "$");
  const r = checkConfigText(cfg, "compose:agent-config", { AGENT_REGISTRY_ENROLL_TOKEN: TOKEN }, { configDir: "/etc/agent" });
  expect(r.problems).toEqual([]);
  expect(JSON.stringify(r.config?.model)).toContain(TOKEN); // enrolls with the registry's enrollment token
  expect(r.config?.sinks[0].type).toBe("kafka");
  expect(cfg).toContain("topic: metrics }"); // anomalies go to metrics-anomalies (the sink's default suffix)
  // Its procfs roots are where the service mounts the host's /proc and /sys.
  const mounts = s.agent.volumes.filter((v: unknown) => typeof v === "object") as { source: string; target: string; read_only: boolean }[];
  expect(mounts.map((m) => `${m.source}:${m.target}:${m.read_only}`).sort()).toEqual(["/proc:/host/proc:true", "/sys:/host/sys:true"]);
  expect(cfg).toContain("root: /host/proc, sys_root: /host/sys");
});

test("the registry service's command, as written, serves /healthz and the image's HEALTHCHECK sees it healthy", async () => {
  const dir = mkdtempSync(join(tmpdir(), "compose-registry-"));
  const port = freePort();
  const args = (compose.services.registry.command as string[]).map((a) => a.replace("0.0.0.0:8700", `127.0.0.1:${port}`).replace("/var/lib/agent", dir));
  const env = { ...process.env, ...compose.services.registry.environment, AGENT_REGISTRY_ENROLL_TOKEN: TOKEN, AGENT_HTTP_PORT: String(port) };
  const p = Bun.spawn([process.execPath, join(ROOT, "agent/main.ts"), ...args], { env, stdout: "ignore", stderr: "pipe" });
  try {
    const dockerfile = readFileSync(join(ROOT, "infra/docker/Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");
    const probe = JSON.parse(/^HEALTHCHECK .*?CMD (\[.*\])\s*$/m.exec(dockerfile)![1]) as string[];
    let code = -1;
    await waitFor(async () => (code = (await run(probe, { env })).code) === 0, { timeoutMs: 10_000, everyMs: 200, what: "the HEALTHCHECK to pass" }).catch(
      () => {},
    );
    expect(code).toBe(0);
  } finally {
    p.kill("SIGTERM");
    await p.exited;
  }
  const err = await new Response(p.stderr).text();
  expect(err).toContain("agent registry: serving");
  expect(err).not.toContain("created a agent token"); // the agents' token came from the environment
}, 20_000);

test("the ingest service's command, as written (fresh topic, group and index names), starts against the real Kafka and OpenSearch and stops cleanly", async () => {
  const { Kafka, logLevel } = await import("kafkajs");
  const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
  const es = process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200";
  const id = `compose-ingest-${Date.now().toString(36)}`;
  const cmd = compose.services.ingest.command as string[];
  const names: Record<string, string> = { "--topic": id, "--anomalies-topic": `${id}-anomalies`, "--group": id, "--index": id };
  const args = cmd.map((a, i) => names[cmd[i - 1]] ?? a);
  // What the kafka-init service does: the topics exist first.
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [id, `${id}-anomalies`].map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  await admin.disconnect();

  const dir = mkdtempSync(join(tmpdir(), "compose-ingest-"));
  const env = {
    ...process.env,
    ...compose.services.ingest.environment,
    KAFKA_BOOTSTRAP_SERVERS: brokers.join(","),
    ELASTICSEARCH_HOST: es.replace(/^https?:\/\//, ""),
  };
  const p = Bun.spawn([process.execPath, join(ROOT, "agent/main.ts"), ...args, "--dead-letter", join(dir, "dl.jsonl")], {
    env,
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  let log = "";
  const drain = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) log += new TextDecoder().decode(chunk);
  };
  const drained = Promise.all([drain(p.stdout), drain(p.stderr)]);
  await waitFor(() => log.includes("ingest running") || p.exitCode !== null, { timeoutMs: 10_000, everyMs: 50 }).catch(() => {}); // asserted below from the log
  p.kill("SIGTERM");
  const code = await p.exited;
  await drained;
  await admin.connect();
  await admin.deleteTopics({ topics: [id, `${id}-anomalies`] }).catch(() => {});
  await admin.deleteGroups([id]).catch(() => {});
  await admin.disconnect();
  expect(log).toContain("ingest running");
  expect(log).toContain("ingest stopped");
  expect(code).toBe(0);
}, 30_000);
