/** Types the page renderer reads (re-exported so `render.ts` has no runtime imports). */
export type { FleetView } from "../../../models/registry-protocol/heartbeat.ts";
export type { RegistryEvent } from "../../../models/registry-protocol/protocol.ts";
