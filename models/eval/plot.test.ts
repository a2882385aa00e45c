import { describe, expect, test } from "bun:test";
import { renderSeriesSvg } from "./plot.ts";

describe("renderSeriesSvg", () => {
  test("draws windows, one score line and threshold per model, flagged strips, escaped names", () => {
    const n = 100;
    const values = Float64Array.from({ length: n }, (_, i) => (i >= 40 && i < 45 ? Number.NaN : Math.sin(i / 5)));
    const scores = new Float32Array(n).fill(0.1);
    scores.fill(0.9, 60, 64);
    const svg = renderSeriesSvg({
      name: `s<1>&"x"`,
      timestamps: Float64Array.from({ length: n }, (_, i) => i * 60_000),
      values,
      windows: [{ start: 60, end: 65, type: "spike" }],
      models: [
        { model: "m1", scores, threshold: 0.5 },
        { model: "<m2>", scores: new Float32Array(n), threshold: 0.7 },
      ],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(svg).toContain("s&lt;1&gt;&amp;&quot;x&quot;");
    expect(svg).not.toContain("<m2>");
    expect(svg.match(/class="win"/g)).toHaveLength(1);
    expect(svg.match(/class="score"/g)).toHaveLength(2);
    expect(svg.match(/class="thr"/g)).toHaveLength(2);
    const valPath = svg.match(/d="([^"]*)" class="val"/)![1];
    expect(valPath.match(/M/g)).toHaveLength(2); // the gap breaks the line
    expect(svg).toContain("1970-01-01 00:00:00");
  });

  test("handles an empty series", () => {
    const svg = renderSeriesSvg({ name: "e", timestamps: new Float64Array(0), values: new Float64Array(0), windows: [], models: [] });
    expect(svg).toContain("no data");
  });
});
