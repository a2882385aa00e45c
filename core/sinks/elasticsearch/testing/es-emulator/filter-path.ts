/**
 * `filter_path` on 2xx JSON answers (includes only; see the module comment of `index.ts`).
 * @module
 */
import { globRe } from "./common.ts";
import type { Json } from "./types.ts";

/** `filter_path` includes: keeps the matching paths; undefined when nothing is left. */
export function applyFilterPath(value: unknown, filter: string): unknown {
  const patterns = filter
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split("."));
  return patterns.length ? filterNode(value, patterns) : value;
}

function filterNode(node: unknown, patterns: string[][]): unknown {
  if (Array.isArray(node)) {
    const kept = node.map((el) => filterNode(el, patterns)).filter((el) => el !== undefined);
    return kept.length ? kept : undefined;
  }
  if (node === null || typeof node !== "object") return undefined;
  const out: Json = {};
  for (const [key, child] of Object.entries(node as Json)) {
    const next: string[][] = [];
    const queue = [...patterns];
    while (queue.length) {
      const p = queue.pop()!;
      if (p[0] === "**") {
        next.push(p); // ** consumes this key and may go on
        if (p.length > 1) queue.push(p.slice(1)); // ** matches nothing
      } else if (p.length && globRe(p[0]!).test(key)) next.push(p.slice(1));
    }
    if (next.some((p) => p.length === 0 || (p.length === 1 && p[0] === "**"))) out[key] = child;
    else if (next.length) {
      const f = filterNode(child, next);
      if (f !== undefined) out[key] = f;
    }
  }
  return Object.keys(out).length ? out : undefined;
}
