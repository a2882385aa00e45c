/**
 * The annotated example config printed by `agent config example`. The `sources:` and `sinks:`
 * entries are the components' own example blocks (core/sources|sinks/<type>/component.ts), in
 * catalog order, those that need no service first: a first run needs none (synthetic source,
 * file and stdout sinks are on; the others are shown commented out; `{ enableAll: true }`
 * renders them on, for tests).
 */
import type { ExampleBlock } from "../../core/config/example.ts";
import { SINKS } from "../../core/sinks/catalog.ts";
import { BATCH_DEFAULTS, ONLY_VALUES } from "../../core/sinks/component.ts";
import { SOURCES } from "../../core/sources/catalog.ts";

/** Options of {@link exampleConfig}. */
export interface ExampleOptions {
  /** Render the optional components uncommented (every component type active). */
  enableAll?: boolean;
}

/** Comments a block out (`# ` at the block's indentation) unless enabled. */
function optional(text: string, enabled: boolean): string {
  if (enabled) return text;
  const lines = text.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => (l.trim() ? `${l.slice(0, indent)}# ${l.slice(indent)}` : l)).join("\n");
}

/** The example blocks of a catalog: the enabled ones first, the others commented out unless `all`. */
function blocks(catalog: Record<string, { example: ExampleBlock }>, all: boolean): string {
  const examples = Object.values(catalog).map((c) => c.example);
  const ordered = [...examples.filter((e) => e.enabled), ...examples.filter((e) => !e.enabled)];
  return ordered.map((e) => optional(e.yaml, e.enabled || all)).join("\n");
}

/**
 * Returns the annotated example `agent.yaml`.
 *
 * @example
 * await Bun.write("agent.yaml", exampleConfig());
 */
export function exampleConfig(options: ExampleOptions = {}): string {
  const all = options.enableAll ?? false;
  return `# agent.yaml — configuration of \`agent run --config agent.yaml\`.
# Keys are snake_case; unknown keys are errors. Check a file with: agent validate --config agent.yaml
# Editor support: agent config schema > agent.schema.json, then keep the next line:
# yaml-language-server: $schema=./agent.schema.json
#
# Any string value may use \${VAR} or \${VAR:-default} (environment variables); $$ is a literal $.
# Durations: 500ms, 10s, 2m, 1h, 1m30s, or a number of seconds.
# Relative paths are relative to this file's directory.

agent:
  # Identity on every record (Kafka key, Elasticsearch _id prefix). Default: the host name.
  id: edge-01
  # State (sequence numbers, disk buffers, dead letters). Default: ./var
  data_dir: ./var
  # host.name on every record. Default: the host name.
  # host_name: edge-01.example.com

# Where metrics come from (at least one). Every source has a unique id and an interval.
sources:
${blocks(SOURCES, all)}

# Which model scores the points: exactly one of
#   online: default      — learns each series as it goes, its values and its recent shapes
#                          (spikes arriving denser); nothing to train (the default)
#   online: lite         — the same without the model of shapes: 1.6–2× faster scoring and
#                          ~0.9 KiB less per series, blind to a change in a pattern
#   bundle: ./models/ae  — a directory written by \`agent train\`
# and optionally registry: a model published with \`agent push-model\`, followed on a channel.
# With registry:, the key above runs until the first registry model is accepted (and when none
# can be). Accepted versions live under <data_dir>/models/<name>/<version>/; the last good one
# (<data_dir>/models/state.json) is used at the next start, even when the registry is down.
model:
  online: default
  alarms_per_day: 0.1      # online: default or lite: false alarms per series per day at the threshold
${optional(
  `  registry:
    url: http://127.0.0.1:8700
    name: host-ae
    # stable: the stable version, or a live canary when this agent's bucket (a hash of
    # agent.id) is inside the canary's rollout; canary: always the canary.
    channel: stable
    # The agent enrolls once with the operator's enrollment token (the registry's enroll.token)
    # and keeps a credential of its own in <data_dir>/registry/credential.json (mode 0600).
    enroll_token_file: ./enroll.token
    # token: "\${AGENT_REGISTRY_TOKEN}"  # legacy shared agent token (registry --legacy-agent-tokens)
    # Publisher public keys (agent push-model --sign-key signs on the publisher's machine): every
    # bundle must carry a valid publisher signature by one of them (several: key rotation), and
    # going back to an older version needs a publisher-signed rollback statement.
    publisher_keys: [./publisher.key.pub]
    poll_interval: 30s                 # ±20 % jitter; ETags make an unchanged answer a 304
    heartbeat_interval: 10s            # health report to the registry (its /fleet page)
    max_bundle_size: 64MiB             # largest bundle downloaded: the download is cut there
    request_timeout: 30s               # one registry request, body included (default: max(30s, poll_interval))`,
  all,
)}
  # A candidate scoring the same points in the shadow (online:<name>[?alarms_per_day=N] or a bundle
  # directory). Records keep the live model's score; /status, /metrics (agent_shadow_*) and the
  # heartbeat report agreement and both alarm rates. Optional.
  # shadow: online:default?alarms_per_day=1
  # shadow_share: 0.1      # score 10 % of the series in the shadow (picked by series): bounds its cost
  # On-host training. Keeps a bounded history of the series under <data_dir>/history, trains a
  # candidate on it in a worker thread (nice 19, within budget of a core) first after \`after\` of
  # history, then every \`every\`, and swaps it in (probation, fallback) only when it beats the model
  # in use on held-back history with injected anomalies. /status and the heartbeat show "learn".
  # With registry: candidates are trained and reported, never swapped in. Optional (off).
  # learn:
  #   after: 24h               # history needed before the first run
  #   every: 24h               # then one run per period
  #   budget: 0.25             # share of one core while training
  #   history_max_size: 256MiB # 8 bytes a sample; the oldest go first
  #   max_series: 256          # series trained and judged on per run (sampled by key hash)
  #   kind: autoencoder        # detector of the candidate (agent train --kind)
  #   holdout: 0.2             # newest share of each series held back to judge the candidate
  #   margin: 0.02             # event-F1 gain the candidate needs
  #   probation_rounds: 60     # scored rounds before a swapped-in model is accepted
  #   max_flag_rate: 0.05      # flagged share in probation above which the previous model returns

