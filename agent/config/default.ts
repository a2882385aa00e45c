/**
 * The embedded config `agent run` uses without `--config`: the synthetic source, the online
 * model, a file sink under the data directory, anomaly events on stdout, the local server.
 */
import type { Env } from "./env.ts";
import { parseConfigText, type ParseOptions } from "./load.ts";
import type { AgentConfig } from "./types.ts";

/** Name reported for problems in the embedded config. */
export const DEFAULT_CONFIG_FILE = "<default config>";

/** The embedded default config (YAML). */
export const DEFAULT_CONFIG_YAML = `# Embedded default config of \`agent run\` (no --config).
agent:
  data_dir: ./var
sources:
  - type: synthetic
    id: synth
    interval: 200ms
    series: 50
    anomaly_ratio: 0.5
    seed: 7
model:
  online: default
sinks:
  - type: file
    id: local
    path: ./var/out.jsonl
  - type: stdout
    id: console
    only: anomalies
server:
  listen: 127.0.0.1:8686
`;

/**
 * Loads the embedded default config; relative paths resolve against the working directory
 * (or `options.configDir`).
 *
 * @example
 * const config = loadDefaultConfig(process.env);
 */
export function loadDefaultConfig(env: Env, options: ParseOptions = {}): AgentConfig {
  const config = parseConfigText(DEFAULT_CONFIG_YAML, DEFAULT_CONFIG_FILE, env, { configDir: process.cwd(), ...options });
  return { ...config, file: DEFAULT_CONFIG_FILE };
}
