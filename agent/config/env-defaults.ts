/**
 * Fills keys the YAML leaves out from the prototype's environment variables, before validation
 * (so a bad variable is reported like a bad YAML value, naming the variable): the keys each sink
 * declares (`env` of its component, e.g. kafka `brokers` ← `KAFKA_BOOTSTRAP_SERVERS`),
 * `telemetry.pushgateway` ← `PROMETHEUS_PUSHGATEWAY`, `model.registry.token` ← `AGENT_REGISTRY_TOKEN`.
 */
import { SINKS } from "../../core/sinks/catalog.ts";
import { envDefaults, envValue, type Env } from "./env.ts";

/** A key filled from the environment: its path and the variable (or fallback) it came from. */
export interface EnvOrigin {
  path: PropertyKey[];
  variable: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Returns a copy of the parsed tree with env-provided defaults filled in, and where each came from.
 * Leaves anything it does not understand (wrong types) for the schema to report.
 *
 * @example
 * applyEnvDefaults({ sinks: [{ type: "kafka", id: "k" }] }, { KAFKA_TOPIC: "m" }).value;
 * // { sinks: [{ type: "kafka", id: "k", brokers: ["127.0.0.1:9092"], topic: "m" }] }
 */
export function applyEnvDefaults(tree: unknown, env: Env): { value: unknown; origins: EnvOrigin[] } {
  if (!isObj(tree)) return { value: tree, origins: [] };
  const d = envDefaults(env);
  const origins: EnvOrigin[] = [];
  const root: Obj = { ...tree };
  const fill = (obj: Obj, key: string, value: unknown, path: PropertyKey[], variable: string, isSet: boolean) => {
    if (obj[key] !== undefined) return;
    obj[key] = value;
    if (isSet) origins.push({ path: [...path, key], variable });
  };
  if (Array.isArray(root.sinks)) {
    root.sinks = root.sinks.map((sink, i) => {
      if (!isObj(sink)) return sink;
      const s: Obj = { ...sink };
      const keys: Readonly<Record<string, string>> = (Object.hasOwn(SINKS, String(s.type)) && SINKS[s.type as keyof typeof SINKS].env) || {};
      for (const [key, variable] of Object.entries(keys)) fill(s, key, envValue(d, variable), ["sinks", i], variable, !!env[variable]);
      return s;
    });
  }
  const model = root.model;
  if (isObj(model) && isObj(model.registry) && env.AGENT_REGISTRY_TOKEN) {
    const registry: Obj = { ...model.registry };
    fill(registry, "token", env.AGENT_REGISTRY_TOKEN, ["model", "registry"], "AGENT_REGISTRY_TOKEN", true);
    root.model = { ...model, registry };
  }
  if (d.pushgateway !== undefined && (root.telemetry === undefined || isObj(root.telemetry))) {
    const t: Obj = { ...((root.telemetry as Obj | undefined) ?? {}) };
    fill(t, "pushgateway", d.pushgateway, ["telemetry"], "PROMETHEUS_PUSHGATEWAY", true);
    root.telemetry = t;
  }
  return { value: root, origins };
}
