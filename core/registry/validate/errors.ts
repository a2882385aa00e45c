/** The bundle's model does not load or does not score: the registry refuses it (422). */
export class ModelCheckError extends Error {
  constructor(
    readonly code: "model_load_failed" | "inference_failed",
    message: string,
  ) {
    super(message);
    this.name = "ModelCheckError";
  }
}
