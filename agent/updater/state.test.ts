import { expect, test } from "bun:test";
import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accept, emptyState, ModelStateError, readModelState, writeModelState } from "./state.ts";

const v = (version: string, published_at: string | null) => ({ version, digest: `d${version}`, published_at, accepted_at: "2030-01-01T00:00:00Z" });

test("accept: current moves to previous; the newest publication time only moves forward", () => {
  let s = accept(emptyState("m"), v("1", "2030-01-01"));
  s = accept(s, v("2", "2030-01-02"));
  expect([s.current?.version, s.previous?.version, s.newest_published_at]).toEqual(["2", "1", "2030-01-02"]);
  s = accept(s, v("1", "2030-01-01"));
  expect([s.current?.version, s.previous?.version, s.newest_published_at]).toEqual(["1", "2", "2030-01-02"]);
  s = accept(s, v("1", "2030-01-01"));
  expect([s.current?.version, s.previous?.version]).toEqual(["1", "2"]);
});

test("state.json round-trips; none is undefined; a corrupt one is a ModelStateError naming the file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mstate-"));
  expect(await readModelState(dir)).toBeUndefined();
  const s = accept(emptyState("m"), v("1", null));
  await writeModelState(dir, s);
  expect(await readModelState(dir)).toEqual(s);
  await mkdir(join(dir, "bad/models"), { recursive: true });
  await writeFile(join(dir, "bad/models/state.json"), '{"format":2}');
  const e = await readModelState(join(dir, "bad")).catch((x) => x);
  expect(e).toBeInstanceOf(ModelStateError);
  expect(e.message).toContain("bad/models/state.json: format");
});
