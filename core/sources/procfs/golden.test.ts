/**
 * Golden cases: `testdata/<case>/round<N>/{proc,sys}` snapshots and `statfs.json` are replayed
 * through one source (files copied under a fixed root between rounds, 10 s apart) and the
 * samples/errors compared with `testdata/<case>/expected.json`. `UPDATE_GOLDEN=1 bun test`
 * rewrites the expected files (review the diff).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CollectResult } from "../../events.ts";
import { createProcfsSource, type FsStats } from "./index.ts";

const DATA = join(import.meta.dir, "testdata");
const T0 = Date.UTC(2026, 0, 1);
const STEP = 10_000;
const tmp = await mkdtemp(join(tmpdir(), "procfs-golden-"));
afterAll(() => rm(tmp, { recursive: true, force: true }));

type StatfsTable = Record<string, FsStats | { error: string }>;

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Stable, readable form of one round: samples sorted, values rounded, tmp paths hidden. */
function normalise(r: CollectResult, dir: string): unknown {
  const samples = r.samples
    .map((s) => ({ name: s.name, labels: s.labels, type: s.type, value: round6(s.value) }))
    .sort((a, b) => (a.name + JSON.stringify(a.labels)).localeCompare(b.name + JSON.stringify(b.labels)));
  const errors = r.errors.map((e) => ({ type: e.type, message: e.message.split(dir).join("<root>") }));
  errors.sort((a, b) => (a.type + a.message).localeCompare(b.type + b.message));
  return { samples, errors };
}

async function replay(name: string): Promise<unknown[]> {
  const dir = join(tmp, name);
  let table: StatfsTable = {};
  const src = createProcfsSource({
    id: name,
    intervalMs: STEP,
    root: join(dir, "proc"),
    sysRoot: join(dir, "sys"),
    fsStat: async (path) => {
      const e = table[path];
      if (e === undefined) throw Object.assign(new Error(`ENOENT: no such mount, statfs '${path}'`), { code: "ENOENT" });
      if ("error" in e) throw new Error(e.error);
      return e;
    },
  });
  const rounds = (await readdir(join(DATA, name))).filter((d) => d.startsWith("round")).sort();
  const out: unknown[] = [];
  for (const [i, round] of rounds.entries()) {
    await rm(dir, { recursive: true, force: true });
    await cp(join(DATA, name, round), dir, { recursive: true });
    table = (await Bun.file(join(dir, "statfs.json")).json()) as StatfsTable;
    out.push(normalise(await src.collect(T0 + i * STEP), dir));
  }
  return out;
}

/** JSON with one sample / error per line, so golden diffs read like the metrics themselves. */
function formatGolden(rounds: unknown[]): string {
  const list = (items: unknown[]): string => (items.length === 0 ? "[]" : `[\n    ${items.map((x) => JSON.stringify(x)).join(",\n    ")}\n  ]`);
  const body = (rounds as Array<{ samples: unknown[]; errors: unknown[] }>)
    .map((r) => `{\n  "samples": ${list(r.samples)},\n  "errors": ${list(r.errors)}\n}`)
    .join(",\n");
  return `{ "rounds": [\n${body}\n] }\n`;
}

// A golden case has round directories (host-mounts/ is a plain fake tree for host-mounts.test.ts).
const cases = (await readdir(DATA)).filter((d) => existsSync(join(DATA, d, "round1"))).sort();

describe("procfs golden cases", () => {
  for (const name of cases) {
    test(name, async () => {
      const got = { rounds: await replay(name) };
      const file = join(DATA, name, "expected.json");
      if (process.env.UPDATE_GOLDEN === "1") await Bun.write(file, formatGolden(got.rounds));
      expect(got).toEqual(await Bun.file(file).json());
    });
  }
});
