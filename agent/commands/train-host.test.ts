import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHostModel } from "../../models/host/format.ts";
import { HOST_TRACE_DIR } from "../../models/online/host-trace.ts";
import { UsageError } from "../errors.ts";
import { trainHost } from "./train-host.ts";

const dir = mkdtempSync(join(tmpdir(), "train-host-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("agent train --model host: the trace's idle part → a model file that scoring.host.model_file loads", async () => {
  const out = join(dir, "host.json");
  await trainHost({ data: join(HOST_TRACE_DIR, "trace.csv.gz"), out, epochs: 5, seed: 1, until: "2026-12-02T11:19:19Z" });
  const model = parseHostModel(readFileSync(out, "utf8"));
  expect(model.parts.trainRows + model.parts.holdoutRows).toBe(143);
  expect(model.names).toContain("cpu.user");
  expect(model.names).not.toContain("disk.reads{device=vda}");
});

test("a bad CSV or --until is a usage error with the reason", async () => {
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, "time,a\n1,2\n");
  await expect(trainHost({ data: bad, out: join(dir, "x.json"), seed: 1 })).rejects.toThrow(/header "timestamp/);
  writeFileSync(bad, "timestamp,a\n2026-01-01T00:00:00Z,x\n");
  await expect(trainHost({ data: bad, out: join(dir, "x.json"), seed: 1 })).rejects.toThrow(/not a number/);
  await expect(trainHost({ data: join(HOST_TRACE_DIR, "trace.csv.gz"), out: join(dir, "x.json"), seed: 1, until: "soon" })).rejects.toThrow(UsageError);
  await expect(trainHost({ data: join(HOST_TRACE_DIR, "trace.csv.gz"), out: join(dir, "x.json"), seed: 1, until: "2020-01-01T00:00:00Z" })).rejects.toThrow(
    /no rows/,
  );
});
