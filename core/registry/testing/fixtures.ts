/**
 * Test helpers for the registry: small trained bundles (cached per kind) and an in-process app
 * with a publisher and an agent token.
 */
import { generateDataset } from "../../../data/synthetic/index.ts";
import type { DetectorKind } from "../../../models/detector.ts";
import { sha256Hex } from "../../../models/format/bundle.ts";
import type { Manifest } from "../../../models/format/manifest.ts";
import { packBundle } from "../../../models/registry-protocol/envelope.ts";
import type { BundleEnvelope } from "../../../models/registry-protocol/protocol.ts";
import { trainModel } from "../../../models/train.ts";
import { createRegistryApp, type RegistryAppOptions } from "../app.ts";
import { createRegistryStore, type RegistryStore } from "../store/index.ts";

/** A bundle in memory. */
export interface MemoryBundle {
  manifest: Manifest;
  files: Map<string, Uint8Array>;
}

const trained = new Map<DetectorKind, Promise<MemoryBundle>>();

/** A small trained bundle of `kind` (trained once per process), renamed and re-versioned. */
export async function trainedBundle(kind: DetectorKind, name = "host-ae", version = "1"): Promise<MemoryBundle> {
  let p = trained.get(kind);
  if (!p) {
    p = (async () => {
      const ds = generateDataset({ nSeries: 4, nPoints: 400, seed: 11, anomalyRatio: 0 });
      const t = await trainModel(ds, { kind, epochs: 1, maxRows: 1500, name: "x", version: "1" });
      const saved = await t.model.detector.save();
      t.model.dispose();
      const files = new Map(saved.files.map((f) => [f.path, f.data]));
      const manifest = { ...t.manifest, files: saved.files.map((f) => ({ path: f.path, sha256: sha256Hex(f.data), bytes: f.data.byteLength })) } as Manifest;
      return { manifest, files };
    })();
    trained.set(kind, p);
  }
  const b = await p;
  return { manifest: structuredClone({ ...b.manifest, name, version }), files: new Map(b.files) };
}

/** The upload envelope of a trained bundle. */
export async function trainedEnvelope(kind: DetectorKind, name = "host-ae", version = "1"): Promise<BundleEnvelope> {
  return packBundle(await trainedBundle(kind, name, version));
}

export const PUB = "pub_test-publisher-token";
export const AGT = "agt_test-agent-token";

/** An in-memory registry app with tokens {@link PUB} and {@link AGT}, and a request helper. */
export function testRegistry(options: Partial<RegistryAppOptions> = {}): {
  store: RegistryStore;
  app: ReturnType<typeof createRegistryApp>;
  req: (method: string, path: string, init?: { token?: string | null; body?: unknown; headers?: Record<string, string> }) => Promise<Response>;
} {
  const store = options.store ?? createRegistryStore({ now: options.now });
  store.tokens.add(PUB, "publisher", "test");
  store.tokens.add(AGT, "agent", "test");
  // The suites written before enrollment use the shared agent token AGT: enabled here explicitly.
  const app = createRegistryApp({ legacyAgentTokens: true, ...options, store });
  const req = (method: string, path: string, init: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? PUB : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const body = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    return Promise.resolve(app.request(path, { method, headers, body }));
  };
  return { store, app, req };
}
