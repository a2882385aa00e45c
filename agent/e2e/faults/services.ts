/**
 * A private Kafka and/or OpenSearch instance for the fault tests: started and stopped with
 * `scripts/services/up.sh` / `down.sh` on free ports with its own run dir
 * (`AGENT_SERVICES_RUN_DIR`), sharing the jar cache of `~/.cache/agent-services/dist`. The
 * shared services on 9092/9200 are never touched; one service of the instance can be stopped
 * and started again (`SERVICES=kafka`). Also used by agent/e2e/opensearch3.test.ts
 * with `{ opensearchVersion: "3.x.y" }` (up.sh then picks a Java 21+ by itself).
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPTS = join(import.meta.dir, "../../../scripts/services");

export type ServiceName = "kafka" | "opensearch";

/** `count` distinct TCP ports that were free on 127.0.0.1 a moment ago. */
export function freePorts(count: number): number[] {
  const listeners = Array.from({ length: count }, () => Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } }));
  const ports = listeners.map((l) => l.port);
  for (const l of listeners) l.stop(true);
  return ports;
}

/** Optional settings of a {@link ServiceInstance}; without them it runs the scripts' defaults. */
export interface ServiceInstanceOptions {
  /** `OPENSEARCH_VERSION` for up.sh (default: the script's, 2.19.6); 3.x makes it pick Java 21+. */
  opensearchVersion?: string;
  /** Extra environment for up.sh / down.sh (e.g. `SERVICES_TIMEOUT`), applied last. */
  env?: Record<string, string>;
}

/** One private instance: `up()` in beforeAll, `destroy()` in afterAll. */
export class ServiceInstance {
  readonly runDir = mkdtempSync(join(tmpdir(), "agent-faults-services-"));
  readonly ports: { kafka: number; controller: number; http: number; transport: number };

  constructor(
    readonly services: ServiceName[],
    readonly options: ServiceInstanceOptions = {},
  ) {
    const [kafka, controller, http, transport] = freePorts(4);
    this.ports = { kafka, controller, http, transport };
  }

  get brokers(): string {
    return `127.0.0.1:${this.ports.kafka}`;
  }

  get searchUrl(): string {
    return `http://127.0.0.1:${this.ports.http}`;
  }

  private env(only?: ServiceName): Record<string, string> {
    return {
      ...(process.env as Record<string, string>),
      AGENT_SERVICES_RUN_DIR: this.runDir,
      SERVICES: only ?? this.services.join(","),
      KAFKA_PORT: String(this.ports.kafka),
      KAFKA_CONTROLLER_PORT: String(this.ports.controller),
      OPENSEARCH_PORT: String(this.ports.http),
      OPENSEARCH_TRANSPORT_PORT: String(this.ports.transport),
      KAFKA_HEAP: "512m",
      OPENSEARCH_HEAP: "512m",
      SERVICES_STOP_TIMEOUT: "20",
      ...(this.options.opensearchVersion ? { OPENSEARCH_VERSION: this.options.opensearchVersion } : {}),
      ...this.options.env,
    };
  }

  private async script(name: "up.sh" | "down.sh", only?: ServiceName): Promise<number> {
    const t0 = performance.now();
    const p = Bun.spawn(["bash", join(SCRIPTS, name)], { env: this.env(only), stdout: "pipe", stderr: "pipe" });
    const [code, out, err] = await Promise.all([p.exited, new Response(p.stdout).text(), new Response(p.stderr).text()]);
    if (code !== 0) throw new Error(`${name} ${only ?? this.services.join(",")} exited ${code}:\n${out}${err}`);
    return (performance.now() - t0) / 1000;
  }

  /** Starts every service of the instance, or only `only`; resolves when ready. Returns seconds taken. */
  up(only?: ServiceName): Promise<number> {
    return this.script("up.sh", only);
  }

  /** Stops every service (SIGTERM), or only `only`. Returns seconds taken. */
  down(only?: ServiceName): Promise<number> {
    return this.script("down.sh", only);
  }

  /** Stops everything and deletes the run dir (data and logs). */
  async destroy(): Promise<void> {
    await this.down().catch(() => {});
    rmSync(this.runDir, { recursive: true, force: true });
  }
}

const scratch: string[] = [];

/** A fresh directory under the system temp dir, removed by {@link removeScratch} (kept with `FAULTS_KEEP=1`). */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** Removes the directories made by {@link scratchDir} (agents must be stopped and tmpfs unmounted). */
export function removeScratch(): void {
  if (process.env.FAULTS_KEEP === "1") return;
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
}
