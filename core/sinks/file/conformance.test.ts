/** The sink conformance suite (core/sinks/testing) for the file sink, on a real file system. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutRecord } from "../../events.ts";
import { runSinkConformance } from "../testing/conformance.ts";
import { createFileSink } from "./sink.ts";

const dir = mkdtempSync(join(tmpdir(), "file-conformance-"));
const path = join(dir, "out", "records.jsonl");
// A plain file where the unavailable sink's directory must be: mkdir fails until it is removed.
const blocked = join(dir, "blocked");
const lines = async (file: string) => (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean);

runSinkConformance("file", {
  make: () => createFileSink({ id: "file", path }),
  readBack: async (agentId) => {
    const all = [...(await lines(path)), ...(await lines(join(blocked, "records.jsonl")))];
    return all
      .map((l) => JSON.parse(l) as OutRecord["doc"])
      .filter((d) => d.agent.id === agentId)
      .map((d) => d.agent.seq);
  },
  unavailable: async () => {
    writeFileSync(blocked, "not a directory");
    return { sink: createFileSink({ id: "file", path: join(blocked, "records.jsonl") }), recover: () => rm(blocked) };
  },
  unauthorised: "a file has no credentials (a permission error is an I/O error: retried, not halted)",
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});
