import { createPrivateKey } from "node:crypto";
import type { Server } from "bun";
import { readCertificates, readPrivateKey, TlsFileError } from "../config/tls.ts";
import type { Logger } from "pino";
import { DEFAULT_MAX_BUNDLE_BYTES } from "../../models/registry-protocol/envelope.ts";
import { createRegistryApp, type RegistryAppOptions } from "./app.ts";
import { maxUploadBody } from "./routes/publish.ts";
import { ensureTokens, type TokenSource } from "./bootstrap.ts";
import { loadSigner, type Signer } from "./signing/keys.ts";
import { createRegistryStore, type RegistryStore } from "./store/index.ts";
import { EVAL_RUNNER_DEFAULTS, EvalRunner } from "./eval/runner.ts";

/** Options of {@link startRegistryServer}. */
export interface RegistryServerOptions {
  /** Holds `registry.db`, `blobs/` and the bootstrap token files; created 0700. */
  dataDir: string;
  hostname?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Publisher tokens to accept (none → one is generated on first start). */
  publisherTokens?: string[];
  /** Shared agent tokens to accept, only with `legacyAgentTokens` (none → one is generated on first start). */
  agentTokens?: string[];
  /** Enrollment tokens agents exchange for their own credential (none → one is generated on first start). */
  enrollTokens?: string[];
  /** Accept shared agent tokens besides enrolled agents' credentials (default false). */
  legacyAgentTokens?: boolean;
  /** PKCS#8 PEM Ed25519 key: sign every manifest. */
  signingKeyPem?: string;
  maxBundleBytes?: number;
  fleet?: RegistryAppOptions["fleet"];
  canaryGuard?: boolean;
  /** Distinct in-cohort agents whose failure reports roll a canary back (default 2). */
  canaryQuorum?: number;
  /** Margins and minimum sample of the canary-versus-stable comparison. */
  ab?: RegistryAppOptions["ab"];
  /**
   * argv prefix that runs this agent (`[binary]`, or `[bun, agent/main.ts]` from source): versions
   * of models with an evaluation set are evaluated with `<command> eval … --json` in a child process.
   * Absent: no evaluation runs (a gated channel then needs an override).
   */
  evalCommand?: string[];
  /** Bounds of one evaluation: time (ms) and resident memory (MiB). */
  evalTimeoutMs?: number;
  evalMaxRssMb?: number;
  /** Largest evaluation-set upload, bytes. */
  maxEvalSetBytes?: number;
  /** Clock (ms), injected by tests (virtual time); default `Date.now`. */
  now?: () => number;
  /** Serve HTTPS with this PEM certificate (chain) and unencrypted PEM key; checked before serving. */
  tls?: { certFile: string; keyFile: string };
  log?: Logger;
}

/** The TLS certificate and key of `--tls-cert` / `--tls-key`, read and checked (parse, match, dates). */
export function loadServerTls(files: { certFile: string; keyFile: string }, now = new Date()): { cert: string; key: string; notAfter: string } {
  const { pem: cert, certs } = readCertificates(files.certFile);
  const key = readPrivateKey(files.keyFile);
  const leaf = certs[0]!;
  if (!leaf.checkPrivateKey(createPrivateKey(key))) {
    throw new TlsFileError(files.keyFile, `is not the private key of the certificate in ${files.certFile} (subject ${leaf.subject.replace(/\n/g, ", ")})`);
  }
  if (new Date(leaf.validTo) < now) throw new TlsFileError(files.certFile, `certificate expired on ${leaf.validTo}`);
  return { cert, key, notAfter: leaf.validTo };
}

/** Named defaults of {@link RegistryServerOptions}. */
export const REGISTRY_SERVER_DEFAULTS = { dataDir: "./registry-data", hostname: "127.0.0.1", port: 8700 } as const;

/** A running registry. */
export interface RunningRegistry {
  url: string;
  server: Server<undefined>;
  store: RegistryStore;
  signer?: Signer;
  tokens: TokenSource[];
  /** The evaluation queue, when `evalCommand` was given. */
  evalRunner?: EvalRunner;
  stop(): Promise<void>;
}

/**
 * Opens the data directory, makes sure tokens exist, loads the signing key and serves the
 * registry app with `Bun.serve`.
 *
 * @example
 * const reg = await startRegistryServer({ dataDir: "registry-data", port: 0 });
 * console.log(reg.url, reg.tokens); // token files are 0600 in the data dir
 * await reg.stop();
 */
export async function startRegistryServer(options: RegistryServerOptions): Promise<RunningRegistry> {
  const store = createRegistryStore({ dataDir: options.dataDir, now: options.now });
  try {
    const tokens = await ensureTokens(
      store.tokens,
      options.dataDir,
      { publisher: options.publisherTokens ?? [], agent: options.agentTokens ?? [], enroll: options.enrollTokens ?? [] },
      options.legacyAgentTokens ?? false,
    );
    const signer = options.signingKeyPem ? await loadSigner(options.signingKeyPem) : undefined;
    const evalRunner = options.evalCommand?.length
      ? new EvalRunner(
          store,
          {
            ...EVAL_RUNNER_DEFAULTS,
            command: options.evalCommand,
            timeoutMs: options.evalTimeoutMs ?? EVAL_RUNNER_DEFAULTS.timeoutMs,
            maxRssMb: options.evalMaxRssMb ?? EVAL_RUNNER_DEFAULTS.maxRssMb,
          },
          options.log,
        )
      : undefined;
    const app = createRegistryApp({
      store,
      signer,
      legacyAgentTokens: options.legacyAgentTokens ?? false,
      maxBundleBytes: options.maxBundleBytes,
      fleet: options.fleet,
      canaryGuard: options.canaryGuard,
      canaryQuorum: options.canaryQuorum,
      ab: options.ab,
      evalRunner,
      maxEvalSetBytes: options.maxEvalSetBytes,
      now: options.now,
      log: options.log,
    });
    const tls = options.tls ? loadServerTls(options.tls) : undefined;
    const server = Bun.serve({
      ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
      hostname: options.hostname ?? REGISTRY_SERVER_DEFAULTS.hostname,
      port: options.port ?? REGISTRY_SERVER_DEFAULTS.port,
      fetch: app.fetch,
      // The app bounds every body as it streams in (413 with a JSON reason and Connection: close);
      // Bun's own cut-off (a bare 413) is only a backstop far beyond it.
      maxRequestBodySize: 2 * maxUploadBody(options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES) + 16 * 1024 * 1024,
    });
    const host = server.hostname?.includes(":") ? `[${server.hostname}]` : server.hostname;
    return {
      url: `${tls ? "https" : "http"}://${host}:${server.port}`,
      server,
      store,
      signer,
      tokens,
      evalRunner,
      async stop() {
        evalRunner?.stop();
        await server.stop(true);
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