# Anomaly events (open/close) from the scores. Optional.
scoring:
  # open_threshold: 0.5  # score that opens an event (default: the model's threshold)
  # close_threshold: 0.4 # score under which it closes (default: 0.8 × open_threshold)
  min_points: 1          # points above open_threshold before an event opens
  # Drift: each series' values against its first \`reference\` values, and the model's scores
  # against its first ones (a new model version starts a new reference), as PSI. Past \`level\`
  # a drift event (event.kind: drift) goes to the sinks like an anomaly event; /status,
  # /metrics (agent_drift_*) and the heartbeat show it. Reported within ~2 half-lives × stride
  # points (a 1σ shift on a typical metric: ~30 min at 1 Hz). Optional.
  drift:
    enabled: true
    level: 0.25          # PSI: 0.1 moderate, 0.25 significant; a drift ends under 0.6 × level
    stride: 10           # a series' drift takes every 10th point (metrics are autocorrelated)
    reference: 256       # values per series in its reference (× stride: ≈ 43 min at 1 Hz)
    half_life: 256       # values: how fast the current distribution forgets
    max_series: 20000    # series tracked at most; the rest are counted as untracked
  # Host model: one autoencoder over the host's whole metric vector (procfs rounds, or samples
  # of any source with \`label\`), trained on the host's own rounds in the background; its
  # agent.host events name the metrics with the largest share of the error
  # (anomaly.contributors). /status (host) and /metrics (agent_host_model_*) show it. Optional.
  host:
    enabled: false
    # sources: [host]      # source ids whose rounds form the vector (default: every procfs source)
    # label: host_vector=yes  # samples of other sources with this label join the vector
    top_k: 5               # metrics named per event
    min_rounds: 720        # rounds buffered before the first training (1 h at 5 s)
    retrain_every: 6h
    buffer_size: 16MiB     # buffered vectors (oldest dropped)
    # model_file: host-model.json   # load this (agent train --model host) instead of learning

# Where records go (at least one). Every sink has a unique id, and optionally:
#   only: ${ONLY_VALUES.join(" | ")}   (default all: scored points and anomaly events)
#   batch: { max_records: ${BATCH_DEFAULTS.max_records}, max_bytes: ${BATCH_DEFAULTS.max_bytes}, max_wait: ${BATCH_DEFAULTS.max_wait} }
sinks:
${blocks(SINKS, all)}

# Where records wait for the sinks. Every sink reads this one buffer through its own cursor and a
# record is deleted once every sink acknowledged it, so a sink that is down keeps its backlog
# (up to max_size) without holding the others back. /status and /metrics (agent_buffer_depth)
# show each sink's backlog. Optional; the defaults are shown.
buffer:
  # disk: under <data_dir>/buffer; survives restarts and crashes (what a sink had not
  #       acknowledged is sent after the restart; duplicates are possible, Elasticsearch
  #       _ids make them harmless). memory: lost on restart.
  type: disk
  # KiB/MiB/GiB (1024) or KB/MB/GB (1000), or bytes. A scored point takes ~370 bytes:
  # 10k series at 1 Hz ≈ 3.7 MB/s, so 256MiB ≈ 70 s of outage (5 minutes ≈ 1.1 GiB).
  max_size: 256MiB
  # When full: block (sources wait; nothing accepted is lost) or drop_newest (new records
  # are dropped and counted in agent_dropped_total{reason="buffer_full"} and /status).
  when_full: block
  # Disk only. A process crash loses nothing in any mode; on power loss:
  #   always   — fsync every write: nothing lost, slowest
  #   interval — fsync every fsync_interval: up to that much of the newest records lost
  #   never    — the OS decides (~30 s on Linux)
  fsync: interval
  fsync_interval: 1s
  segment_size: 8MiB       # disk space is freed a segment at a time; max_size ≥ 2 segments
  # A sink added to this file starts at the newest record; a sink removed from it loses its
  # backlog (counted as agent_dropped_total{reason="sink_removed"}).

# Local HTTP server: /healthz, /readyz, /metrics, /status.
server:
  listen: 127.0.0.1:8686
  enabled: true

# Push the agent's own metrics to a Prometheus Pushgateway. Optional;
# pushgateway defaults to $PROMETHEUS_PUSHGATEWAY when set (no push otherwise).
telemetry:
${optional(`  pushgateway: http://127.0.0.1:9091`, all)}
  push_interval: 15s
  job: agent
`;
}
