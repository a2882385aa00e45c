import type { Logger } from "pino";
import type { UnpackedBundle } from "../../models/registry-protocol/envelope.ts";
import type { Signer } from "./signing/keys.ts";
import type { RegistryStore } from "./store/index.ts";
import type { FleetLimits } from "./store/fleet.ts";
import type { CanaryCohorts } from "./fleet/cohort.ts";
import type { Authenticator } from "./http/auth.ts";
import type { AbOptions } from "./fleet/ab-judge.ts";
import type { AbTracker } from "./fleet/ab-tracker.ts";
import type { EvalRunner } from "./eval/runner.ts";

/**
 * When agents count as stale or offline, and how the fleet is bounded: `defaultIntervalS`,
 * `staleFactor`, `offlineFactor` (stale/offline after that many intervals without a
 * heartbeat), `maxIntervalS` (claimed intervals are clamped), `maxAgents`, `retentionS`.
 */
export type FleetOptions = FleetLimits;

/** What every registry route shares. */
export interface RegistryContext {
  store: RegistryStore;
  /** Who a token is under the registry's policy (credentials, legacy shared agent tokens). */
  auth: Authenticator;
  /** Registry-side signer (legacy: prefer publisher signatures, which the registry cannot forge). */
  signer?: Signer;
  maxBundleBytes: number;
  now: () => number;
  fleet: FleetOptions;
  /** Roll a canary back when its agents report load or scoring failures. */
  canaryGuard: boolean;
  /** Distinct in-cohort agents whose failure reports roll a canary back. */
  canaryQuorum: number;
  /** Which agents resolved which canary version (the guard counts only them). */
  cohorts: CanaryCohorts;
  /** Which agents resolved which stable (or previous) version: the A/B comparison's stable arm counts only them. Kept apart so stable resolves never push a canary's cohort out. */
  stableCohorts: CanaryCohorts;
  /** Canary-versus-stable sums per model (the A/B guard and the fleet view read them). */
  ab: AbTracker;
  /** Margins and minimum sample of the A/B comparison. */
  abOptions: AbOptions;
  /** Eval-gated promotion: the runner (absent: no evaluation runs, gated channels need an override) and the evaluation sets' bounds. */
  evals: { runner?: EvalRunner; maxSetBytes: number; maxPoints: number };
  /** Refused or ignored agent input since start, by reason (shown in `GET /v1/fleet`). */
  refused: Record<string, number>;
  /** Loads the model and runs one inference; throws to refuse the upload. */
  checkModel: (bundle: UnpackedBundle) => Promise<unknown>;
  log?: Logger;
}
