/**
 * The checks an agent applies to a bundle's manifest beyond its schema: every file path is a
 * plain relative path that installs to exactly one file (no `.`/`..`/empty segment, NUL,
 * control character, trailing `/`, or depth beyond the limit; not the manifest itself; no two
 * paths that collide or where one is the other's directory), and the feature spec agrees with
 * itself (`window`, `features.window`, `features.width`, `features.names`). The registry runs the
 * same checks on upload, so it never accepts a bundle its agents would refuse.
 */
import { featureNames, featureWidth, FeatureSpecSchema } from "../features/spec.ts";
import { MANIFEST_FILE, type Manifest } from "./manifest.ts";

/** Limits of a bundle file path. */
export const BUNDLE_PATH_LIMITS = { maxLength: 255, maxDepth: 8, maxSegment: 100 } as const;

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Shows a path in a one-line message: quoted, control characters escaped, long ones cut. */
export function showPath(path: string): string {
  const s = JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}…` : path);
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Why `path` is not a safe bundle file path, or undefined when it is: 1–8 `/`-separated
 * segments of letters, digits, `.`, `_`, `-` (not starting with `.` or `-`), each ≤ 100 and
 * all together ≤ 255 characters.
 *
 * @example
 * bundlePathProblem("members/0/model.json"); // undefined
 * bundlePathProblem("./manifest.json");      // "segment \".\" …"
 */
export function bundlePathProblem(path: string): string | undefined {
  const L = BUNDLE_PATH_LIMITS;
  if (path.length === 0) return "is empty";
  if (path.length > L.maxLength) return `is ${path.length} characters long (at most ${L.maxLength})`;
  const segments = path.split("/");
  if (segments.length > L.maxDepth) return `is ${segments.length} levels deep (at most ${L.maxDepth})`;
  for (const s of segments) {
    if (s.length === 0) return "has an empty segment (leading, trailing or double '/')";
    if (s.length > L.maxSegment) return `has a segment of ${s.length} characters (at most ${L.maxSegment})`;
    if (!SEGMENT.test(s)) return `has segment ${showPath(s)}: use letters, digits, '.', '_', '-', not starting with '.' or '-'`;
  }
  return undefined;
}

/**
 * Every problem of a schema-valid manifest that would make an agent refuse the bundle, as
 * one-line strings (empty when there is none).
 *
 * @example
 * const problems = manifestProblems(manifest); // ["file \"./manifest.json\": has segment \".\" …"]
 */
export function manifestProblems(manifest: Manifest): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const f of manifest.files) {
    const bad = bundlePathProblem(f.path);
    if (bad) {
      problems.push(`file ${showPath(f.path)} ${bad}`);
      continue;
    }
    const folded = f.path.toLowerCase();
    if (folded.split("/")[0] === MANIFEST_FILE) problems.push(`file ${showPath(f.path)} would overwrite the bundle's ${MANIFEST_FILE}`);
    const twin = seen.get(folded);
    if (twin !== undefined) problems.push(`files ${showPath(twin)} and ${showPath(f.path)} collide (same path, or differ only in case)`);
    seen.set(folded, f.path);
  }
  for (const [folded, path] of seen) {
    for (let i = folded.indexOf("/"); i >= 0; i = folded.indexOf("/", i + 1)) {
      const dir = seen.get(folded.slice(0, i));
      if (dir !== undefined) problems.push(`file ${showPath(dir)} is also the directory of ${showPath(path)}`);
    }
  }
  const { width, names, ...rest } = manifest.features;
  const spec = FeatureSpecSchema.safeParse(rest);
  if (!spec.success) {
    problems.push(`features: ${spec.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return problems;
  }
  if (manifest.window !== spec.data.window) problems.push(`window ${manifest.window} differs from features.window ${spec.data.window}`);
  if (width !== featureWidth(spec.data))
    problems.push(`features.width ${width} does not match window ${spec.data.window} (+1 spread feature = ${featureWidth(spec.data)})`);
  const expected = featureNames(spec.data);
  if (names.length !== expected.length || names.some((n, i) => n !== expected[i])) {
    problems.push(`features.names ${JSON.stringify(names.slice(0, 4)).slice(0, 120)} should be ${JSON.stringify(expected)}`);
  }
  return problems;
}
