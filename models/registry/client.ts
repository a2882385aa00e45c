/**
 * HTTP client of the model registry: what the agent's updater, `agent push-model` and
 * `agent fleet` call. Conditional requests return `not_modified` on 304; every other failure is
 * a {@link RegistryError}; downloaded bundles are verified (sha256 of every file, and the
 * Ed25519 signature when a public key is given) before they are returned.
 */
import { unpackEnvelope, type UnpackedBundle } from "./envelope.ts";
import { errorFromResponse, RegistryError } from "./errors.ts";
import type { FleetView, Heartbeat, HeartbeatAck } from "./heartbeat.ts";
import type {
  BundleEnvelope, Channel, ChannelState, ModelSummary, PublishResult, RegistryEvent, Resolution, Rollback, SetChannel, VersionDetail, VersionInfo,
} from "./protocol.ts";
import { verifyManifestSignature } from "./signature.ts";

/** Options of {@link createRegistryClient}. */
export interface RegistryClientOptions {
  /** Base URL, e.g. `http://registry:8700`. */
  url: string;
  /** Publisher or agent token (sent as `Authorization: Bearer`). */
  token?: string;
  /** When set, downloads must carry a valid signature by this Ed25519 key. */
  publicKey?: CryptoKey;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Largest bundle accepted on download (default 64 MiB). */
  maxBundleBytes?: number;
  /** Injected for tests (e.g. `(req) => app.request(req)`). */
  fetch?: (input: Request) => Promise<Response>;
}

/** Result of a conditional GET. */
export type Conditional<T> = { status: "not_modified"; etag: string } | { status: "ok"; etag: string | null; value: T };

/** Filters of `GET /v1/fleet`. */
export interface FleetQuery {
  status?: "ok" | "stale" | "offline";
  model?: string;
  model_version?: string;
  /** Agents per page (the registry's default 100, at most 1000). */
  limit?: number;
  /** The previous page's `next_cursor`. */
  cursor?: string;
}

interface Req {
  body?: unknown;
  etag?: string;
}

