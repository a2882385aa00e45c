import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    const file = write(
      "reg.yaml",
      `sources: [{ type: synthetic, id: s, interval: 1s }]\nmodel:\n  registry: { url: http://r:8700, name: m, token: t, public_key: reg.pub }\n${SINKS}`,
    );
    const r = await validateAll(file, {});
    expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      `model.registry.public_key: cannot use ${join(dir, "reg.pub")}: expected a PEM "PUBLIC KEY" block`,
    ]);
    expect(r.model).toMatchObject({ name: "online:default" });
  });

  test("model.registry.publisher_keys (files or inline base64) must be Ed25519 keys; enroll_token_file must be readable", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
    const inline = Buffer.from(await crypto.subtle.exportKey("raw", pair.publicKey)).toString("base64");
    write("pub-bad.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    const file = write(
      "keys.yaml",
      `sources: [{ type: synthetic, id: s, interval: 1s }]\nmodel:\n  registry: { url: http://r:8700, name: m, enroll_token_file: missing.token, publisher_keys: ["${inline}", pub-bad.pem, nowhere.pem] }\n${SINKS}`,
    );
    const r = await validateAll(file, {});
    expect(r.problems.map((p) => p.path)).toEqual(["model.registry.publisher_keys.1", "model.registry.publisher_keys.2", "model.registry.enroll_token_file"]);
    expect(r.problems[1].message).toContain(`cannot use ${join(dir, "nowhere.pem")}: ENOENT`);
    expect(r.problems[2].message).toContain(`cannot read ${join(dir, "missing.token")}`);
  });

  test("a data_dir that agent run could not write is a problem (the same check), and validate leaves nothing in it", async () => {
    const ro = join(dir, "ro-data");
    mkdirSync(ro);
    // root writes through chmod: a read-only tmpfs is read-only for root too
    const m = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", ro], { stderr: "pipe" });
    if (m.exitCode !== 0) {
      if (process.getuid?.() === 0) return void console.log(`[validate] read-only data_dir test skipped: ${m.stderr.toString().trim()}`);
      chmodSync(ro, 0o500);
    }
    try {
      const file = write("ro.yaml", `agent: { id: a, data_dir: ${ro} }\nsources: [{ type: synthetic, id: s, interval: 1s }]\n${SINKS}`);
      const r = await validateAll(file, {});
      expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
        expect.stringMatching(new RegExp(`^agent\\.data_dir: ${ro}: not writable: .*(EROFS|EACCES|read-only|permission)`, "i")),
      ]);
      expect(r.problems[0].line).toBe(1);
      const ok = await validateAll(
        write("ok-dir.yaml", `agent: { id: a, data_dir: ${join(dir, "new", "var")} }\nsources: [{ type: synthetic, id: s, interval: 1s }]\n${SINKS}`),
        {},
      );
      expect(ok.problems).toEqual([]);
      expect(existsSync(join(dir, "new"))).toBe(false); // nothing created
    } finally {
      if (m.exitCode === 0) Bun.spawnSync(["umount", "-l", ro]);
      else chmodSync(ro, 0o700);
    }
  });

  test("online model: OK with warm-up per source", async () => {
    const file = write("ok.yaml", `sources:\n  - { type: synthetic, id: s, interval: 1s }\n  - { type: procfs, id: h, interval: 10s }\n${SINKS}`);
    const r = await validateAll(file, {});
    expect(r.problems).toEqual([]);
    expect(r.model).toMatchObject({ name: "online:default", version: "3", window: 32 });
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
