/**
 * The second look the loader gives a value that was one whole `${VAR}` / `${VAR:-default}` and
 * failed the schema as text: it takes the type its text spells where the schema wants another
 * (what the JSON Schema of json-schema.ts accepts for editors).
 */
import type { z } from "zod";
import { formatPath } from "./problems.ts";

const NUMBER = /^-?\d+(\.\d+)?$/;

/** `"a:1, b:2"` → `["a:1", "b:2"]` (as `KAFKA_BOOTSTRAP_SERVERS` is read). */
export const commaList = (text: string): string[] =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

type Obj = Record<PropertyKey, unknown>;

function parentOf(tree: unknown, path: readonly PropertyKey[]): Obj | undefined {
  let node = tree as Obj | undefined;
  for (const seg of path.slice(0, -1)) node = node?.[seg] as Obj | undefined;
  return node;
}

type Parse<T> = () => z.ZodSafeParseResult<T>;

/**
 * Parses `tree` with `parse`, then again after rewriting, in place, the whole-`${VAR}` values the
 * issues point at: `"true"`/`"false"` where a boolean is expected, a decimal where a number is
 * expected (also where a number-or-text value such as a duration refused the text: `"15"` → 15 s,
 * kept as text if the number is refused too), a comma-separated text where a list is expected, and
 * a list item whose text is a comma-separated list (`brokers: ["${KAFKA_BOOTSTRAP_SERVERS}"]` with
 * `k1:9092,k2:9092`) spliced into its list.
 *
 * @example
 * const parsed = parseCoercingWholeVars(tree, () => ConfigFileSchema.safeParse(tree), new Set(["sources[0].series"]));
 */
export function parseCoercingWholeVars<T>(tree: unknown, parse: Parse<T>, wholeKeys: ReadonlySet<string>): z.ZodSafeParseResult<T> {
  const first = parse();
  if (first.success) return first;
  let changed = false;
  const tentative: { parent: Obj; key: PropertyKey; text: string; at: string }[] = [];
  const splices: { list: unknown[]; index: number; items: string[] }[] = [];
  for (const issue of first.error.issues) {
    const input = (issue as { input?: unknown }).input;
    if (typeof input !== "string" || !wholeKeys.has(formatPath(issue.path as PropertyKey[]))) continue;
    const parent = parentOf(tree, issue.path as PropertyKey[]);
    if (!parent) continue;
    const key = issue.path[issue.path.length - 1] as PropertyKey;
    const expected = issue.code === "invalid_type" ? issue.expected : undefined;
    if (expected === "boolean" && (input === "true" || input === "false")) parent[key] = input === "true";
    else if ((expected === "number" || expected === "int") && NUMBER.test(input.trim())) parent[key] = Number(input);
    else if (expected === "array") parent[key] = commaList(input);
    else if (Array.isArray(parent) && typeof key === "number" && input.includes(",")) splices.push({ list: parent, index: key, items: commaList(input) });
    else if (expected === undefined && NUMBER.test(input.trim())) {
      parent[key] = Number(input);
      tentative.push({ parent, key, text: input, at: formatPath(issue.path as PropertyKey[]) });
    } else continue;
    changed = true;
  }
  if (!changed) return first;
  // Last index first, so the earlier indices of the same list stay right.
  for (const s of splices.sort((a, b) => b.index - a.index)) s.list.splice(s.index, 1, ...s.items);
  const second = parse();
  if (second.success || tentative.length === 0) return second;
  // A number refused as well: the text goes back, so the message names what was written.
  const refused = new Set(second.error.issues.map((i) => formatPath(i.path as PropertyKey[])));
  const back = tentative.filter((t) => refused.has(t.at));
  for (const t of back) t.parent[t.key] = t.text;
  return back.length ? parse() : second;
}
