import { tf } from "./backend.ts";
import type { BundleFile } from "../detector.ts";

/**
 * Serialises a tfjs layers model into two bundle files — `model.json` (topology and weight
 * specs, the tfjs-layers format) and `weights.bin` — and loads them back from memory. Keeping
 * the on-disk format the stock tfjs one means `tf.loadLayersModel` can read our bundles too.
 */
export async function saveLayersModel(model: tf.LayersModel, prefix = ""): Promise<BundleFile[]> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: "JSON" } };
    }),
  );
  if (!captured?.weightData || !captured.weightSpecs) throw new Error("tfjs did not produce weights");
  const weightData = captured.weightData as ArrayBuffer;
  const json = {
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    modelTopology: captured.modelTopology,
    weightsManifest: [{ paths: [`${prefix}weights.bin`], weights: captured.weightSpecs }],
  };
  return [
    { path: `${prefix}model.json`, data: new TextEncoder().encode(JSON.stringify(json)) },
    { path: `${prefix}weights.bin`, data: new Uint8Array(weightData) },
  ];
}

/** Loads a layers model saved by {@link saveLayersModel} from its two files. */
export async function loadLayersModel(files: Map<string, Uint8Array>, prefix = ""): Promise<tf.LayersModel> {
  const jsonBytes = files.get(`${prefix}model.json`);
  const weights = files.get(`${prefix}weights.bin`);
  if (!jsonBytes || !weights) throw new Error(`bundle lacks ${prefix}model.json or ${prefix}weights.bin`);
  const json = JSON.parse(new TextDecoder().decode(jsonBytes));
  const weightSpecs = json?.weightsManifest?.[0]?.weights;
  if (!json?.modelTopology || !Array.isArray(weightSpecs)) throw new Error(`${prefix}model.json is not a tfjs layers model`);
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: buffer }));
}
