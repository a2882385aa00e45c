/**
 * Loading a config file: YAML → env substitution → env defaults → schema → runtime config, with
 * every problem collected and reported at once ({@link ConfigError}).
 */
import { readFile, stat } from "node:fs/promises";
import { hostname as osHostname } from "node:os";
import { dirname, resolve } from "node:path";
import type { Document, LineCounter } from "yaml";
import { parseCoercingWholeVars } from "./coerce.ts";
import { applyEnvDefaults } from "./env-defaults.ts";
import { substituteEnv, type Env } from "./env.ts";
import { duplicateIds } from "./ids.ts";
import { configErrorMap } from "./issues.ts";
import { ConfigError, formatPath, type ConfigProblem } from "./problems.ts";
import { toRuntimeConfig } from "./runtime.ts";
import { MAX_CONFIG_BYTES, parseYamlBounded } from "./yaml-bounds.ts";
import { ConfigFileSchema } from "./schema.ts";
import type { AgentConfig } from "./types.ts";

/** Overrides for {@link checkConfigText} (tests, the embedded default config). */
export interface ParseOptions {
  /** Directory relative paths are resolved against (default: the file's directory). */
  configDir?: string;
  /** Default agent id and host name (default: `os.hostname()`). */
  hostname?: string;
}

/** Outcome of {@link checkConfigText}: the config when there are no problems. */
export interface CheckResult {
  config?: AgentConfig;
  problems: ConfigProblem[];
  /** The tree after env substitution and env defaults (for partial checks such as the model). */
  tree?: unknown;
  /** Line of the YAML node at a key path (or its nearest parent), for problems found later. */
  lineOf?: (path: readonly PropertyKey[]) => number | undefined;
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

const samePrefix = (prefix: readonly PropertyKey[], path: readonly PropertyKey[]) => prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]);

/**
 * Checks config text without throwing: every problem (YAML syntax with line:col, env variables,
 * duplicate ids, schema issues) with its path and line; the runtime config when there are none.
 */
export function checkConfigText(text: string, file: string, env: Env, options: ParseOptions = {}): CheckResult {
  const parsedYaml = parseYamlBounded(text);
  if (parsedYaml.problems) return { problems: parsedYaml.problems };
  const { doc, counter, value: raw } = parsedYaml;
  if (raw === null || raw === undefined) return { problems: [{ path: "", message: "the file is empty (expected a mapping with sources: and sinks:)" }] };
  const subst = substituteEnv(raw, env);
  const { value: tree, origins } = applyEnvDefaults(subst.value, env);
  const found: { path: PropertyKey[]; message: string }[] = [...subst.problems, ...duplicateIds(tree)];
  // A value that was a single ${VAR} takes the type its text spells where the schema wants a number, boolean or list.
  const wholeKeys = new Set(subst.whole.map((p) => formatPath(p)));
  const parsed = parseCoercingWholeVars(tree, () => ConfigFileSchema.safeParse(tree, { error: configErrorMap, reportInput: true }), wholeKeys);
  if (!parsed.success) for (const issue of parsed.error.issues) found.push({ path: issue.path as PropertyKey[], message: issue.message });
  const problems: ConfigProblem[] = found.map((p) => {
    const origin = origins.find((o) => samePrefix(o.path, p.path));
    const message = origin ? `${p.message} (from environment variable ${origin.variable})` : p.message;
    return { path: formatPath(p.path), message, line: lineOf(doc, counter, p.path) };
  });
  problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const at = (path: readonly PropertyKey[]) => lineOf(doc, counter, path);
  if (problems.length > 0 || !parsed.success) return { problems, tree, lineOf: at };
  const config = toRuntimeConfig(parsed.data, {
    file,
    configDir: options.configDir ?? dirname(resolve(file)),
    hostname: options.hostname ?? osHostname(),
  });
  return { config, problems, tree, lineOf: at };
}

/**
 * Parses config text into the runtime config; throws {@link ConfigError} with every problem.
 *
 * @example
 * const config = parseConfigText(await Bun.file("agent.yaml").text(), "agent.yaml", process.env);
 */
export function parseConfigText(text: string, file: string, env: Env, options: ParseOptions = {}): AgentConfig {
  const result = checkConfigText(text, file, env, options);
  if (!result.config) throw new ConfigError(file, result.problems);
  return result.config;
}

/** Reads a config file; a missing or unreadable file is a one-line {@link ConfigError}. */
export async function readConfigText(path: string): Promise<string> {
  try {
    const size = (await stat(path)).size;
    if (size > MAX_CONFIG_BYTES) {
      const problem = { path: "", message: `the file is ${size} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes` };
      throw new ConfigError(path, [problem], `${path}: ${problem.message}`);
    }
    return await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    const problem = { path: "", message: `cannot read config: ${reason}` };
    throw new ConfigError(path, [problem], `${path}: ${problem.message}`);
  }
}

/**
 * Loads and validates a config file (relative paths resolve against its directory).
 *
 * @example
 * const config = await loadConfig("agent.yaml", process.env);
 */
export async function loadConfig(path: string, env: Env, options: ParseOptions = {}): Promise<AgentConfig> {
  return parseConfigText(await readConfigText(path), path, env, options);
}
