import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeVersion, UnsafePathError, versionDir } from "./paths.ts";

function layout() {
  const root = mkdtempSync(join(tmpdir(), "paths-"));
  const dataDir = join(root, "data");
  mkdirSync(join(dataDir, "models", "m", "1"), { recursive: true });
  mkdirSync(join(root, "victim"));
  writeFileSync(join(root, "victim", "precious.txt"), "keep me");
  return { root, dataDir };
}

describe("versionDir", () => {
  test.each(["../../x", "..", ".", "/abs", "a/b", "a\u0000", "", "x".repeat(65)])("refuses version %p", (v) => {
    expect(() => versionDir("d", "m", v)).toThrow(UnsafePathError);
  });
  test("refuses an unsafe name and a non-string", () => {
    expect(() => versionDir("d", "../m", "1")).toThrow(UnsafePathError);
    expect(() => versionDir("d", "m", 12 as never)).toThrow(UnsafePathError);
  });
  test("joins safe names", () => expect(versionDir("d", "m", "1.2-rc_3")).toBe("d/models/m/1.2-rc_3"));
});

describe("removeVersion", () => {
  test("removes an installed version", async () => {
    const { dataDir } = layout();
    expect(await removeVersion(dataDir, "m", "1")).toBe(true);
    expect(existsSync(join(dataDir, "models", "m", "1"))).toBe(false);
  });

  test("never follows a symlinked version dir or model dir out of <data_dir>/models", async () => {
    const { root, dataDir } = layout();
    symlinkSync(join(root, "victim"), join(dataDir, "models", "m", "2"));
    expect(await removeVersion(dataDir, "m", "2")).toBe(false);
    symlinkSync(root, join(dataDir, "models", "n"));
    expect(await removeVersion(dataDir, "n", "victim")).toBe(false);
    expect(existsSync(join(root, "victim", "precious.txt"))).toBe(true);
  });

  test("refuses traversal names without touching anything", async () => {
    const { root, dataDir } = layout();
    expect(await removeVersion(dataDir, "m", "../../../victim")).toBe(false);
    expect(existsSync(join(root, "victim", "precious.txt"))).toBe(true);
  });
});
