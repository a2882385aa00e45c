import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NAB_PROFILES, nabWindowsFile, readNabCorpus } from "./nab.ts";

async function corpus(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "nab-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const CSV = "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,2\n2014-04-01 00:10:00,3\n";

describe("readNabCorpus", () => {
  test("reads data/<category>/*.csv, the windows and NAB's profiles (defaults without profiles.json)", async () => {
    const dir = await corpus({
      "data/b/y.csv": CSV,
      "data/a/x.csv": CSV,
      "labels_windows.json": JSON.stringify({ "a/x.csv": [["2014-04-01 00:05:00.000000", "2014-04-01 00:10:00.000000"]], "b/y.csv": [] }),
    });
    expect(await nabWindowsFile(dir)).toBe(join(dir, "labels_windows.json"));
    const c = await readNabCorpus(dir);
    expect(c.files.map((f) => f.key)).toEqual(["a/x.csv", "b/y.csv"]);
    expect(c.files[0].windows).toEqual([[Date.UTC(2014, 3, 1, 0, 5), Date.UTC(2014, 3, 1, 0, 10)]]);
    expect(c.profiles).toEqual(NAB_PROFILES);
  });

  test("NAB's own layout (labels/combined_windows.json) and a profiles.json are read too", async () => {
    const dir = await corpus({
      "data/a/x.csv": CSV,
      "labels/combined_windows.json": JSON.stringify({ "a/x.csv": [] }),
      "profiles.json": JSON.stringify({ standard: { CostMatrix: { tpWeight: 1, fpWeight: 0.5, fnWeight: 1, tnWeight: 1 } } }),
    });
    const c = await readNabCorpus(dir);
    expect(c.profiles).toEqual({ standard: { tpWeight: 1, fpWeight: 0.5, fnWeight: 1 } });
  });

  test("problems name the file: not a corpus, a CSV without windows, bad windows, bad JSON", async () => {
    const plain = await corpus({ "x.csv": CSV });
    expect(await nabWindowsFile(plain)).toBeUndefined();
    await expect(readNabCorpus(plain)).rejects.toThrow(`${plain}: not a NAB-layout corpus`);
    const missing = await corpus({ "data/a/x.csv": CSV, "labels_windows.json": "{}" });
    await expect(readNabCorpus(missing)).rejects.toThrow(`${join(missing, "labels_windows.json")}: no entry for "a/x.csv"`);
    const badTime = await corpus({ "data/a/x.csv": CSV, "labels_windows.json": JSON.stringify({ "a/x.csv": [["soon", "later"]] }) });
    await expect(readNabCorpus(badTime)).rejects.toThrow(/window of "a\/x.csv": unparseable timestamp "soon"/);
    const badShape = await corpus({ "data/a/x.csv": CSV, "labels_windows.json": JSON.stringify({ "a/x.csv": [["only-one"]] }) });
    await expect(readNabCorpus(badShape)).rejects.toThrow(/labels_windows\.json: a\/x\.csv\.0/);
    const badJson = await corpus({ "data/a/x.csv": CSV, "labels_windows.json": "{oops" });
    await expect(readNabCorpus(badJson)).rejects.toThrow(/labels_windows\.json: invalid JSON/);
  });
});
