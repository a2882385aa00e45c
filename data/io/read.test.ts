import { afterAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset } from "../synthetic/generate.ts";
import { DataError } from "./errors.ts";
import { readDataset, readSeries } from "./read.ts";
import { writeDataset } from "./write.ts";

const root = await mkdtemp(join(tmpdir(), "read-"));
afterAll(() => rm(root, { recursive: true, force: true }));

const ds = generateDataset({ nSeries: 20, nPoints: 500, seed: 3, anomalyRatio: 0.5 });
const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

describe("readDataset", () => {
  for (const format of ["csv", "jsonl"] as const) {
    test(`${format} roundtrip keeps values (4 decimals), gaps, labels and anomalies`, async () => {
      const dir = join(root, format);
      await writeDataset(dir, ds, { format });
      const back = await readDataset(dir);
      expect(back.series.map((s) => s.name)).toEqual(ds.series.map((s) => s.name));
      expect(back.anomalies).toEqual(
        ds.anomalies.map(({ series, type, startIndex, endIndex, start, end }) => ({ series, type, startIndex, endIndex, start, end })),
      );
      let gaps = 0;
      for (const [k, s] of back.series.entries()) {
        const orig = ds.series[k];
        expect(s.timestamps).toEqual(orig.timestamps);
        expect(s.labels).toEqual(orig.labels!);
        for (let i = 0; i < s.values.length; i++) {
          if (Number.isNaN(orig.values[i])) {
            gaps++;
            expect(s.values[i]).toBeNaN();
          } else expect(s.values[i]).toBe(round4(orig.values[i]));
        }
      }
      expect(gaps).toBeGreaterThan(0);
    });
  }

  test("NAB-style folder: CSVs at the top, labels from labels.json windows", async () => {
    const dir = join(root, "nab");
    await mkdir(dir);
    const rows = ["timestamp,value", "2014-04-01 00:00:00,1", "2014-04-01 00:05:00,2", "2014-04-01 00:10:00,3", "2014-04-01 00:15:00,4"];
    await writeFile(join(dir, "b_machine.csv"), rows.join("\n") + "\n");
    await writeFile(join(dir, "a_taxi.csv"), rows.join("\n") + "\n");
    const labels = { "realKnownCause/b_machine.csv": [["2014-04-01 00:05:00.000000", "2014-04-01 00:10:00.000000"]] };
    await writeFile(join(dir, "labels.json"), JSON.stringify(labels));
    const back = await readDataset(dir);
    expect(back.series.map((s) => s.name)).toEqual(["a_taxi", "b_machine"]);
    expect(back.series[0].labels).toBeUndefined();
    expect(Array.from(back.series[1].labels!)).toEqual([0, 1, 1, 0]);
    expect(back.anomalies).toEqual([]);
  });

  test("errors name the folder or file", async () => {
    const missing = join(root, "nope");
    await expect(readDataset(missing)).rejects.toThrow(`${missing}: directory not found`);
    const empty = join(root, "empty");
    await mkdir(empty);
    await expect(readDataset(empty)).rejects.toThrow(`${empty}: no series files`);
    const badLabels = join(root, "bad-labels");
    await mkdir(badLabels);
    await writeFile(join(badLabels, "x.csv"), "timestamp,value\n2020-01-01T00:00:00Z,1\n");
    await writeFile(join(badLabels, "labels.json"), '{"x.csv": [["soon", "later"]]}');
    await expect(readDataset(badLabels)).rejects.toThrow(`${join(badLabels, "labels.json")}: window of "x.csv"`);
    await writeFile(join(badLabels, "labels.json"), "{oops");
    await expect(readDataset(badLabels)).rejects.toThrow(/labels\.json: invalid JSON/);
    await writeFile(join(badLabels, "labels.json"), "{}");
    await writeFile(join(badLabels, "metadata.json"), '{"series":[{"name":"x","anomalies":[{"type":"meteor"}]}]}');
    await expect(readDataset(badLabels)).rejects.toThrow(/metadata\.json: series\.0\.anomalies\.0\.type/);
    await writeFile(join(badLabels, "y.csv"), "timestamp,value\n2020-01-01T00:00:00Z,oops\n");
    await expect(readDataset(badLabels, { strictRows: true })).rejects.toThrow(`${join(badLabels, "y.csv")}:2: non-numeric value`);
    await writeFile(join(badLabels, "metadata.json"), '{"series":[]}');
    expect((await readDataset(badLabels)).series[1].notes?.badValues).toBe(1);
  });
});

describe("readSeries", () => {
  test("dispatches by extension and rejects others", async () => {
    const p = join(root, "s.jsonl");
    await writeFile(p, '{"timestamp":"2026-01-01T00:00:00Z","value":1}\n');
    expect((await readSeries(p)).values[0]).toBe(1);
    const err = await readSeries(join(root, "s.parquet")).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/s\.parquet: unsupported series file extension/);
  });
});
