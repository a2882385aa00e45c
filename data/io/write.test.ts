import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset } from "../synthetic/generate.ts";
import { DataError } from "./errors.ts";
import { ANOMALY_RATIO_MEANING } from "./metadata.ts";
import { writeDataset } from "./write.ts";

const root = await mkdtemp(join(tmpdir(), "write-"));
afterAll(() => rm(root, { recursive: true, force: true }));

async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of ["labels.json", "metadata.json"]) out.set(f, await readFile(join(dir, f), "utf8"));
  for (const f of (await readdir(join(dir, "series"))).sort()) out.set(f, await readFile(join(dir, "series", f), "utf8"));
  return out;
}

describe("writeDataset", () => {
  const opts = { nSeries: 30, nPoints: 400, seed: 9 };

  test("same seed gives byte-identical files, another seed differs", async () => {
    const a = join(root, "a");
    const b = join(root, "b");
    const c = join(root, "c");
    const res = await writeDataset(a, generateDataset(opts));
    await writeDataset(b, generateDataset(opts));
    await writeDataset(c, generateDataset({ ...opts, seed: 10 }));
    const [sa, sb, sc] = await Promise.all([snapshot(a), snapshot(b), snapshot(c)]);
    expect(sa.size).toBe(32);
    expect(res.files).toBe(32);
    expect(res.bytes).toBe([...sa.values()].reduce((n, t) => n + Buffer.byteLength(t), 0));
    expect(sb).toEqual(sa);
    expect(sc.get("series_0000.csv")).not.toBe(sa.get("series_0000.csv"));
  });

  test("labels.json (NAB layout) and metadata.json describe every series", async () => {
    const dir = join(root, "meta");
    const ds = generateDataset(opts);
    await writeDataset(dir, ds, { format: "jsonl" });
    const labels = JSON.parse(await readFile(join(dir, "labels.json"), "utf8"));
    expect(Object.keys(labels)).toEqual(ds.series.map((s) => `${s.name}.jsonl`));
    const meta = JSON.parse(await readFile(join(dir, "metadata.json"), "utf8"));
    expect(meta.params).toMatchObject({ seed: 9, n_series: 30, n_points: 400, anomaly_ratio: 0.3, interval_seconds: 60 });
    expect(meta.params.anomaly_ratio_meaning).toBe(ANOMALY_RATIO_MEANING);
    expect(meta.series).toHaveLength(30);
    for (const [k, m] of ds.meta.entries()) {
      const j = meta.series[k];
      expect(j.name).toBe(m.name);
      expect(j.baseline).toBe(m.baseline);
      expect(labels[`${m.name}.jsonl`]).toEqual(m.anomalies.map((a) => [a.start, a.end]));
      expect(j.anomalies.map((a: { start_index: number }) => a.start_index)).toEqual(m.anomalies.map((a) => a.startIndex));
    }
    const first = (await readFile(join(dir, "series", "series_0000.jsonl"), "utf8")).split("\n")[0];
    expect(JSON.parse(first)).toEqual({ timestamp: "2026-01-01T00:00:00Z", value: expect.any(Number), label: 0 });
  });

  test("refuses to write over existing series unless overwrite is set", async () => {
    const dir = join(root, "over");
    const ds = generateDataset({ ...opts, nSeries: 3 });
    await writeDataset(dir, generateDataset({ ...opts, nSeries: 5 }));
    await expect(writeDataset(dir, ds)).rejects.toBeInstanceOf(DataError);
    await writeDataset(dir, ds, { overwrite: true });
    expect(await readdir(join(dir, "series"))).toHaveLength(3);
  });
});
