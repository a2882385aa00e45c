/**
 * Media-type rules of Elasticsearch's REST layer: parsing of `Accept` / `Content-Type`
 * (`ParsedMediaType`), the compatible-version check (`RestCompatibleVersionHelper`), and the body
 * types `RestController.dispatchRequest` accepts. Sources: see the module comment of `index.ts`.
 * @module
 */

/** A parsed `Accept` / `Content-Type` value: lower-cased `type/subtype` and its parameters. */
export interface Parsed {
  raw: string;
  type: string;
  params: Record<string, string>;
}

const TCHAR = /^[a-zA-Z0-9!#$%&'*+\-.^_`|~]+$/;
export const SAFELISTED = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
export const JSON_TYPES = new Set([
  "application/json",
  "application/x-ndjson",
  "application/*",
  "application/vnd.elasticsearch+json",
  "application/vnd.elasticsearch+x-ndjson",
]);
export const OTHER_XCONTENT = new Set([
  "application/smile",
  "application/yaml",
  "application/cbor",
  "application/vnd.elasticsearch+smile",
  "application/vnd.elasticsearch+yaml",
  "application/vnd.elasticsearch+cbor",
]);

class HeaderError extends Error {}

/** `ParsedMediaType.parseMediaType`: null for absent, media ranges and `*∕*`; throws when malformed. */
export function parseMediaType(raw: string | null, name: string): Parsed | null {
  if (raw === null) return null;
  if (raw.trim() === "") throw new HeaderError(`Header [${name}] cannot be empty.`);
  if (raw.includes(",") || raw === "*/*") return null;
  const elements = raw.toLowerCase().split(";");
  const mt = elements[0]!.split("/");
  if (mt.length !== 2 || !TCHAR.test(mt[0]!.trim()) || !TCHAR.test(mt[1]!.trim())) throw new HeaderError(`invalid media-type [${raw}]`);
  const params: Record<string, string> = {};
  for (const el of elements.slice(1)) {
    const p = el.trim();
    if (p === "") continue;
    const kv = p.split("=");
    if (kv.length !== 2 || kv[0] === "" || kv[1] === "" || /\s$/.test(kv[0]!) || /^\s/.test(kv[1]!)) {
      throw new HeaderError(`invalid parameters for header [${raw}]`);
    }
    params[kv[0]!.trim()] = kv[1]!.trim();
  }
  const v = params["compatible-with"];
  if (v !== undefined && !/^\d+$/.test(v)) throw new HeaderError(`invalid parameters for header [${raw}]`);
  return { raw, type: `${mt[0]!.trim()}/${mt[1]!.trim()}`, params };
}

export const versionOf = (p: Parsed | null): number | null => (p?.params["compatible-with"] === undefined ? null : Number(p.params["compatible-with"]));

/** `RestCompatibleVersionHelper.getCompatibleVersion`: the error message, or undefined when fine. */
export function compatibilityError(accept: Parsed | null, ct: Parsed | null, hasContent: boolean, major: number): string | undefined {
  const aV = versionOf(accept);
  const cV = versionOf(ct);
  const av = aV ?? major;
  const cv = cV ?? major;
  const min = major - 1;
  const show = (p: Parsed | null) => (p === null ? "null" : p.raw);
  if (av > major || av < min) return `Accept version must be either version ${major} or ${min}, but found ${av}. Accept=${show(accept)}`;
  if (!hasContent) return undefined;
  if (cv > major || cv < min) {
    return `Content-Type version must be either version ${major} or ${min}, but found ${cv}. Content-Type=${show(ct)}`;
  }
  const both = "A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version";
  if (cv !== av) return `${both} and the compatible versions must match. Accept=${show(accept)}, Content-Type=${show(ct)}`;
  if ((cV === null) !== (aV === null)) return `${both}. Accept=${show(accept)}, Content-Type=${show(ct)}`;
  return undefined;
}
