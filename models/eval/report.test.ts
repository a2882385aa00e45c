import { describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluate } from "./evaluate.ts";
import { createRng } from "../../data/random.ts";
import { record, series } from "./testing/fixtures.ts";
import { renderReport, writeReport, type ReportModel } from "./report.ts";
import type { AnomalyRecord } from "../../data/types.ts";

/** 30 series × 1440 points (20 anomalous), scored by 3 noisy models. */
function fixture(): { models: ReportModel[]; anomalies: AnomalyRecord[] } {
  const rand = createRng(7).next;
  const n = 1440;
  const anomalies: AnomalyRecord[] = [];
  const base = Array.from({ length: 30 }, (_, k) => {
    const labels = new Uint8Array(n);
    if (k < 20) {
      const start = 200 + Math.floor(rand() * 1000);
      labels.fill(1, start, start + 30);
      anomalies.push(record(`series_${k}`, k % 2 ? "spike" : "drift", start, start + 29));
    }
    const values = Array.from({ length: n }, (_, i) => (i % 500 < 8 ? Number.NaN : Math.sin(i / 30) + rand() * 0.2 + labels[i] * 2));
    return { name: k === 0 ? `<odd & "name">` : `series_${k}`, labels, values };
  });
  anomalies[0].series = `<odd & "name">`;
  const models = ["autoencoder", "isolation-forest", "robust<zscore>"].map((model, m) => {
    const scored = base.map((b) =>
      series(
        b.name,
        b.labels,
        Array.from({ length: n }, (_, i) => (i < 30 ? Number.NaN : Math.min(1, rand() * 0.5 + b.labels[i] * (0.3 + 0.2 * m)))),
        0.6,
        b.values,
      ),
    );
    return { model, result: evaluate(scored, anomalies), series: scored, fitSeconds: 3 + m, throughput: 1e5 };
  });
  return { models, anomalies };
}

describe("renderReport", () => {
  const { models, anomalies } = fixture();

  test("is one self-contained HTML document with an svg per plotted series", () => {
    const html = renderReport({ title: "Eval <run>", generatedAt: new Date(0), models, anomalies });
    console.log(`report: ${(html.length / 1024).toFixed(0)} KiB for 24 series × 1440 points × 3 models`);
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
    expect(html.match(/<svg/g)).toHaveLength(24);
    expect(html.match(/<\/svg>/g)).toHaveLength(24);
    expect(html.match(/<section>/g)).toHaveLength(html.match(/<\/section>/g)!.length);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toContain("<odd");
    expect(html).toContain("&lt;odd &amp; &quot;name&quot;&gt;");
    expect(html).toContain("robust&lt;zscore&gt;");
    expect(html).toContain("Eval &lt;run&gt;");
    expect(html).toContain("1970-01-01T00:00:00.000Z");
    expect(html).toContain("isolation-forest");
    expect(html).toMatch(/<td>drift<\/td>/);
    expect(html.length).toBeLessThan(5 * 1024 * 1024);
    // anomalous series come first, clean ones at the end
    const names = [...html.matchAll(/<h3>([^ ]+) /g)].map((m) => m[1]);
    expect(names.slice(-4)).toEqual(["series_20", "series_21", "series_22", "series_23"]);
  });

  test("respects maxSeries and renders with no models", () => {
    const html = renderReport({ title: "t", generatedAt: "now", models, maxSeries: 3 });
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(renderReport({ title: "t", generatedAt: "now", models: [] })).toContain("no models");
  });

  test("writeReport writes the file and reports its size", async () => {
    const dir = await mkdtemp(join(tmpdir(), "eval-report-"));
    try {
      const path = join(dir, "nested", "report.html");
      const out = await writeReport(path, { title: "t", generatedAt: "now", models, maxSeries: 2 });
      const text = await readFile(path, "utf8");
      expect(out.bytes).toBe(Buffer.byteLength(text));
      expect(text).toContain("<svg");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
