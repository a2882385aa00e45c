/**
 * The emulator's public shapes (options, request log, running handle) and the internal state the
 * handlers share (installed templates, auto-created indices).
 * @module
 */

/** Options of {@link startEsEmulator}. */
export interface EsEmulatorOptions {
  /** Which Elasticsearch major to emulate. */
  major: 8 | 9;
  /** `version.number` of `GET /` (default `8.19.3` / `9.1.5`). */
  version?: string;
  /** Send `X-elastic-product: Elasticsearch` (default true). */
  productHeader?: boolean;
}

/** One request the emulator answered. */
export interface EsRequestLog {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | null;
  accept: string | null;
  status: number;
  /** Per-item statuses of a bulk answer, before `filter_path`. */
  itemStatuses?: number[];
}

/** A running emulator. */
export interface EsEmulator {
  url: string;
  version: string;
  /** Installed index templates by name (the body as sent). */
  templates: Map<string, Record<string, unknown>>;
  /** Stored documents of `index` by `_id` (empty map when the index does not exist). */
  docs(index: string): Map<string, unknown>;
  /** Every request answered, oldest first. */
  requests: EsRequestLog[];
  stop(): void;
}

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** One auto-created index: its mappings (from the best matching template) and stored documents. */
export interface Index {
  uuid: string;
  mappings: Json;
  docs: Map<string, unknown>;
  versions: Map<string, number>;
  seqNo: number;
}

/** What the handlers of one emulator share: its templates by name and its indices by name. */
export interface EsState {
  templates: Map<string, Json>;
  indices: Map<string, Index>;
}
