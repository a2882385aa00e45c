import { expect, test } from "bun:test";
import { CanaryCohorts } from "./cohort.ts";

test("only agents that resolved a version count, each once; cohorts are bounded in agents and versions", () => {
  const c = new CanaryCohorts({ maxAgentsPerVersion: 3, maxVersions: 2 });
  expect(c.reportFailure("m", "2", "stranger")).toBeUndefined();
  c.resolved("m", "2", "a", 1);
  c.resolved("m", "2", "b", 2);
  expect([c.reportFailure("m", "2", "a"), c.reportFailure("m", "2", "a"), c.reportFailure("m", "2", "b")]).toEqual([1, 1, 2]);
  expect(c.reportFailure("m", "3", "a")).toBeUndefined();
  for (const id of ["c", "d"]) c.resolved("m", "2", id, 3);
  expect([c.size("m", "2"), c.has("m", "2", "a"), c.failingAgents("m", "2")]).toEqual([3, false, ["b"]]);
  c.resolved("m", "3", "a", 4);
  c.resolved("m", "4", "a", 5);
  expect([c.size("m", "2"), c.size("m", "3"), c.size("m", "4")]).toEqual([0, 1, 1]);
});
