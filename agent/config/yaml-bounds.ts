/**
 * Bounds on what a config file may make the YAML parser do: its size, how many aliases it may
 * expand (an "alias bomb" of nested anchors grows exponentially), no alias that contains itself
 * (a cycle), and a nesting depth. Each breach is one config problem, never a crash.
 * @module
 */
import { isCollection, LineCounter, parseDocument, visit, type Document } from "yaml";
import type { ConfigProblem } from "./problems.ts";

/** Largest config file read (a real one is a few KiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Most alias expansions in one document (the `yaml` package's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of mappings and sequences after expansion. */
export const MAX_DEPTH = 64;

/** The parsed document, or the problems that stop parsing. */
export type BoundedYaml = { doc: Document; counter: LineCounter; value: unknown; problems?: undefined } | { problems: ConfigProblem[] };

/** A cycle or a nesting deeper than {@link MAX_DEPTH} in a parsed JS tree: the path where it starts. */
function tooDeep(value: unknown): string | undefined {
  const ancestors = new Set<object>();
  const walk = (v: unknown, depth: number): string | undefined => {
    if (v === null || typeof v !== "object") return undefined;
    if (ancestors.has(v)) return "an alias refers to a node that contains it (a cycle)";
    if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels`;
    ancestors.add(v);
    for (const child of Object.values(v)) {
      const found = walk(child, depth + 1);
      if (found) return found;
    }
    ancestors.delete(v);
    return undefined;
  };
  return walk(value, 0);
}

/**
 * Parses config text within the bounds above. YAML syntax errors come back as problems with
 * `line:col`; a breach of a bound is one problem naming it.
 *
 * @example
 * const r = parseYamlBounded("a: &x [*x]");
 * r.problems?.[0].message; // "YAML aliases: an alias refers to a node that contains it (a cycle)"
 */
export function parseYamlBounded(text: string): BoundedYaml {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_CONFIG_BYTES) return { problems: [{ path: "", message: `the file is ${bytes} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes` }] };
  const counter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  } catch (error) {
    return { problems: [{ path: "", message: `YAML cannot be parsed: ${(error as Error).message.split("\n")[0]}` }] };
  }
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
        return { path: pos ? `${pos.line}:${pos.col}` : "", message: `YAML syntax error: ${e.message.split("\n")[0]}` };
      }),
    };
  }
  // An alias inside the node its anchor names is a cycle: refuse it before expanding anything.
  let cycleAt: number | undefined;
  visit(doc, {
    Alias: (_k, node) => {
      const target = node.resolve(doc);
      if (target && isCollection(target) && containsNode(target, node)) {
        cycleAt = node.range ? counter.linePos(node.range[0]).line : 0;
        return visit.BREAK;
      }
    },
  });
  if (cycleAt !== undefined)
    return { problems: [{ path: "", message: "YAML aliases: an alias refers to a node that contains it (a cycle)", line: cycleAt || undefined }] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    const why = /alias count/i.test(message)
      ? `more than ${MAX_ALIAS_COUNT} alias expansions (an alias bomb?)`
      : /call stack/i.test(message)
        ? "nested too deeply"
        : message.split("\n")[0];
    return { problems: [{ path: "", message: `YAML aliases: ${why}` }] };
  }
  const deep = tooDeep(value);
  if (deep) return { problems: [{ path: "", message: `YAML: ${deep}` }] };
  return { doc, counter, value };
}

/** True when `node` occurs inside `collection`. */
function containsNode(collection: unknown, node: unknown): boolean {
  let found = false;
  visit(collection as Parameters<typeof visit>[0], (_k, n) => {
    if (n === node) {
      found = true;
      return visit.BREAK;
    }
  });
  return found;
}
