/**
 * `validateAll`: everything `agent validate` checks and `agent run` refuses to start without —
 * the config file (every problem), the configured model (loads, fits the features this agent
 * builds), the data_dir (writable, or creatable: the same probe as `agent run`, leaving
 * nothing behind) and the TLS / secret files the config names (exist, certificates and keys
 * parse, certificates in their validity period), reported together.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { BundleModel } from "../../models/bundle-model.ts";
import { loadModel } from "../../models/load.ts";
import type { ScoringModel } from "../../models/model.ts";
import { importPublisherKey } from "../../models/registry-protocol/publisher.ts";
import { importPublicKey } from "../../models/registry-protocol/signature.ts";
import { checkTlsFile, type TlsFileRef } from "../../core/config/tls.ts";
import { sinkFiles } from "../../core/sinks/catalog.ts";
import type { Env } from "./env.ts";
import { checkConfigText, readConfigText, type ParseOptions } from "./load.ts";
import { manifestFeatureProblems } from "./model-check.ts";
import { checkDataDir } from "../../core/pipeline/data-dir.ts";
import { ConfigError, type ConfigProblem } from "./problems.ts";
import { isInlineKey, modelRef } from "./runtime.ts";
import { ModelSectionSchema } from "./schema.ts";
import type { AgentConfig, ModelConfig } from "./types.ts";

/** Options of {@link validateAll}. */
export interface ValidateOptions extends ParseOptions {
  /** Return the loaded model (the caller disposes it) instead of disposing it. */
  keepModel?: boolean;
}

/** What {@link validateAll} found. */
export interface ValidateResult {
  /** The runtime config, when the file itself has no problems. */
  config?: AgentConfig;
  /** Config and model problems together, in file order. */
  problems: ConfigProblem[];
  /** The model that loaded: name, version, kind, window, threshold. */
  model?: { name: string; version: string; kind: string; window: number; threshold: number };
  /** Time until each source's series are scored: window × interval. */
  warmups: { sourceId: string; warmupMs: number }[];
  /** The loaded model, with `keepModel`. */
  loaded?: ScoringModel;
  /** One-line `<file>: cannot read config: ...` when the file could not be read (then the only problem). */
  unreadable?: string;
}

/** Every CA, certificate, key and secret file the config names (sinks' `tls`/`sasl`/`auth`, `model.registry`). */
export function configFiles(config: AgentConfig | undefined): TlsFileRef[] {
  if (!config) return [];
  const out = config.sinks.flatMap((s, i) => sinkFiles(s, `sinks[${i}]`));
  const r = config.model.registry;
  if (r?.ca) out.push({ key: "model.registry.ca", file: r.ca, kind: "ca" });
  if (r?.tokenFile) out.push({ key: "model.registry.token_file", file: r.tokenFile, kind: "secret" });
  return out;
}

