import type { Logger } from "pino";
import type { UnpackedBundle } from "../../models/registry-protocol/envelope.ts";
import type { Signer } from "./signing/keys.ts";
import type { RegistryStore } from "./store/index.ts";
import type { FleetLimits } from "./store/fleet.ts";
import type { CanaryCohorts } from "./fleet/cohort.ts";
import type { Authenticator } from "./http/auth.ts";

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
  /** Refused or ignored agent input since start, by reason (shown in `GET /v1/fleet`). */
  refused: Record<string, number>;
  /** Loads the model and runs one inference; throws to refuse the upload. */
  checkModel: (bundle: UnpackedBundle) => Promise<unknown>;
  log?: Logger;
}
