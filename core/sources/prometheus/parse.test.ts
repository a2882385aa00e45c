import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { MAX_REPORTED_ERRORS, parseExposition } from "./parse.ts";

const NOW = 1_700_000_000_000;
const one = (line: string) => parseExposition(line, NOW);

describe("parseExposition: sample lines", () => {
  test("label values keep their escapes: backslash, quote, newline", () => {
    const { samples, errors } = one(String.raw`a{path="C:\\dir\\",msg="say \"hi\"\nbye",empty=""} 1`);
    expect(errors).toEqual([]);
    expect(samples[0].labels).toEqual({ path: "C:\\dir\\", msg: 'say "hi"\nbye', empty: "" });
  });

  test("braces, commas and equals signs inside label values are data", () => {
    const { samples } = one('a{q="x{y}=1,z",b="}"} 2');
    expect(samples[0].labels).toEqual({ q: "x{y}=1,z", b: "}" });
    expect(samples[0].value).toBe(2);
  });

  test("blanks, tabs, a trailing comma and empty braces are accepted", () => {
    const { samples, errors } = one('  a { x = "1" ,\ty="2", }\t 3  \nb{} 4\nc 5\r\n');
    expect(errors).toEqual([]);
    expect(samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ["a", { x: "1", y: "2" }, 3],
      ["b", {}, 4],
      ["c", {}, 5],
    ]);
  });

  test("values: integers, exponents, signs; timestamps in ms override now", () => {
    const { samples } = one("a 1e3\nb -0.5\nc +7 1395066363000\nd 1 -5\ne:f_g 0x10");
    expect(samples.map((s) => s.value)).toEqual([1000, -0.5, 7, 1, 16]);
    expect(samples.map((s) => s.timestamp)).toEqual([NOW, NOW, 1395066363000, -5, NOW]);
    expect(samples[4].name).toBe("e:f_g");
  });

  test("NaN samples are dropped as nan_value, ±Inf as inf_value", () => {
    const { samples, errors } = one("a NaN\nb +Inf\nc -Inf\nd nan\ne 1");
    expect(samples.map((s) => s.name)).toEqual(["e"]);
    expect(errors.map((e) => e.type)).toEqual(["nan_value", "inf_value", "inf_value", "nan_value"]);
    expect(errors[0].message).toBe("line 1: a is NaN");
  });

  test("malformed lines are parse errors with their line number; the rest is kept", () => {
    const text = [
      "good 1",
      "1bad 2",
      "novalue",
      'unterminated{a="x} 3',
      String.raw`badescape{a="\t"} 4`,
      'dup{a="1",a="2"} 5',
      "after 1 2 3",
      "word abc",
      "ts 1 1.5",
      'noeq{a"1"} 6',
      "name-with-dash 7",
      "good 8",
    ].join("\n");
    const { samples, errors } = one(text);
    expect(samples.map((s) => s.value)).toEqual([1, 8]);
    expect(errors.every((e) => e.type === "parse_error")).toBe(true);
    expect(errors.map((e) => Number(/^line (\d+):/.exec(e.message)?.[1]))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(errors[2].message).toContain("unterminated value of label a");
    expect(errors[3].message).toContain("invalid escape");
  });

  test("a garbage body yields parse errors, capped, never a throw", () => {
    const html = "<html>\n<body>\n" + "<p>oops</p>\n".repeat(200) + "</body></html>";
    const { samples, errors } = one(html);
    expect(samples).toEqual([]);
    expect(errors.length).toBe(MAX_REPORTED_ERRORS + 1);
    expect(errors.at(-1)?.message).toBe(`${203 - MAX_REPORTED_ERRORS} further errors not listed`);
  });
});

describe("parseExposition: families", () => {
  test("TYPE sets the sample type; histogram/summary parts keep their names", () => {
    const text = `# TYPE c counter
c_total 1
c 2
# TYPE g gauge
g 3
# TYPE h histogram
h_bucket{le="0.5"} 4
h_bucket{le="+Inf"} 9
h_sum 5.5
h_count 9
# TYPE s summary
s{quantile="0.9"} 0.7
s_sum 8
s_count 2
# TYPE u untyped
u 1
plain 1`;
    const { samples, errors } = one(text);
    expect(errors).toEqual([]);
    expect(samples.map((s) => `${s.name}:${s.type}`)).toEqual([
      "c_total:untyped",
      "c:counter",
      "g:gauge",
      "h_bucket:counter",
      "h_sum:counter",
      "h_count:counter",
      "s:gauge",
      "s_sum:counter",
      "s_count:counter",
      "u:untyped",
      "plain:untyped",
    ]);
    expect(samples[3].labels).toEqual({ le: "0.5" });
  });

  test("bad TYPE lines are reported; HELP text and plain comments are ignored", () => {
    const { samples, errors } = one(
      "# HELP x Text with \\\\ and \\n escapes.\n# TYPE x gauge\n# TYPE x counter\n# TYPE y info\n# TYPE 9z gauge\n#TYPE not a type line\n# just a comment\nx 1",
    );
    expect(samples).toEqual([{ name: "x", labels: {}, value: 1, timestamp: NOW, type: "gauge" }]);
    expect(errors.map((e) => e.message)).toEqual([
      "line 3: duplicate TYPE for x",
      'line 4: TYPE y: unknown type "info"',
      'line 5: TYPE with invalid metric name "9z"',
    ]);
  });

  test("golden: a node_exporter-like exposition", async () => {
    const dir = join(import.meta.dir, "testdata");
    const got = parseExposition(await Bun.file(join(dir, "node_exporter.prom")).text(), NOW);
    const file = join(dir, "node_exporter.expected.json");
    const lines = [...got.samples.map((s) => JSON.stringify(s)), ...got.errors.map((e) => JSON.stringify(e))];
    const text = `[\n  ${lines.join(",\n  ")}\n]\n`;
    if (process.env.UPDATE_GOLDEN === "1") await Bun.write(file, text);
    expect(JSON.parse(text)).toEqual(await Bun.file(file).json());
  });

  test("10k series parse (speed is in scripts/bench)", () => {
    let text = "# TYPE m gauge\n";
    for (let i = 0; i < 10_000; i++) text += `m{series="series_${i}",host="edge-07"} ${i * 0.5}\n`;
    const { samples } = parseExposition(text, NOW);
    expect(samples.length).toBe(10_000);
  });
});