/** The registry client; see {@link createRegistryClient}. */
export class RegistryClient {
  private readonly base: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.base = options.url.replace(/\/+$/, "");
  }

  private async send(method: string, path: string, req: Req = {}): Promise<Response> {
    const url = `${this.base}${path}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (req.etag) headers["if-none-match"] = req.etag;
    if (req.body !== undefined) headers["content-type"] = "application/json";
    const request = new Request(url, {
      method,
      headers,
      body: req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(request);
    } catch (error) {
      throw new RegistryError(0, "unreachable", (error as Error).message, url);
    }
    if (res.status >= 400) throw await errorFromResponse(res, url);
    return res;
  }

  private async json<T>(method: string, path: string, req?: Req): Promise<T> {
    return (await (await this.send(method, path, req)).json()) as T;
  }

  private async conditional<T>(path: string, etag: string | undefined, read: (res: Response) => Promise<T>): Promise<Conditional<T>> {
    const res = await this.send("GET", path, { etag });
    if (res.status === 304) return { status: "not_modified", etag: res.headers.get("etag") ?? etag ?? "" };
    return { status: "ok", etag: res.headers.get("etag"), value: await read(res) };
  }

  /**
   * The version `agentId` should run on `channel` of `model` — the call agents poll. Pass the
   * ETag of the previous answer to get `not_modified` while nothing changed.
   */
  resolve(model: string, channel: Channel, agentId: string, etag?: string): Promise<Conditional<Resolution>> {
    const q = new URLSearchParams({ agent_id: agentId });
    return this.conditional(`/v1/models/${enc(model)}/channels/${channel}/resolve?${q}`, etag, (r) => r.json() as Promise<Resolution>);
  }

  /** Downloads and verifies a bundle (sha256 of every file; signature when a key is set). */
  download(model: string, version: string, etag?: string): Promise<Conditional<UnpackedBundle>> {
    return this.conditional(`/v1/models/${enc(model)}/versions/${enc(version)}/bundle`, etag, async (res) => {
      const url = res.url || `${this.base}/v1/models/${model}/versions/${version}/bundle`;
      let bundle: UnpackedBundle;
      try {
        bundle = unpackEnvelope(await res.json(), { maxBytes: this.options.maxBundleBytes });
      } catch (error) {
        throw new RegistryError(502, "bad_bundle", (error as Error).message, url);
      }
      if (bundle.manifest.name !== model || bundle.manifest.version !== version) {
        throw new RegistryError(502, "bad_bundle", `asked for ${model}@${version}, got ${bundle.manifest.name}@${bundle.manifest.version}`, url);
      }
      if (this.options.publicKey) {
        try {
          await verifyManifestSignature(bundle.rawManifest, bundle.signature, this.options.publicKey);
        } catch (error) {
          throw new RegistryError(502, "bad_signature", (error as Error).message, url);
        }
      }
      return bundle;
    });
  }

  /** Posts one heartbeat. */
  heartbeat(hb: Heartbeat): Promise<HeartbeatAck> {
    return this.json("POST", "/v1/heartbeat", { body: hb });
  }

  /** Publishes a version (publisher token). Idempotent for identical content; 409 otherwise. */
  publish(envelope: BundleEnvelope | string): Promise<PublishResult> {
    const name = typeof envelope === "string" ? (JSON.parse(envelope).manifest?.name as string) : (envelope.manifest.name as string);
    return this.json("POST", `/v1/models/${enc(String(name))}/versions`, { body: typeof envelope === "string" ? envelope : JSON.stringify(envelope) });
  }

  /** Points a channel at a version with a rollout percentage (publisher token). */
  setChannel(model: string, channel: Channel, body: SetChannel): Promise<ChannelState> {
    return this.json("PUT", `/v1/models/${enc(model)}/channels/${channel}`, { body });
  }

  /** Rolls a channel back (canary: rollout 0; stable: the previous version) (publisher token). */
  rollback(model: string, channel: Channel, body: Rollback = {}): Promise<ChannelState> {
    return this.json("POST", `/v1/models/${enc(model)}/channels/${channel}/rollback`, { body });
  }

  listModels(): Promise<{ models: ModelSummary[] }> {
    return this.json("GET", "/v1/models");
  }

  listVersions(model: string): Promise<{ model: string; versions: VersionInfo[] }> {
    return this.json("GET", `/v1/models/${enc(model)}/versions`);
  }

  getVersion(model: string, version: string): Promise<VersionDetail> {
    return this.json("GET", `/v1/models/${enc(model)}/versions/${enc(version)}`);
  }

  channels(model: string): Promise<{ model: string; channels: ChannelState[] }> {
    return this.json("GET", `/v1/models/${enc(model)}/channels`);
  }

  /** The fleet view (publisher token). */
  fleet(query: FleetQuery = {}): Promise<FleetView> {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string]));
    return this.json("GET", `/v1/fleet${q.size ? `?${q}` : ""}`);
  }

  /** Recorded events, newest first (publisher token). */
  events(query: { model?: string; type?: string; limit?: number } = {}): Promise<{ events: RegistryEvent[] }> {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string]));
    return this.json("GET", `/v1/events${q.size ? `?${q}` : ""}`);
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/**
 * A client for the registry at `options.url`.
 *
 * @example
 * const registry = createRegistryClient({ url: "http://registry:8700", token: process.env.AGENT_REGISTRY_TOKEN });
 * const r = await registry.resolve("host-ae", "stable", "edge-01", lastEtag);
 * if (r.status === "ok") {
 *   const b = await registry.download(r.value.model, r.value.version);
 *   if (b.status === "ok") await installBundle(b.value, "var/models/host-ae-" + r.value.version);
 * }
 */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  return new RegistryClient(options);
}
