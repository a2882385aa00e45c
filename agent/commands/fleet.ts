import type { CommandModule } from "yargs";
import type { GlobalArgs } from "../args.ts";
import { runCommand, UsageError } from "../errors.ts";
import { createRegistryClient, type FleetQuery } from "../../models/registry/client.ts";
import { AGENT_STATUSES, type FleetView } from "../../models/registry/heartbeat.ts";

function grid(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
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
  const out = [`${c.total} agents: ${c.ok} ok, ${c.stale} stale, ${c.offline} offline (${view.generated_at})`, ""];
  out.push(
    grid(
      ["AGENT", "STATUS", "HOST", "MODEL", "UPTIME", "PTS/S", "ANOMALY", "BUFFER", "SINKS", "P99MS", "SEEN", "LAST ERROR"],
      view.agents.map((a) => {
        const h = a.heartbeat;
        return [
          a.agent_id, a.status, h.host, `${h.model.name}@${h.model.version}${h.target ? `→${h.target.version}` : ""}`, `${Math.round(h.uptime_s)}s`,
          fixed(h.points_per_s), pct(h.anomaly_rate), String(h.buffer_depth), h.sinks.map((s) => `${s.id}:${s.state}`).join(",") || "-",
          fixed(h.scoring_latency_ms_p99), `${a.age_s}s ago`, (h.last_error ?? "").slice(0, 60),
        ];
      }),
    ),
  );
  if (view.versions.length) {
    out.push("", grid(["MODEL@VERSION", "AGENTS", "ANOMALY(MEAN)", "P99MS(MAX)", "LOAD FAIL", "SCORE FAIL"],
      view.versions.map((v) => [`${v.model}@${v.version}`, String(v.agents), pct(v.anomaly_rate_mean), fixed(v.scoring_latency_ms_p99_max), String(v.load_failures), String(v.scoring_failures)])));
  }
  if (view.canaries.length) {
    out.push("", grid(["MODEL", "STABLE", "CANARY", "ROLLOUT", "ANOMALY S/C", "P99MS S/C", "VERDICT"],
      view.canaries.map((k) => [k.model, k.stable.version ?? "-", k.canary.version, `${k.canary.rollout}%`,
        `${pct(k.stable.stats?.anomaly_rate_mean)}/${pct(k.canary.stats?.anomaly_rate_mean)}`,
        `${fixed(k.stable.stats?.scoring_latency_ms_p99_max)}/${fixed(k.canary.stats?.scoring_latency_ms_p99_max)}`,
        k.canary.rollout === 0 ? `${k.verdict} (rolled back)` : k.verdict])));
  }
  return out.join("\n");
}

interface FleetArgs extends GlobalArgs {
  registry?: string;
  token?: string;
  status?: string;
  "model-version"?: string;
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
      .option("json", { type: "boolean", default: false, describe: "Print the /v1/fleet JSON instead" })
      .example("$0 fleet --registry http://registry:8700 --status stale", "agents that missed heartbeats"),
  handler: (args) =>
    runCommand("fleet", args.debug, async () => {
      if (!args.registry) throw new UsageError("--registry URL is required (or set AGENT_REGISTRY_URL)");
      const token = args.token ?? process.env.AGENT_REGISTRY_TOKEN;
      if (!token) throw new UsageError("no token: pass --token or set AGENT_REGISTRY_TOKEN (a publisher token)");
      const query: FleetQuery = { status: args.status as FleetQuery["status"], model_version: args["model-version"] };
      const view = await createRegistryClient({ url: args.registry, token }).fleet(query);
      console.log(args.json ? JSON.stringify(view, null, 2) : formatFleet(view));
    }),
};
