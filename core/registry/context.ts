import type { Logger } from "pino";
import type { UnpackedBundle } from "../../models/registry/envelope.ts";
import type { Signer } from "./signing/keys.ts";
import type { RegistryStore } from "./store/index.ts";

/** When agents count as stale or offline. */
export interface FleetOptions {
  /** Heartbeat interval assumed until an agent reports or shows one (seconds). */
  defaultIntervalS: number;
  /** Stale after this many intervals without a heartbeat. */
  staleFactor: number;
  /** Offline after this many intervals without a heartbeat. */
  offlineFactor: number;
}

/** What every registry route shares. */
export interface RegistryContext {
  store: RegistryStore;
  signer?: Signer;
  maxBundleBytes: number;
  now: () => number;
  fleet: FleetOptions;
  /** Roll a canary back when its agents report load or scoring failures. */
  canaryGuard: boolean;
  /** Loads the model and runs one inference; throws to refuse the upload. */
  checkModel: (bundle: UnpackedBundle) => Promise<unknown>;
  log?: Logger;
}
