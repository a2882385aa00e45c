/** Config problems: each names its key path; {@link ConfigError} carries all of them at once. */

/** One thing wrong with a config file. */
export interface ConfigProblem {
  /** Key path such as `sinks[1].brokers[0]` (empty for the file as a whole). */
  path: string;
  /** What was expected and what was found. */
  message: string;
  /** 1-based line of the offending YAML node (or its nearest parent), when known. */
  line?: number;
}

/**
 * Formats a key path: `["sinks", 1, "brokers", 0]` → `sinks[1].brokers[0]`; keys that are not
 * identifiers are quoted (`headers["X-Token"]`).
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** One problem as a line: `  <file>: <path>: <message> (line N)`. */
export function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.path ? `${p.path}: ` : "";
  return `  ${file}: ${where}${p.message}${p.line ? ` (line ${p.line})` : ""}`;
}

/**
 * The multi-line report: `<file>: N problem(s) in config`, then one line per problem.
 *
 * @example
 * formatProblems("agent.yaml", [{ path: "sources", message: "expected at least one source" }]);
 * // "agent.yaml: 1 problem in config\n  agent.yaml: sources: expected at least one source"
 */
export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const head = `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in config`;
  return [head, ...problems.map((p) => formatProblem(file, p))].join("\n");
}

/**
 * Thrown when a config cannot be used. `problems` holds every problem found (each with its path);
 * `message` is {@link formatProblems}, or one line when the file could not be read at all.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
    message: string = formatProblems(file, problems),
  ) {
    super(message);
    this.name = "ConfigError";
  }
}
