/**
 * Does the configured model fit what this agent feeds it? A bundle's manifest must describe the
 * features this build computes (one row = `window` normalized values + the spread feature).
 */
import { featureNames } from "../../models/features/spec.ts";
import type { Manifest } from "../../models/format/manifest.ts";

/**
 * Problems (as messages) between a bundle manifest and the features this agent builds; empty
 * when they match.
 *
 * @example
 * manifestFeatureProblems(manifest); // [] for a bundle trained by this agent
 */
export function manifestFeatureProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const f = manifest.features;
  if (f.window !== manifest.window) {
    problems.push(`bundle features use window ${f.window} but the model declares window ${manifest.window}`);
  }
  if (f.width !== manifest.window + 1) {
    problems.push(`bundle expects ${f.width} features per row, but this agent builds ${manifest.window + 1} (window ${manifest.window} + spread)`);
  }
  const expected = featureNames({ ...f, window: manifest.window });
  if (f.names.length !== expected.length || f.names.some((n, i) => n !== expected[i])) {
    problems.push(`bundle feature names ${JSON.stringify(f.names)} differ from what this agent builds ${JSON.stringify(expected)}`);
  }
  return problems;
}
