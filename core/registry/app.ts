import { Hono } from "hono";
import type { Logger } from "pino";
import { notFoundOr405 } from "../http/method-not-allowed.ts";
import { DEFAULT_MAX_BUNDLE_BYTES, type UnpackedBundle } from "../../models/registry-protocol/envelope.ts";
import type { FleetOptions, RegistryContext } from "./context.ts";
import { CanaryCohorts, COHORT_DEFAULTS } from "./fleet/cohort.ts";
import { FLEET_DEFAULTS } from "./fleet/view.ts";
import { Authenticator, type RegistryEnv } from "./http/auth.ts";
import { AB_DEFAULTS, type AbOptions } from "./fleet/ab-judge.ts";
import { AbTracker } from "./fleet/ab-tracker.ts";
import { EVAL_SET_DEFAULTS } from "./eval/eval-set.ts";
import type { EvalRunner } from "./eval/runner.ts";
import { registerEvalRoutes } from "./routes/evals.ts";
import { ApiError, errorResponse } from "./http/errors.ts";
import { openApiDocument } from "./openapi/document.ts";
import { registerChannelRoutes } from "./routes/channels.ts";
import { registerEnrollRoutes } from "./routes/enroll.ts";
import { registerFleetRoutes } from "./routes/fleet.ts";
import { registerPageRoute } from "./routes/page.ts";
import { registerPublishRoute } from "./routes/publish.ts";
import { registerReadRoutes } from "./routes/read.ts";
import type { Signer } from "./signing/keys.ts";
import type { RegistryStore } from "./store/index.ts";

/** Options of {@link createRegistryApp}. */
export interface RegistryAppOptions {
  store: RegistryStore;
  /** Signs every manifest (served with the bundle) when set (legacy; see publisher signatures). */
  signer?: Signer;
  /**
   * Accept shared agent tokens (`role agent`) besides enrolled agents' own credentials
   * (default false: an operator enables them explicitly while agents migrate to enrollment).
   */
  legacyAgentTokens?: boolean;
  /** Largest bundle (sum of file sizes) accepted on publish; default 64 MiB. */
  maxBundleBytes?: number;
  /** Clock (ms), injected by tests. */
  now?: () => number;
  /** Stale/offline thresholds and fleet bounds; defaults {@link FLEET_DEFAULTS}. */
  fleet?: Partial<FleetOptions>;
  /** Roll back a canary whose agents report failures (default true). */
  canaryGuard?: boolean;
  /** Distinct agents of a canary's cohort whose failure reports roll it back (default 2). */
  canaryQuorum?: number;
  /** Margins and minimum sample of the canary-versus-stable comparison; defaults {@link AB_DEFAULTS}. */
  ab?: Partial<AbOptions>;
  /** Runs `agent eval` on new versions of models with an evaluation set (none: gated channels need an override). */
  evalRunner?: EvalRunner;
  /** Largest evaluation-set upload (bytes, default 32 MiB) and most points in one. */
  maxEvalSetBytes?: number;
  maxEvalPoints?: number;
  /** Model check run on publish (default: load it and run one inference). */
  checkModel?: (bundle: UnpackedBundle) => Promise<unknown>;
  log?: Logger;
}

/** Named defaults of {@link RegistryAppOptions}. */
export const REGISTRY_APP_DEFAULTS = {
  maxBundleBytes: DEFAULT_MAX_BUNDLE_BYTES,
  canaryGuard: true,
  canaryQuorum: 2,
  fleet: FLEET_DEFAULTS,
  maxEvalSetBytes: 32 * 1024 * 1024,
} as const;

/**
 * The model registry as a Hono app: `/v1` API (models, versions, bundles, channels, resolve,
 * heartbeat, fleet, events), `/fleet` page, `/openapi.json`, `/healthz`. Serve it with
 * `Bun.serve({ fetch: app.fetch })` or test it with `app.request()`.
 *
 * @example
 * const store = createRegistryStore();
 * store.tokens.add("pub_secret", "publisher", "test");
 * store.tokens.add("enr_secret", "enroll", "test"); // agents enroll: POST /v1/enroll {agent_id}
 * const app = createRegistryApp({ store });
 * const res = await app.request("/v1/models", { headers: { authorization: "Bearer pub_secret" } });
 */
export function createRegistryApp(options: RegistryAppOptions): Hono<RegistryEnv> {
  const ctx: RegistryContext = {
    store: options.store,
    auth: new Authenticator(options.store.tokens, options.store.credentials, { legacyAgentTokens: options.legacyAgentTokens ?? false }),
    signer: options.signer,
    maxBundleBytes: options.maxBundleBytes ?? REGISTRY_APP_DEFAULTS.maxBundleBytes,
    now: options.now ?? Date.now,
    fleet: { ...REGISTRY_APP_DEFAULTS.fleet, ...options.fleet },
    canaryGuard: options.canaryGuard ?? REGISTRY_APP_DEFAULTS.canaryGuard,
    canaryQuorum: Math.max(1, Math.floor(options.canaryQuorum ?? REGISTRY_APP_DEFAULTS.canaryQuorum)),
    cohorts: new CanaryCohorts({ ...COHORT_DEFAULTS, maxAgentsPerVersion: options.fleet?.maxAgents ?? REGISTRY_APP_DEFAULTS.fleet.maxAgents }),
    stableCohorts: new CanaryCohorts({ ...COHORT_DEFAULTS, maxAgentsPerVersion: options.fleet?.maxAgents ?? REGISTRY_APP_DEFAULTS.fleet.maxAgents }),
    ab: new AbTracker(options.fleet?.maxAgents ?? REGISTRY_APP_DEFAULTS.fleet.maxAgents),
    abOptions: { ...AB_DEFAULTS, ...options.ab },
    evals: {
      runner: options.evalRunner,
      maxSetBytes: options.maxEvalSetBytes ?? REGISTRY_APP_DEFAULTS.maxEvalSetBytes,
      maxPoints: options.maxEvalPoints ?? EVAL_SET_DEFAULTS.maxPoints,
    },
    refused: {},
    // tfjs loads on the first publish, not at startup.
    checkModel: options.checkModel ?? (async (b) => (await import("./validate/model.ts")).trialInference(b)),
    log: options.log,
  };
  const app = new Hono<RegistryEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/openapi.json", (c) => c.json(openApiDocument));
  registerReadRoutes(app, ctx);
  registerEnrollRoutes(app, ctx);
  registerPublishRoute(app, ctx);
  registerChannelRoutes(app, ctx);
  registerFleetRoutes(app, ctx);
  registerEvalRoutes(app, ctx);
  registerPageRoute(app, ctx);
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    ctx.log?.error({ err: error, path: c.req.path }, "registry request failed");
    return errorResponse(c, new ApiError(500, "internal", (error as Error).message));
  });
  app.notFound(
    notFoundOr405(
      app,
      (c, allowed) =>
        errorResponse(c, new ApiError(405, "method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(", ")}`)),
      (c) => errorResponse(c, new ApiError(404, "not_found", `no route ${c.req.method} ${c.req.path}; see /openapi.json`)),
    ),
  );
  return app;
}
