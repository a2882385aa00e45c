import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { runCommand, UsageError } from "../errors.ts";
import { createRegistryClient, type FleetQuery, type RegistryClient } from "../../models/registry-protocol/client.ts";
import { AGENT_STATUSES, type FleetView } from "../../models/registry-protocol/heartbeat.ts";
import { terminalSafe } from "./safe-text.ts";

/** Longest cell printed (agent-supplied text is cut to this). */
const CELL_MAX = 64;

function grid(head: string[], raw: string[][]): string {
  // Every cell may carry agent-supplied text: escape control characters, bound its width.
  const rows = raw.map((r) => r.map((c) => terminalSafe(c, CELL_MAX)));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)].join("\n");
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "-" : `${(x * 100).toFixed(2)}%`);
const fixed = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? "-" : x.toFixed(d));

/**
 * The fleet as terminal tables: agents, then model versions, then canary versus stable.
 *
 * @example
 * console.log(formatFleet(await client.fleet()));
 */
export function formatFleet(view: FleetView): string {
  const c = view.counts;
  const out = [terminalSafe(`${c.total} agents: ${c.ok} ok, ${c.stale} stale, ${c.offline} offline (${view.generated_at})`, 200), ""];
  out.push(
    grid(
      ["AGENT", "STATUS", "HOST", "MODEL", "UPTIME", "PTS/S", "ANOMALY", "BUFFER", "SINKS", "P99MS", "SEEN", "LAST ERROR"],
      view.agents.map((a) => {
        const h = a.heartbeat;
        return [
          a.agent_id,
          a.status,
          h.host,
          `${h.model.name}@${h.model.version}${h.target ? `→${h.target.version}` : ""}`,
          `${Math.round(h.uptime_s)}s`,
          fixed(h.points_per_s),
          pct(h.anomaly_rate),
          String(h.buffer_depth),
          h.sinks.map((s) => `${s.id}:${s.state}`).join(",") || "-",
          fixed(h.scoring_latency_ms_p99),
          `${a.age_s}s ago`,
          (h.last_error ?? "").slice(0, 60),
        ];
      }),
    ),
  );
  if (view.versions.length) {
    out.push(
      "",
      grid(
        ["MODEL@VERSION", "AGENTS", "ANOMALY(MEAN)", "P99MS(MAX)", "LOAD FAIL", "SCORE FAIL"],
        view.versions.map((v) => [
          `${v.model}@${v.version}`,
          String(v.agents),
          pct(v.anomaly_rate_mean),
          fixed(v.scoring_latency_ms_p99_max),
          String(v.load_failures),
          String(v.scoring_failures),
        ]),
      ),
    );
  }
  if (view.canaries.length) {
    out.push(
      "",
      grid(
        ["MODEL", "STABLE", "CANARY", "ROLLOUT", "ANOMALY S/C", "P99MS S/C", "VERDICT"],
        view.canaries.map((k) => [
          k.model,
          k.stable.version ?? "-",
          k.canary.version,
          `${k.canary.rollout}%`,
          `${pct(k.stable.stats?.anomaly_rate_mean)}/${pct(k.canary.stats?.anomaly_rate_mean)}`,
          `${fixed(k.stable.stats?.scoring_latency_ms_p99_max)}/${fixed(k.canary.stats?.scoring_latency_ms_p99_max)}`,
          k.canary.rollout === 0 ? `${k.verdict} (rolled back)` : k.verdict,
        ]),
      ),
    );
  }
  const more = view.counts.total - view.agents.length;
  if (more > 0) out.push("", `(${more} more agents not shown; narrow with --status / --model-version, or raise --max-agents)`);
  const o = view.omitted;
  if (o && o.versions + o.hosts > 0) out.push(`(${o.versions} smaller model versions and ${o.hosts} hosts not listed by the registry)`);
  return out.join("\n");
}

/** Pages fetched by {@link fetchFleet}. */
export const FLEET_FETCH = { pageSize: 1000, maxAgents: 10_000 } as const;

/**
 * The fleet view with every agent (up to `maxAgents`), following `next_cursor` page by page.
 * Aggregates come from the first page; a registry without paging answers in one page.
 *
 * @example
 * const view = await fetchFleet(createRegistryClient({ url, token }), { status: "stale" });
 */
export async function fetchFleet(client: RegistryClient, query: FleetQuery = {}, maxAgents: number = FLEET_FETCH.maxAgents): Promise<FleetView> {
  const first = await client.fleet({ ...query, limit: Math.min(FLEET_FETCH.pageSize, maxAgents) });
  const agents = [...first.agents];
  const seen = new Set<string>();
  let cursor = first.next_cursor ?? null;
  while (cursor && agents.length < maxAgents && !seen.has(cursor)) {
    seen.add(cursor);
    const page = await client.fleet({ ...query, limit: Math.min(FLEET_FETCH.pageSize, maxAgents - agents.length), cursor });
    agents.push(...page.agents);
    cursor = page.next_cursor ?? null;
  }
  return { ...first, agents: agents.slice(0, maxAgents), next_cursor: cursor };
}

interface FleetArgs extends GlobalArgs {
  registry?: string;
  token?: string;
  status?: string;
  "model-version"?: string;
  "max-agents": number;
  json: boolean;
}

/** `agent fleet --registry URL`: the fleet as a terminal table. */
export const fleetCommand: CommandModule<GlobalArgs, FleetArgs> = {
  command: "fleet",
  describe: "Show the fleet a registry knows (agents, model versions, canary vs stable) as a table",
  builder: (y) =>
    y
      .option("registry", { type: "string", default: process.env.AGENT_REGISTRY_URL, describe: "Registry URL ($AGENT_REGISTRY_URL)" })
      .option("token", { type: "string", describe: "Publisher token (default $AGENT_REGISTRY_TOKEN)" })
      .option("status", { choices: AGENT_STATUSES, describe: "Only agents with this status" })
      .option("model-version", { type: "string", describe: "Only agents running this version (7 or name@7)" })
      .option("max-agents", { type: "number", default: FLEET_FETCH.maxAgents, describe: "Most agents fetched (pages of 1000)" })
      .option("json", { type: "boolean", default: false, describe: "Print the /v1/fleet JSON instead (all pages merged)" })
      .example("$0 fleet --registry http://registry:8700 --status stale", "agents that missed heartbeats"),
  handler: (args) =>
    runCommand("fleet", args.debug, async () => {
      if (!args.registry) throw new UsageError("--registry URL is required (or set AGENT_REGISTRY_URL)");
      const token = args.token ?? process.env.AGENT_REGISTRY_TOKEN;
      if (!token) throw new UsageError("no token: pass --token or set AGENT_REGISTRY_TOKEN (a publisher token)");
      const query: FleetQuery = { status: args.status as FleetQuery["status"], model_version: args["model-version"] };
      if (!(args["max-agents"] >= 1)) throw new UsageError("--max-agents must be at least 1");
      const view = await fetchFleet(createRegistryClient({ url: args.registry, token }), query, Math.floor(args["max-agents"]));
      console.log(args.json ? JSON.stringify(view, null, 2) : formatFleet(view));
    }),
};
