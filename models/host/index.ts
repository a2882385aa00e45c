/** The host model: one autoencoder over the host's whole metric vector (see README.md). */
export { HostModel, type HostContributor, type HostModelParts, type HostScore } from "./model.ts";
export { trainHostModel, defaultHidden, HostTrainError, MIN_HOST_ROWS, type HostTrainOptions } from "./train.ts";
export {
  hostModelFromJSON,
  hostModelToJSON,
  parseHostModel,
  serializeHostModel,
  HostModelFormatError,
  MAX_HOST_MODEL_BYTES,
  type HostModelFile,
} from "./format.ts";
export { HostVectorizer, hostKey, redundantCounter, type HostSample } from "./vector.ts";
export { traceRows, traceCounters, type HostRows } from "./trace.ts";
