/** Component ids must be unique across all sources and sinks (they label metrics and files). */

/** A duplicate id: where it appears again, and where it was first used. */
export interface IdProblem {
  path: PropertyKey[];
  message: string;
}

/**
 * Finds repeated `id`s among `sources[*]` and `sinks[*]` of a parsed tree; each repeat is reported
 * at its own path, naming the first use.
 *
 * @example
 * duplicateIds({ sources: [{ id: "a" }], sinks: [{ id: "a" }] });
 * // [{ path: ["sinks", 0, "id"], message: 'duplicate id "a" (first used at sources[0].id)' }]
 */
export function duplicateIds(tree: unknown): IdProblem[] {
  if (tree === null || typeof tree !== "object") return [];
  const seen = new Map<string, string>();
  const problems: IdProblem[] = [];
  for (const section of ["sources", "sinks"] as const) {
    const list = (tree as Record<string, unknown>)[section];
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      const id = item !== null && typeof item === "object" ? (item as Record<string, unknown>).id : undefined;
      if (typeof id !== "string") return;
      const here = `${section}[${i}].id`;
      const first = seen.get(id);
      if (first) problems.push({ path: [section, i, "id"], message: `duplicate id ${JSON.stringify(id)} (first used at ${first})` });
      else seen.set(id, here);
    });
  }
  return problems;
}
