/**
 * The registry client side: wire protocol, bundle envelope, signatures, HTTP client. What the
 * agent's updater imports.
 *
 * @example
 * import { createRegistryClient, installBundle } from "../models/registry/index.ts";
 */
export { parseHeartbeatAck, parseResolution, RegistryAnswerError, ResolutionSchema } from "./answers.ts";
export { ANSWER_LIMITS, envelopeLimit, readBounded, readBoundedJson } from "./bounded.ts";
export { bundlePathProblem, isSafeBundlePath } from "./safe-path.ts";
export { createRegistryClient, RegistryClient, type Conditional, type FleetQuery, type RegistryClientOptions } from "./client.ts";
export { DEFAULT_MAX_BUNDLE_BYTES, EnvelopeError, packBundle, packBundleDir, unpackEnvelope, type UnpackedBundle } from "./envelope.ts";
export { RegistryError } from "./errors.ts";
export { HeartbeatSchema, type FleetView, type Heartbeat, type HeartbeatAck } from "./heartbeat.ts";
export { installBundle, UnsafeBundlePathError } from "./install.ts";
export { CHANNELS, isName, NAME_PATTERN, type BundleEnvelope, type Channel, type Resolution } from "./protocol.ts";
export { canonicalJson, importPublicKey, manifestDigest, SignatureError, verifyManifestSignature } from "./signature.ts";