/** `sinks[0].tls.ca` → `["sinks", 0, "tls", "ca"]` (for the line of a problem). */
function keyPath(key: string): PropertyKey[] {
  return key.split(/\.|(?=\[)/).map((p) => (/^\[\d+\]$/.test(p) ? Number(p.slice(1, -1)) : p));
}

/** The model section even when other parts of the file are broken (so both get reported). */
function modelOf(tree: unknown, configDir: string): ModelConfig | undefined {
  const section = tree !== null && typeof tree === "object" ? (tree as Record<string, unknown>).model : undefined;
  const parsed = ModelSectionSchema.safeParse(section ?? { online: "default" });
  if (!parsed.success) return undefined;
  return parsed.data.bundle !== undefined ? { bundle: resolve(configDir, parsed.data.bundle) } : { online: parsed.data.online ?? "default" };
}

async function checkModel(model: ModelConfig): Promise<{ problems: string[]; loaded?: ScoringModel }> {
  if ("bundle" in model) {
    const info = await stat(model.bundle).catch(() => undefined);
    if (!info) return { problems: [`bundle directory ${model.bundle} does not exist`] };
    if (!info.isDirectory()) return { problems: [`${model.bundle} is not a directory (expected a bundle written by agent train)`] };
  }
  let loaded: ScoringModel;
  try {
    loaded = await loadModel(modelRef(model));
  } catch (error) {
    return { problems: [(error as Error).message.split("\n")[0]] };
  }
  const problems = loaded instanceof BundleModel && loaded.manifest ? manifestFeatureProblems(loaded.manifest) : [];
  return { problems, loaded };
}

/**
 * Validates a config file and its model; never throws for a bad file or model (an unreadable
 * file is one problem).
 *
 * @example
 * const { config, problems } = await validateAll("agent.yaml", process.env);
 * if (problems.length) throw new ConfigError("agent.yaml", problems);
 */
export async function validateAll(path: string, env: Env, options: ValidateOptions = {}): Promise<ValidateResult> {
  let text: string;
  try {
    text = await readConfigText(path);
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems, warmups: [], unreadable: error.message };
    throw error;
  }
  const configDir = options.configDir ?? dirname(resolve(path));
  const checked = checkConfigText(text, path, env, { ...options, configDir });
  const problems = [...checked.problems];
  const model = checked.config?.model ?? modelOf(checked.tree, configDir);
  const result: ValidateResult = { problems, warmups: [] };
  if (checked.config) result.config = checked.config;
  if (model) {
    const key = "bundle" in model ? "bundle" : "online";
    const found = await checkModel(model);
    for (const message of found.problems) problems.push({ path: `model.${key}`, message, line: checked.lineOf?.(["model", key]) });
    const m = found.loaded;
    if (m) {
      result.model = { name: m.name, version: m.version, kind: m.kind, window: m.window, threshold: m.threshold };
      result.warmups = (checked.config?.sources ?? []).map((s) => ({ sourceId: s.id, warmupMs: m.window * s.intervalMs }));
      if (options.keepModel && problems.length === 0) result.loaded = m;
      else m.dispose();
    }
  }
  const dataDir = checked.config?.agent.dataDir;
  const dirProblem = dataDir === undefined ? undefined : checkDataDir(dataDir);
  if (dirProblem) problems.push({ path: "agent.data_dir", message: `${dataDir}: ${dirProblem}`, line: checked.lineOf?.(["agent", "data_dir"]) });
  const keyFile = checked.config?.model.registry?.publicKey;
  if (keyFile) {
    const problem = await readFile(keyFile, "utf8")
      .then(importPublicKey)
      .then(
        () => undefined,
        (e: Error) => `cannot use ${keyFile}: ${e.message.split("\n")[0]}`,
      );
    if (problem) problems.push({ path: "model.registry.public_key", message: problem, line: checked.lineOf?.(["model", "registry", "public_key"]) });
  }
  const reg = checked.config?.model.registry;
  for (const [i, k] of (reg?.publisherKeys ?? []).entries()) {
    const inline = isInlineKey(k);
    const problem = await (inline ? Promise.resolve(k) : readFile(k, "utf8")).then(importPublisherKey).then(
      () => undefined,
      (e: Error) => `${inline ? "inline key" : `cannot use ${k}`}: ${e.message.split("\n")[0]}`,
    );
    if (problem)
      problems.push({ path: `model.registry.publisher_keys.${i}`, message: problem, line: checked.lineOf?.(["model", "registry", "publisher_keys"]) });
  }
  if (reg?.enrollTokenFile && !reg.token) {
    const problem = await readFile(reg.enrollTokenFile, "utf8").then(
      (t) => (t.trim() ? undefined : `${reg.enrollTokenFile} is empty (expected the registry's enrollment token)`),
      (e: Error) => `cannot read ${reg.enrollTokenFile}: ${e.message.split("\n")[0]}`,
    );
    if (problem)
      problems.push({ path: "model.registry.enroll_token_file", message: problem, line: checked.lineOf?.(["model", "registry", "enroll_token_file"]) });
  }
  for (const ref of configFiles(checked.config)) {
    const problem = checkTlsFile(ref);
    if (problem) problems.push({ path: ref.key, message: problem, line: checked.lineOf?.(keyPath(ref.key)) });
  }
  problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  return result;
}
