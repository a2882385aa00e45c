/**
 * The dead-letter file: one JSON line per record the destination refused for good.
 * @module
 */
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { DeadItem } from "./classify.ts";

/** One line of the dead-letter file. */
export interface DeadLetterLine {
  /** Why the destination refused it (e.g. `HTTP 400 mapper_parsing_exception: ...`). */
  reason: string;
  /** HTTP status of the item (or of the request, for a record still too large alone). */
  status: number;
  /** The record as the sink got it (`kind` + `doc`; the cached `json` left out). */
  record: Pick<DeadItem["record"], "kind" | "doc">;
  /** Sink id and time of writing, for the operator. */
  sink: string;
  time: string;
}

/**
 * Appends one line per item to `path` (parent directories created).
 *
 * @example
 * await appendDeadLetters("/var/lib/agent/dead/es.jsonl", "es", out.dead);
 * @throws the fs error when the file cannot be written (the caller keeps the records for retry).
 */
export async function appendDeadLetters(path: string, sink: string, items: DeadItem[]): Promise<void> {
  if (items.length === 0) return;
  const time = new Date().toISOString();
  const text = items
    .map((d) => JSON.stringify({ reason: d.reason, status: d.status, record: { kind: d.record.kind, doc: d.record.doc }, sink, time } satisfies DeadLetterLine))
    .join("\n");
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${text}\n`);
}
