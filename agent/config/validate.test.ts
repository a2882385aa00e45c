import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset } from "../../data/synthetic/index.ts";
import { saveTrainedModel, trainModel } from "../../models/train.ts";
import { validateAll } from "./validate.ts";

const dir = mkdtempSync(join(tmpdir(), "agent-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const SINKS = "sinks: [{ type: stdout, id: o }]\n";

describe("validateAll", () => {
  beforeAll(async () => {
    const trained = await trainModel(generateDataset({ nSeries: 3, nPoints: 600, seed: 1 }), { kind: "robust-zscore", window: 16, name: "rz", version: "3" });
    await saveTrainedModel(join(dir, "models/rz"), trained);
    trained.model.dispose();
  });

  test("model.registry.public_key must be an Ed25519 public key file", async () => {
    write("reg.pub", "not a key");
    const file = write("reg.yaml", `sources: [{ type: synthetic, id: s, interval: 1s }]\nmodel:\n  registry: { url: http://r:8700, name: m, token: t, public_key: reg.pub }\n${SINKS}`);
    const r = await validateAll(file, {});
    expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([`model.registry.public_key: cannot use ${join(dir, "reg.pub")}: expected a PEM "PUBLIC KEY" block`]);
    expect(r.model).toMatchObject({ name: "online:default" });
  });

  test("online model: OK with warm-up per source", async () => {
    const file = write("ok.yaml", `sources:\n  - { type: synthetic, id: s, interval: 1s }\n  - { type: procfs, id: h, interval: 10s }\n${SINKS}`);
    const r = await validateAll(file, {});
    expect(r.problems).toEqual([]);
    expect(r.model).toMatchObject({ name: "online:default", version: "2", window: 32 });
    expect(r.warmups).toEqual([
      { sourceId: "s", warmupMs: 32_000 },
      { sourceId: "h", warmupMs: 320_000 },
    ]);
    expect(r.loaded).toBeUndefined();
  });

  test("a bundle relative to the config file loads and fits; keepModel hands it over", async () => {
    const file = write("bundle.yaml", `sources: [{ type: synthetic, id: s, interval: 2s }]\nmodel: { bundle: models/rz }\n${SINKS}`);
    const r = await validateAll(file, {}, { keepModel: true });
    expect(r.problems).toEqual([]);
    expect(r.model).toMatchObject({ name: "rz", version: "3", window: 16 });
    expect(r.warmups).toEqual([{ sourceId: "s", warmupMs: 32_000 }]);
    expect(r.loaded?.name).toBe("rz");
    r.loaded?.dispose();
  });

  test("a bundle whose features do not fit is a model.bundle problem", async () => {
    const manifestPath = join(dir, "models/rz/manifest.json");
    const original = readFileSync(manifestPath, "utf8");
    const m = JSON.parse(original);
    m.features.names = ["something_else"];
    writeFileSync(manifestPath, JSON.stringify(m));
    try {
      const file = write("misfit.yaml", `sources: [{ type: synthetic, id: s, interval: 2s }]\nmodel: { bundle: models/rz }\n${SINKS}`);
      const r = await validateAll(file, {});
      expect(r.problems).toEqual([{ path: "model.bundle", message: expect.stringContaining("features.names"), line: 2 }]);
    } finally {
      writeFileSync(manifestPath, original);
    }
  });

  test("a config problem and a missing bundle dir are reported together", async () => {
    const file = write("bad.yaml", `sources: [{ type: synthetic, id: s, interval: soon }]\nmodel: { bundle: ./models/nope }\n${SINKS}`);
    const r = await validateAll(file, {});
    expect(r.config).toBeUndefined();
    expect(r.problems).toEqual([
      { path: "sources[0].interval", message: expect.stringContaining('found "soon"'), line: 1 },
      { path: "model.bundle", message: `bundle directory ${join(dir, "models/nope")} does not exist`, line: 2 },
    ]);
  });

  test("a directory that is not a bundle is reported by the bundle reader", async () => {
    const file = write("notbundle.yaml", `sources: [{ type: synthetic, id: s, interval: 1s }]\nmodel: { bundle: models }\n${SINKS}`);
    const r = await validateAll(file, {});
    expect(r.problems).toEqual([{ path: "model.bundle", message: expect.stringContaining("not a model bundle directory"), line: 2 }]);
  });

  test("an unreadable file is one problem with a one-line message", async () => {
    const r = await validateAll(join(dir, "missing.yaml"), {});
    expect(r.problems).toHaveLength(1);
    expect(r.unreadable).toBe(`${join(dir, "missing.yaml")}: cannot read config: no such file`);
  });
});
