import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfigText, readConfigText } from "./load.ts";
import { ConfigError } from "./problems.ts";
import { validateAll } from "./validate.ts";
import { MAX_CONFIG_BYTES, parseYamlBounded } from "./yaml-bounds.ts";

const TAIL = "sources: [{ type: synthetic, id: s, interval: 1s }]\nsinks: [{ type: stdout, id: o }]\n";
/** Nine levels of nine aliases each: 9^9 ≈ 387M strings if expanded. */
const BOMB =
  ["a: &a [x, x, x, x, x, x, x, x, x]", ..."bcdefghi".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`)].join("\n") +
  "\n" +
  TAIL;
const problems = (text: string) => checkConfigText(text, "agent.yaml", {}).problems.map((p) => `${p.message}${p.line ? ` @${p.line}` : ""}`);

test("an alias bomb is one problem, found at once (no expansion)", () => {
  const t0 = performance.now();
  expect(problems(BOMB)).toEqual(["YAML aliases: more than 100 alias expansions (an alias bomb?)"]);
  expect(performance.now() - t0).toBeLessThan(2000); // generous: expanding it would take minutes and GBs
});

test("an alias inside the node it names (a cycle) is one problem with its line", () => {
  expect(problems(`agent: &x { id: a, extra: *x }\n${TAIL}`)).toEqual(["YAML aliases: an alias refers to a node that contains it (a cycle) @1"]);
  expect(problems(`${TAIL}extra: &s [{ more: [*s] }]\n`)).toEqual(["YAML aliases: an alias refers to a node that contains it (a cycle) @3"]);
});

test("nesting deeper than 64 levels is one problem", () => {
  expect(problems(`x: ${"[".repeat(100)}${"]".repeat(100)}\n${TAIL}`)).toEqual(["YAML: nesting deeper than 64 levels"]);
  // Deeper than the parser's own stack: still problems (the parser reports it), never a crash.
  const deep = problems(`x: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n${TAIL}`);
  expect(deep.length).toBeGreaterThan(0);
  for (const m of deep) expect(m).toMatch(/^YAML (syntax error|cannot be parsed|aliases|:)[^\n]*$/);
});

test("ordinary anchors and aliases still work", () => {
  const r = parseYamlBounded(`b: &b { max_records: 10 }\nsinks: [{ type: stdout, id: o, batch: *b }, { type: stdout, id: p, batch: *b }]\n`);
  expect(r.problems).toBeUndefined();
  expect((r as { value: { sinks: { batch: unknown }[] } }).value.sinks[1].batch).toEqual({ max_records: 10 });
});

test("a config larger than 1 MiB is refused before it is parsed, naming the file", async () => {
  const text = `${TAIL}# ${"x".repeat(MAX_CONFIG_BYTES)}\n`;
  expect(problems(text)).toEqual([`the file is ${Buffer.byteLength(text)} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes`]);
  const file = join(mkdtempSync(join(tmpdir(), "agent-yaml-")), "big.yaml");
  writeFileSync(file, text);
  const err = await readConfigText(file).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toBe(`${file}: the file is ${Buffer.byteLength(text)} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes`);
});

test("validate names the file on an alias bomb", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "agent-yaml-")), "bomb.yaml");
  writeFileSync(file, BOMB);
  const r = await validateAll(file, {});
  expect(r.problems.map((p) => p.message)).toEqual(["YAML aliases: more than 100 alias expansions (an alias bomb?)"]);
});
