/**
 * File sink: appends the records' documents as JSON lines (one document per line).
 * Parent directories are created; the file is fsync'ed on stop (and after every batch with
 * `fsyncEveryBatch`). A write error → the batch's records in `retry` as `io_error`, and the file
 * is reopened on the next send.
 * @module
 */
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import type { OutRecord } from "../../events.ts";
import type { SendResult, Sink } from "../sink.ts";
import { DEFAULT_ONLY, passesOnly, type OnlyFilter } from "../shared/only.ts";
import { countError, emptyResult } from "../shared/result.ts";

/** Options of {@link createFileSink}. */
export interface FileSinkOptions {
  /** Sink id (component id in metrics and `/status`). */
  id: string;
  /** File to append to (created with its directories). */
  path: string;
  /** Which records to write (default `"all"`); the others count as delivered. */
  only?: OnlyFilter;
  /** fsync after every batch, not only on stop (default false). */
  fsyncEveryBatch?: boolean;
}

/** Named defaults of {@link FileSinkOptions}. */
export const FILE_SINK_DEFAULTS = { only: DEFAULT_ONLY, fsyncEveryBatch: false } as const;

/**
 * Creates a JSON-lines file {@link Sink}.
 *
 * @example
 * const sink = createFileSink({ id: "anomalies-file", path: "/var/log/agent/anomalies.jsonl", only: "anomalies" });
 * await sink.start();
 * await sink.send(batch); // one line per anomaly record; points count as delivered
 * await sink.stop();      // fsync + close
 */
export function createFileSink(opts: FileSinkOptions): Sink {
  const only = opts.only ?? FILE_SINK_DEFAULTS.only;
  const fsyncEveryBatch = opts.fsyncEveryBatch ?? FILE_SINK_DEFAULTS.fsyncEveryBatch;
  let handle: FileHandle | undefined;
  let queue: Promise<unknown> = Promise.resolve(); // writes never overlap

  async function getHandle(): Promise<FileHandle> {
    if (!handle) {
      await mkdir(dirname(opts.path), { recursive: true });
      handle = await open(opts.path, "a");
    }
    return handle;
  }

  async function write(batch: OutRecord[]): Promise<SendResult> {
    const result = emptyResult();
    const keep = batch.filter((r) => passesOnly(r, only));
    result.delivered = batch.length - keep.length;
    if (keep.length === 0) return result;
    try {
      // One join over the cached JSON: no per-record "json + newline" string to allocate.
      const text = `${keep.map((r) => r.json ?? JSON.stringify(r.doc)).join("\n")}\n`;
      const h = await getHandle();
      await h.appendFile(text);
      if (fsyncEveryBatch) await h.sync();
      result.delivered += keep.length;
    } catch {
      countError(result, "io_error");
      result.retry.push(...keep);
      const h = handle;
      handle = undefined; // reopen next time (file removed, disk replaced...)
      await h?.close().catch(() => {});
    }
    return result;
  }

  return {
    id: opts.id,
    type: "file",
    async start() {
      try {
        await getHandle();
      } catch {
        // reported by probe(); send() tries again
      }
    },
    send(batch) {
      const next = queue.then(() => write(batch));
      queue = next.catch(() => {});
      return next;
    },
    async probe() {
      try {
        await getHandle();
        return undefined;
      } catch (err) {
        return `cannot open ${opts.path}: ${(err as Error).message}`;
      }
    },
    async stop() {
      await queue;
      const h = handle;
      handle = undefined;
      if (!h) return;
      await h.sync().catch(() => {});
      await h.close().catch(() => {});
    },
  };
}
