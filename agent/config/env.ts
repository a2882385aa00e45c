/**
 * Environment variables in the config: `${VAR}` / `${VAR:-default}` substitution in every string
 * value (after YAML parsing, so a value cannot inject YAML; `$$` is a literal `$`), and the
 * prototype's variables as defaults for keys the YAML leaves out. The environment is always
 * passed in; nothing here reads `process.env`.
 */
import { withHttpScheme } from "../../core/config/net.ts";
import { ELASTICSEARCH_CONFIG_DEFAULTS } from "../../core/sinks/elasticsearch/config.ts";
import { KAFKA_CONFIG_DEFAULTS } from "../../core/sinks/kafka/config.ts";

/** An environment: `process.env` or a test's record. */
export type Env = Record<string, string | undefined>;

/** A problem found while substituting, with its raw key path. */
export interface EnvProblem {
  path: PropertyKey[];
  message: string;
}

/** Values used when neither the YAML nor the environment sets them (the sinks' own defaults). */
export const ENV_FALLBACKS = {
  kafkaBrokers: KAFKA_CONFIG_DEFAULTS.brokers,
  kafkaTopic: KAFKA_CONFIG_DEFAULTS.topic,
  elasticsearchHosts: ELASTICSEARCH_CONFIG_DEFAULTS.hosts,
  ingestGroupId: "metrics-consumer",
} as const;

/** Defaults the prototype's environment variables provide. */
export interface EnvDefaults {
  /** `KAFKA_BOOTSTRAP_SERVERS`, comma-separated. */
  kafkaBrokers: string[];
  /** `KAFKA_TOPIC`. */
  kafkaTopic: string;
  /** `ELASTICSEARCH_HOST` (comma-separated; `http://` added when no scheme). */
  elasticsearchHosts: string[];
  /** `PROMETHEUS_PUSHGATEWAY` (`http://` added when no scheme); undefined when unset. */
  pushgateway?: string;
  /** `KAFKA_GROUP_ID`: consumer group of `agent ingest`. */
  ingestGroupId: string;
}

/** The value of one of the variables above (its fallback when unset), by variable name. */
const BY_VARIABLE: Record<string, (d: EnvDefaults) => unknown> = {
  KAFKA_BOOTSTRAP_SERVERS: (d) => d.kafkaBrokers,
  KAFKA_TOPIC: (d) => d.kafkaTopic,
  ELASTICSEARCH_HOST: (d) => d.elasticsearchHosts,
  PROMETHEUS_PUSHGATEWAY: (d) => d.pushgateway,
  KAFKA_GROUP_ID: (d) => d.ingestGroupId,
};

/**
 * The value a component key takes from `variable` (see a sink component's `env`).
 *
 * @example
 * envValue(envDefaults({ KAFKA_TOPIC: "m" }), "KAFKA_TOPIC"); // "m"
 */
export function envValue(d: EnvDefaults, variable: string): unknown {
  const get = BY_VARIABLE[variable];
  if (!get) throw new Error(`no default is read from ${variable}: add it to envDefaults`);
  return get(d);
}

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Reads the prototype's environment variables, with fallbacks.
 *
 * @example
 * envDefaults({ KAFKA_BOOTSTRAP_SERVERS: "k1:9092,k2:9092" }).kafkaBrokers; // ["k1:9092", "k2:9092"]
 */
export function envDefaults(env: Env): EnvDefaults {
  const brokers = list(env.KAFKA_BOOTSTRAP_SERVERS);
  const hosts = list(env.ELASTICSEARCH_HOST).map(withHttpScheme);
  const out: EnvDefaults = {
    kafkaBrokers: brokers.length ? brokers : [...ENV_FALLBACKS.kafkaBrokers],
    kafkaTopic: env.KAFKA_TOPIC || ENV_FALLBACKS.kafkaTopic,
    elasticsearchHosts: hosts.length ? hosts : [...ENV_FALLBACKS.elasticsearchHosts],
    ingestGroupId: env.KAFKA_GROUP_ID || ENV_FALLBACKS.ingestGroupId,
  };
  if (env.PROMETHEUS_PUSHGATEWAY) out.pushgateway = withHttpScheme(env.PROMETHEUS_PUSHGATEWAY.trim());
  return out;
}

const TOKEN = /\$\$|\$\{([^}]*)\}|\$\{/g;
const EXPR = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Substitutes one string. Returns the result and the problems (unset variable without a
 * default, malformed `${...}`).
 *
 * @example
 * substituteString("http://${HOST:-localhost}:9200", {}); // { value: "http://localhost:9200", problems: [] }
 */
export function substituteString(text: string, env: Env): { value: string; problems: string[] } {
  const problems: string[] = [];
  const value = text.replace(TOKEN, (match, expr: string | undefined) => {
    if (match === "$$") return "$";
    const m = expr === undefined ? null : EXPR.exec(expr);
    if (!m) {
      problems.push(`malformed ${match === "${" ? 'unclosed "${"' : JSON.stringify(match)}: expected \${VAR} or \${VAR:-default} (write $$ for a literal $)`);
      return match;
    }
    const [, name, fallback] = m;
    const set = env[name];
    if (fallback !== undefined) return set ? set : fallback;
    if (set === undefined) {
      problems.push(`environment variable ${name} is not set (use \${${name}:-default} to give a default)`);
      return "";
    }
    return set;
  });
  return { value, problems };
}

/** Result of {@link substituteEnv}. */
export interface Substituted {
  value: unknown;
  problems: EnvProblem[];
  /** Paths whose value was a single `${...}` expression (their text may stand for a number or boolean). */
  whole: PropertyKey[][];
}

/**
 * Substitutes every string value of a parsed YAML tree (keys are left alone). Returns a new tree.
 *
 * @example
 * substituteEnv({ topic: "${T:-metrics}" }, {}).value; // { topic: "metrics" }
 */
export function substituteEnv(tree: unknown, env: Env): Substituted {
  const problems: EnvProblem[] = [];
  const whole: PropertyKey[][] = [];
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === "string") {
      if (!node.includes("$")) return node;
      const r = substituteString(node, env);
      for (const message of r.problems) problems.push({ path, message });
      if (/^\$\{[^}]*\}$/.test(node)) whole.push(path);
      return r.value;
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, [...path, i]));
    if (node !== null && typeof node === "object") {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  };
  return { value: walk(tree, []), problems, whole };
}
