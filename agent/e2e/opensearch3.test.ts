/**
 * Elasticsearch sink against a REAL OpenSearch 3.x node: a private one (free ports, own run dir,
 * the jar cache of ~/.cache/agent-services shared) started by scripts/services/up.sh with
 * OPENSEARCH_VERSION=3.x in beforeAll and stopped in afterAll; the shared services are not
 * touched. Same checks as sink.test.ts (core/sinks/elasticsearch/testing/sink-checks.ts). OpenSearch 3 needs Java 21+: up.sh
 * picks one under /usr/lib/jvm (or SERVICES_JAVA_HOME). On a machine with no JDK 21+ at all
 * (Debian 12 packages none) the tests are SKIPPED with a warning saying so; with one, a node
 * that fails to start fails every test.
 * Another 3.x version: OPENSEARCH3_VERSION=3.8.0. First run resolves ~63 MB of jars with Maven.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ServiceInstance } from "./faults/services.ts";
import { createSearchClient, detectSearchFlavor } from "../../core/sinks/elasticsearch/client.ts";
import { describeSinkAgainst } from "../../core/sinks/elasticsearch/testing/sink-checks.ts";

const VERSION = process.env.OPENSEARCH3_VERSION ?? "3.9.0";
const services = new ServiceInstance(["opensearch"], { opensearchVersion: VERSION });
let started: Promise<void>;

/** The java up.sh would run OpenSearch `VERSION` with (its own choice, scripts/services/common.sh), or undefined. */
function java21(): string | undefined {
  const common = join(import.meta.dir, "../../scripts/services/common.sh");
  const r = Bun.spawnSync(
    ["bash", "-c", `source "$1" && pick_java && OPENSEARCH_VERSION="$2" && pick_opensearch_java && echo "$OS_JAVA"`, "java21", common, VERSION],
    {
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  return r.exitCode === 0 ? r.stdout.toString().trim() || undefined : undefined;
}
const JAVA = java21();
if (!JAVA) console.warn(`[opensearch3] SKIPPED: no JDK 21+ on this machine (OpenSearch ${VERSION} needs one; set SERVICES_JAVA_HOME to use one elsewhere)`);

beforeAll(async () => {
  if (!JAVA) return;
  started = services.up().then(
    (s) => console.log(`[opensearch3] private OpenSearch ${VERSION} on ${services.searchUrl} up in ${s.toFixed(1)} s`),
    (err: Error) => {
      throw new Error(
        `a private OpenSearch ${VERSION} could not be started (it needs a JDK 21+: under /usr/lib/jvm, or ` +
          `SERVICES_JAVA_HOME; see infra/README.md). scripts/services/up.sh said:\n${err.message}`,
      );
    },
  );
  await started.catch(() => {}); // reported by each test
}, 600_000); // the first run resolves the 3.x jars with Maven

afterAll(async () => {
  await services.destroy();
}, 60_000);

describe.skipIf(!JAVA)(`OpenSearch ${VERSION} node`, () => {
  test("is the requested 3.x version, detected as OpenSearch >= 3 by the client", async () => {
    await started;
    const info = (await (await fetch(services.searchUrl)).json()) as { version: { distribution: string; number: string } };
    expect(info.version.distribution).toBe("opensearch");
    expect(info.version.number).toBe(VERSION);
    const client = createSearchClient({ node: services.searchUrl, maxRetries: 0, requestTimeoutMs: 10_000 });
    try {
      const found = await detectSearchFlavor(client);
      expect(found.flavor).toBe("opensearch");
      expect(found.major).toBe(Number.parseInt(VERSION, 10));
    } finally {
      await client.close();
    }
  });
});

if (JAVA) describeSinkAgainst({ name: `OpenSearch ${VERSION}`, url: services.searchUrl, ready: () => started });
