/**
 * The image's HEALTHCHECK, run as Docker would run it (its exec-form command, its environment),
 * against a real `agent run`: healthy while the agent serves /healthz, unhealthy with nothing
 * listening or with a non-200 answer. (No Docker engine runs on these machines, so the image itself
 * is not built here.)
 */
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, run } from "../check/tools.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

const ROOT = join(import.meta.dir, "../..");
const DOCKERFILE = readFileSync(join(import.meta.dir, "Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");

/** The HEALTHCHECK's exec-form command. */
function healthcheck(): string[] {
  const m = /^HEALTHCHECK .*?CMD (\[.*\])\s*$/m.exec(DOCKERFILE);
  if (!m) throw new Error("no exec-form HEALTHCHECK CMD in the Dockerfile");
  return JSON.parse(m[1]);
}

const probe = (port: number) => run(healthcheck(), { env: { ...process.env, AGENT_HTTP_PORT: String(port) } });

test("the HEALTHCHECK probes /healthz, not `agent doctor`; the port it uses is the one the image's config serves", () => {
  const cmd = healthcheck().join(" ");
  expect(cmd).toContain("/healthz");
  expect(cmd).not.toContain("doctor");
  expect(DOCKERFILE).toMatch(/^ENV AGENT_HTTP_PORT=8686$/m);
  expect(readFileSync(join(ROOT, "infra/configs/kubernetes.yaml"), "utf8")).toContain('listen: "0.0.0.0:8686"');
  expect(DOCKERFILE).toMatch(/^USER 10001:10001$/m);
});

test("healthy while a real agent serves /healthz; unhealthy with nothing listening or on a 503", async () => {
  const port = freePort();
  const down = await probe(port);
  expect(down.code).not.toBe(0);

  const sick = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("no", { status: 503 }) });
  const s = await probe(sick.port!);
  sick.stop(true);
  expect(s.code).not.toBe(0);

  const dir = mkdtempSync(join(tmpdir(), "healthcheck-"));
  const config = join(dir, "agent.yaml");
  writeFileSync(
    config,
    `agent: { id: hc, data_dir: ${dir}/var }
sources: [{ type: synthetic, id: synth, series: 2, interval: 500ms, seed: 1 }]
model: { online: default }
sinks: [{ type: file, id: f, path: ${dir}/out.jsonl }]
server: { listen: "127.0.0.1:${port}" }
`,
  );
  const agent = Bun.spawn([process.execPath, join(ROOT, "agent/main.ts"), "run", "--config", config, "--duration", "20s"], {
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    let code = -1;
    await waitFor(async () => (code = (await probe(port)).code) === 0, { timeoutMs: 10_000, everyMs: 200 }).catch(() => {}); // asserted below
    console.log(`[docker] HEALTHCHECK: nothing listening exit ${down.code}, 503 exit ${s.code}, running agent exit ${code}`);
    expect(code).toBe(0);
  } finally {
    agent.kill("SIGTERM");
    await agent.exited;
  }
}, 30_000);
