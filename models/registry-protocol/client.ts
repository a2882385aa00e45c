/**
 * HTTP client of the model registry: what the agent's updater, `agent push-model` and
 * `agent fleet` call. Conditional requests return `not_modified` on 304; every other failure is
 * a {@link RegistryError}; downloaded bundles are verified (sha256 of every file, and the
 * Ed25519 signature when a public key is given) before they are returned.
 */
import { parseEnrollAnswer, parseHeartbeatAck, parseResolution, type EnrollResult } from "./answers.ts";
import { ANSWER_LIMITS, envelopeLimit, readBoundedJson } from "./bounded.ts";
import { DEFAULT_MAX_BUNDLE_BYTES, unpackEnvelope, type UnpackedBundle } from "./envelope.ts";
import { errorFromResponse, RegistryError } from "./errors.ts";
import type { EvalSetInfo, EvalSetUpload } from "./evaluation.ts";
import type { FleetView, Heartbeat, HeartbeatAck } from "./heartbeat.ts";
import type {
  BundleEnvelope,
  Channel,
  ChannelState,
  ModelSummary,
  PublishResult,
  RegistryEvent,
  Resolution,
  Rollback,
  SetChannel,
  VersionDetail,
  VersionInfo,
} from "./protocol.ts";
import { publishPayload, verifyPublisherSignature, type PublisherKeys } from "./publisher.ts";
import { verifyManifestSignature } from "./signature.ts";

/** Options of {@link createRegistryClient}. */
export interface RegistryClientOptions {
  /** Base URL, e.g. `http://registry:8700`. */
  url: string;
  /**
   * Publisher token, agent credential or (legacy) shared agent token, sent as
   * `Authorization: Bearer`; a function is asked on every request (a credential obtained later).
   */
  token?: string | (() => string | undefined);
  /** When set, downloads must carry a valid signature by this Ed25519 key (the registry's own; legacy). */
  publicKey?: CryptoKey;
  /** When set, downloads must carry a valid publisher signature by one of these keys. */
  publisherKeys?: PublisherKeys;
  /** Per-request timeout, the whole body included (default 30 s): a slow body is cut there. */
  timeoutMs?: number;
  /**
   * Largest bundle accepted on download (sum of file sizes, default 64 MiB). The download is
   * streamed and the connection cut once the envelope passes what such a bundle needs.
   */
  maxBundleBytes?: number;
  /** Largest resolve answer or heartbeat ack read (default 64 KiB); larger ones are cut off. */
  maxAnswerBytes?: number;
  /** Largest answer of the other (publisher) calls, e.g. the fleet view (default 64 MiB). */
  maxListBytes?: number;
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
  /** Overrides the client's token for this request (enrollment). */
  token?: string;
}

/** A response and what cuts its connection. */
interface Sent {
  res: Response;
  url: string;
  abort: () => void;
}

