import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBundle, writeBundle } from "./bundle.ts";
import { readRegularFile, UnsafeFileError } from "./safe-read.ts";
import { defaultFeatureSpec, featureNames, featureWidth } from "../features/spec.ts";

const mkfifo = (p: string) => expect(Bun.spawnSync(["mkfifo", p]).exitCode).toBe(0);
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "read",
    (e: Error) => (e instanceof UnsafeFileError ? e.message : `other: ${e.message}`),
  );

describe("readRegularFile: bundle files are regular files, never anything that blocks", () => {
  test("a FIFO, a symlink, a directory, a symlinked parent directory and an oversized file are refused at once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "safe-read-"));
    await writeFile(join(dir, "ok.bin"), "hello");
    await writeFile(join(tmpdir(), "outside-target"), "secret");
    mkfifo(join(dir, "fifo.bin"));
    await symlink(join(tmpdir(), "outside-target"), join(dir, "link.bin"));
    await mkdir(join(dir, "sub"));
    await symlink(tmpdir(), join(dir, "linkdir"));
    expect(new TextDecoder().decode(await readRegularFile(dir, "ok.bin", 5))).toBe("hello");
    expect(await refusal(readRegularFile(dir, "fifo.bin", 100))).toContain("FIFO");
    expect(await refusal(readRegularFile(dir, "link.bin", 100))).toContain("symbolic link");
    expect(await refusal(readRegularFile(dir, "sub", 100))).toContain("directory");
    expect(await refusal(readRegularFile(dir, "linkdir/outside-target", 100))).toContain("linkdir is a symbolic link");
    expect(await refusal(readRegularFile(dir, "ok.bin", 4))).toContain("more than the 4 expected");
    await rm(dir, { recursive: true });
  });

  test("readBundle (what agent push-model and loadModel read) refuses a bundle whose listed file or manifest is a FIFO, without blocking", async () => {
    const spec = defaultFeatureSpec(32);
    const dir = join(await mkdtemp(join(tmpdir(), "fifo-bundle-")), "b");
    await writeBundle(
      dir,
      {
        format: "agent-model-bundle",
        manifest_version: 1,
        name: "m",
        version: "1",
        created_at: "t",
        agent_version: "0.1.0",
        detector: { kind: "robust-zscore", params: {} },
        window: 32,
        features: { ...spec, width: featureWidth(spec), names: featureNames(spec) },
        scaler: { center: "window_median", scale: "ewma_abs_diff", counters: "auto_rate" },
        threshold: { score: 0.5, raw: 1, quantile: 0.99 },
        training: { series: 1, windows: 1, fit_seconds: 0, metrics: {} },
      },
      [{ path: "stats.json", data: new TextEncoder().encode("{}") }],
    );
    await rm(join(dir, "stats.json"));
    mkfifo(join(dir, "stats.json"));
    const e = await readBundle(dir).then(
      () => undefined,
      (x: Error) => x,
    );
    expect(e?.message).toBe(`${dir}: stats.json: is a FIFO; bundles hold regular files only`);
    await rm(join(dir, "manifest.json"));
    mkfifo(join(dir, "manifest.json"));
    expect(
      (
        await readBundle(dir).then(
          () => undefined,
          (x: Error) => x,
        )
      )?.message,
    ).toContain("manifest.json: is a FIFO");
  });
});
