/**
 * Stdout sink: one line per record, as JSON (`format: "json"`, the document) or `pretty`
 * (anomaly records as a readable line, points as JSON). The stream is injectable for tests.
 * A write error → the records in `retry` as `io_error`.
 * @module
 */
import type { Sink } from "../sink.ts";
import { DEFAULT_ONLY, passesOnly, type OnlyFilter } from "../shared/only.ts";
import { countError, emptyResult } from "../shared/result.ts";
import { formatPretty } from "./format.ts";

/** The part of a writable stream the sink uses (`process.stdout` fits). */
export interface LineOutput {
  /** Returns false when the stream buffer is full (then the sink waits for `drain`). */
  // biome-ignore lint/suspicious/noConfusingVoidType: mirrors Writable.write, whose stand-ins may return nothing
  write(chunk: string): boolean | void;
  once?(event: "drain", listener: () => void): unknown;
}

/** Options of {@link createStdoutSink}. */
export interface StdoutSinkOptions {
  /** Sink id (component id in metrics and `/status`). */
  id: string;
  /** Which records to print (default `"all"`); the others count as delivered. */
  only?: OnlyFilter;
  /** `"json"` (default): the document; `"pretty"`: anomaly records as one readable line. */
  format?: "json" | "pretty";
  /** Where lines go (default `process.stdout`). */
  out?: LineOutput;
}

/** Named defaults of {@link StdoutSinkOptions}. */
export const STDOUT_SINK_DEFAULTS = { only: DEFAULT_ONLY, format: "json" } as const;

/**
 * Creates a stdout {@link Sink}.
 *
 * @example
 * const sink = createStdoutSink({ id: "console", only: "anomalies", format: "pretty" });
 * await sink.send(batch);
 * // ANOMALY open  synthetic.value{series=series_0003} score=0.93 model=online:default v1 at 12:00:01
 */
export function createStdoutSink(opts: StdoutSinkOptions): Sink {
  const only = opts.only ?? STDOUT_SINK_DEFAULTS.only;
  const pretty = (opts.format ?? STDOUT_SINK_DEFAULTS.format) === "pretty";
  const out: LineOutput = opts.out ?? process.stdout;
  return {
    id: opts.id,
    type: "stdout",
    async start() {},
    async send(batch) {
      const result = emptyResult();
      const keep = batch.filter((r) => passesOnly(r, only));
      result.delivered = batch.length - keep.length;
      if (keep.length === 0) return result;
      try {
        const text = `${keep.map((r) => (pretty ? formatPretty(r) : (r.json ?? JSON.stringify(r.doc)))).join("\n")}\n`;
        if (out.write(text) === false && out.once) await new Promise<void>((resolve) => out.once!("drain", resolve));
        result.delivered += keep.length;
      } catch {
        countError(result, "io_error");
        result.retry.push(...keep);
      }
      return result;
    },
    async probe() {
      return undefined;
    },
    async stop() {},
  };
}
