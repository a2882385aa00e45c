/** JSON Schema of the config file, for editors (`# yaml-language-server: $schema=...`). */
import { z } from "zod";
import { ConfigFileSchema } from "./schema.ts";

/** One `${VAR}` or `${VAR:-default}` expression, as `substituteString` (env.ts) reads it. */
const ENV_REF = String.raw`\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}`;

/** A string holding at least one `${VAR}` / `${VAR:-default}` not escaped by `$$`: any string key may be one. */
export const ENV_REF_PATTERN = String.raw`(?:^|[^$])(?:\$\$)*` + ENV_REF;

/** A string that is one whole `${VAR}` / `${VAR:-default}`: the loader reads its value as a number, boolean or comma list where the schema wants one. */
export const WHOLE_ENV_REF_PATTERN = `^${ENV_REF}$`;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === "object" && !Array.isArray(v);

/** Keys kept on the outer schema when a schema becomes `anyOf: [itself, ${VAR}]` (editors show them). */
const ANNOTATIONS = ["default", "description", "title", "examples", "deprecated"];

/** A string schema whose values are constrained (a `${VAR}` would fail the constraint before substitution). */
const CONSTRAINED_STRING = ["pattern", "enum", "format", "maxLength"];

function withEnvAlternative(node: Node, pattern: string): Node {
  const outer: Node = {};
  const inner: Node = {};
  for (const [k, v] of Object.entries(node)) (ANNOTATIONS.includes(k) ? outer : inner)[k] = v;
  return { ...outer, anyOf: [inner, { type: "string", pattern }] };
}

/** A list of strings or numbers (brokers, hosts…): one `${VAR}` may stand for it as a comma-separated list. */
function isScalarList(node: Node): boolean {
  const items = node.items;
  return isNode(items) && (items.type === "string" || items.type === "number" || items.type === "integer");
}

/**
 * Rewrites a generated schema so that it accepts what the loader accepts before substitution
 * (load.ts → env.ts): a constrained string (pattern, enum, URL, topic…) may contain a `${VAR}`;
 * a number, integer, boolean or list may be one whole `${VAR}`. The substituted value is checked
 * by `agent validate`, not by the editor. Left exact: the components' `type` (a `const`: it picks
 * the component's schema) and mapping keys (the loader substitutes values only).
 */
function acceptEnvRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(acceptEnvRefs);
  if (!isNode(node)) return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "propertyNames" || k === "const" || k === "enum" || k === "default" || k === "examples") out[k] = v;
    else if (k === "properties" && isNode(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, acceptEnvRefs(s)]));
    else out[k] = acceptEnvRefs(v);
  }
  const type = out.type;
  if (out.const !== undefined) return out;
  if (type === "string" && CONSTRAINED_STRING.some((k) => k in out)) return withEnvAlternative(out, ENV_REF_PATTERN);
  if (type === "number" || type === "integer" || type === "boolean" || (type === "array" && isScalarList(node)))
    return withEnvAlternative(out, WHOLE_ENV_REF_PATTERN);
  return out;
}

/**
 * The JSON Schema (draft 2020-12) of `agent.yaml`, describing what may be written (defaults
 * included, every key optional that has a default; `${VAR}` / `${VAR:-default}` wherever the
 * loader substitutes them).
 *
 * @example
 * await Bun.write("agent.schema.json", JSON.stringify(configJsonSchema(), null, 2));
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigFileSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const accepting = acceptEnvRefs(schema) as Record<string, unknown>;
  // model.registry.token may be left out: the loader fills it from AGENT_REGISTRY_TOKEN (env-defaults.ts).
  const registry = (accepting.properties as Node | undefined)?.model as Node | undefined;
  const registrySchema = (registry?.properties as Node | undefined)?.registry as Node | undefined;
  if (registrySchema && Array.isArray(registrySchema.required)) registrySchema.required = registrySchema.required.filter((k) => k !== "token");
  return { ...accepting, title: "agent.yaml", description: "Configuration of `agent run --config agent.yaml` (snake_case keys)." };
}
