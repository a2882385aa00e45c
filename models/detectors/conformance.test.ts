/**
 * The detector conformance suite (models/testing) for every kind in the registry, built and
 * restored the way bundles are (`createDetector`, `loadDetector`). The ensemble is covered here.
 */
import { DETECTOR_KINDS } from "../detector.ts";
import { runDetectorConformance } from "../testing/conformance.ts";
import { createDetector, loadDetector } from "./catalog.ts";

/** Few epochs: the checks are about behaviour, not accuracy. */
const EPOCHS: Partial<Record<(typeof DETECTOR_KINDS)[number], number>> = { autoencoder: 5, ensemble: 5, "lstm-autoencoder": 1, "gru-autoencoder": 1, vae: 5 };

for (const kind of DETECTOR_KINDS) {
  runDetectorConformance(kind, { make: (width) => createDetector(kind, width), load: loadDetector, fit: { epochs: EPOCHS[kind] } });
}
