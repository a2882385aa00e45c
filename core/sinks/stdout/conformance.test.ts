/**
 * The sink conformance suite (core/sinks/testing) for the stdout sink. Its output stream is the
 * sink's own seam (`out`): the suite captures the lines, and a stream that throws (EPIPE, as when
 * the reader of a pipe is gone) makes it unavailable.
 */
import type { OutRecord } from "../../events.ts";
import { runSinkConformance } from "../testing/conformance.ts";
import { createStdoutSink, type LineOutput } from "./sink.ts";

const lines: string[] = [];
const capture: LineOutput = { write: (chunk) => void lines.push(...chunk.split("\n").filter(Boolean)) };

runSinkConformance("stdout", {
  make: () => createStdoutSink({ id: "stdout", out: capture }),
  readBack: async (agentId) =>
    lines
      .map((l) => JSON.parse(l) as OutRecord["doc"])
      .filter((d) => d.agent.id === agentId)
      .map((d) => d.agent.seq),
  unavailable: async () => {
    let broken = true;
    const out: LineOutput = {
      write: (chunk) => {
        if (broken) throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
        return capture.write(chunk);
      },
    };
    return { sink: createStdoutSink({ id: "stdout", out }), recover: async () => void (broken = false) };
  },
  unauthorised: "stdout has no credentials",
});
