import { expect, test } from "bun:test";
import { ConfigError, formatPath, formatProblems } from "./problems.ts";
import { duplicateIds } from "./ids.ts";

test("formatPath writes indexes in brackets and quotes odd keys", () => {
  expect(formatPath(["sinks", 1, "brokers", 0])).toBe("sinks[1].brokers[0]");
  expect(formatPath(["sources", 2, "headers", "X-Token"])).toBe('sources[2].headers["X-Token"]');
  expect(formatPath([])).toBe("");
});

test("ConfigError message: a count line, then one line per problem naming the file", () => {
  const e = new ConfigError("a.yaml", [
    { path: "sources", message: "expected at least one source", line: 2 },
    { path: "", message: "whole-file problem" },
  ]);
  expect(e.message).toBe("a.yaml: 2 problems in config\n  a.yaml: sources: expected at least one source (line 2)\n  a.yaml: whole-file problem");
  expect(formatProblems("b.yaml", [{ path: "x", message: "y" }]).split("\n")[0]).toBe("b.yaml: 1 problem in config");
  expect(e.file).toBe("a.yaml");
});

test("duplicate ids across sources and sinks name both paths", () => {
  const tree = { sources: [{ id: "a" }, { id: "b" }, { id: "a" }], sinks: [{ id: "b" }, { id: 5 }, "x"] };
  expect(duplicateIds(tree)).toEqual([
    { path: ["sources", 2, "id"], message: 'duplicate id "a" (first used at sources[0].id)' },
    { path: ["sinks", 0, "id"], message: 'duplicate id "b" (first used at sources[1].id)' },
  ]);
  expect(duplicateIds(null)).toEqual([]);
});