/** The registry client; see {@link createRegistryClient}. */
export class RegistryClient {
  private readonly base: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.base = options.url.replace(/\/+$/, "");
  }

  private async send(method: string, path: string, req: Req = {}): Promise<Sent> {
    const url = `${this.base}${path}`;
    const headers: Record<string, string> = { accept: "application/json" };
    const token = req.token ?? (typeof this.options.token === "function" ? this.options.token() : this.options.token);
    if (token) headers.authorization = `Bearer ${token}`;
    if (req.etag) headers["if-none-match"] = req.etag;
    if (req.body !== undefined) headers["content-type"] = "application/json";
    const cut = new AbortController();
    const request = new Request(url, {
      method,
      headers,
      body: req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body),
      signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs ?? 30_000), cut.signal]),
      // Never followed: a redirect could point the agent (and its token) at another host.
      redirect: "manual",
    });
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(request);
    } catch (error) {
      throw new RegistryError(0, "unreachable", (error as Error).message, url);
    }
    const abort = () => cut.abort(new Error("answer too large"));
    if (res.status >= 400) throw await errorFromResponse(res, url, abort);
    if (res.status >= 300 && res.status !== 304) {
      await res.body?.cancel().catch(() => {});
      const to = (res.headers.get("location") ?? "nowhere").replace(/[^\x21-\x7e]/g, "?").slice(0, 200);
      throw new RegistryError(res.status, "redirect", `redirect to ${to} not followed: configure the registry's own URL`, url);
    }
    return { res, url, abort };
  }

  private async json<T>(method: string, path: string, req?: Req, limit = this.options.maxListBytes ?? 64 * 1024 * 1024): Promise<T> {
    const s = await this.send(method, path, req);
    return (await readBoundedJson(s.res, limit, s.url, s.abort)) as T;
  }

  private async conditional<T>(path: string, etag: string | undefined, read: (s: Sent) => Promise<T>): Promise<Conditional<T>> {
    const s = await this.send("GET", path, { etag });
    const raw = s.res.headers.get("etag");
    // Sent back verbatim as If-None-Match: only a short printable token is kept.
    const tag = raw && /^[\x21-\x7e]{1,256}$/.test(raw) ? raw : null;
    if (s.res.status === 304) {
      await s.res.body?.cancel().catch(() => {});
      return { status: "not_modified", etag: tag ?? etag ?? "" };
    }
    return { status: "ok", etag: tag, value: await read(s) };
  }

  /**
   * The version `agentId` should run on `channel` of `model` — the call agents poll. Pass the
   * ETag of the previous answer to get `not_modified` while nothing changed. The answer is
   * read up to `maxAnswerBytes` and parsed strictly: its names are safe path segments and it
   * answers for this model, channel and agent, else a `RegistryAnswerError` (`bad_answer`).
   */
  resolve(model: string, channel: Channel, agentId: string, etag?: string): Promise<Conditional<Resolution>> {
    const q = new URLSearchParams({ agent_id: agentId });
    return this.conditional(`/v1/models/${enc(model)}/channels/${channel}/resolve?${q}`, etag, async (s) =>
      parseResolution(await readBoundedJson(s.res, this.options.maxAnswerBytes ?? ANSWER_LIMITS.json, s.url, s.abort), { model, channel, agentId }, s.url),
    );
  }

  /** Downloads and verifies a bundle (sha256 of every file; signature when a key is set). */
  download(model: string, version: string, etag?: string): Promise<Conditional<UnpackedBundle>> {
    return this.conditional(`/v1/models/${enc(model)}/versions/${enc(version)}/bundle`, etag, async ({ res, url, abort }) => {
      const maxBytes = this.options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
      const json = await readBoundedJson(res, envelopeLimit(maxBytes), url, abort);
      let bundle: UnpackedBundle;
      try {
        bundle = unpackEnvelope(json, { maxBytes });
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
      if (this.options.publisherKeys) {
        try {
          await verifyPublisherSignature(publishPayload(bundle.manifest), bundle.publisherSignature, this.options.publisherKeys, `${model}@${version}`);
        } catch (error) {
          const code = bundle.publisherSignature ? "bad_signature" : "unsigned_bundle";
          throw new RegistryError(502, code, (error as Error).message, url);
        }
      }
      return bundle;
    });
  }

  /**
   * Enrolls `agentId` with an operator's enrollment token: the registry answers with this
   * agent's own credential (once; 409 `already_enrolled` after that, 403 `revoked`).
   */
  async enroll(agentId: string, enrollToken: string): Promise<EnrollResult> {
    const s = await this.send("POST", "/v1/enroll", { body: { agent_id: agentId }, token: enrollToken });
    return parseEnrollAnswer(await readBoundedJson(s.res, this.options.maxAnswerBytes ?? ANSWER_LIMITS.json, s.url, s.abort), agentId, s.url);
  }

  /** Posts one heartbeat. */
  async heartbeat(hb: Heartbeat): Promise<HeartbeatAck> {
    const s = await this.send("POST", "/v1/heartbeat", { body: hb });
    return parseHeartbeatAck(await readBoundedJson(s.res, this.options.maxAnswerBytes ?? ANSWER_LIMITS.json, s.url, s.abort), s.url);
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

  /** Uploads a model's labelled evaluation set (publisher token); 422 names the problem of a malformed one. */
  uploadEvalSet(model: string, set: EvalSetUpload): Promise<EvalSetInfo & { queued: string[] }> {
    return this.json("PUT", `/v1/models/${enc(model)}/eval-set`, { body: JSON.stringify(set) });
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
    const q = new URLSearchParams(
      Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)] as [string, string]),
    );
    return this.json("GET", `/v1/fleet${q.size ? `?${q}` : ""}`);
  }

  /** Recorded events, newest first (publisher token). */
  events(query: { model?: string; type?: string; limit?: number } = {}): Promise<{ events: RegistryEvent[] }> {
    const q = new URLSearchParams(
      Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)] as [string, string]),
    );
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
