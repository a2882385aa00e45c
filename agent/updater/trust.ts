/**
 * What the agent trusts: the publisher keys of `model.registry.publisher_keys` (files or base64),
 * and the check of a publisher-signed rollback statement — the only way back to an older
 * version when keys are configured (the registry's `rollback` flag is then ignored).
 */
import { readFile } from "node:fs/promises";
import { importPublisherKey, publisherKeyMap, verifyPublisherSignature, type PublisherKeys } from "../../models/registry-protocol/publisher.ts";
import type { Resolution } from "../../models/registry-protocol/protocol.ts";
import { isInlineKey } from "../config/runtime.ts";
import type { ModelState } from "./state.ts";

/**
 * Loads the configured publisher keys (a file holds one PEM or base64 key). Throws an Error
 * naming the entry and the problem.
 */
export async function loadPublisherKeys(entries: string[]): Promise<PublisherKeys> {
  const keys: CryptoKey[] = [];
  for (const e of entries) {
    const inline = isInlineKey(e);
    let text = e;
    if (!inline) {
      try {
        text = await readFile(e, "utf8");
      } catch (error) {
        throw new Error(`model.registry.publisher_keys: ${e}: ${(error as Error).message}`);
      }
    }
    try {
      keys.push(await importPublisherKey(text.slice(0, 16_384)));
    } catch (error) {
      throw new Error(`model.registry.publisher_keys: ${inline ? "inline key" : e}: ${(error as Error).message}`);
    }
  }
  return publisherKeyMap(keys);
}

/** The verdict on a resolution's rollback statement. */
export type StatementVerdict = { ok: true; counter: number } | { ok: false; reason: string } | undefined;

/**
 * Checks the resolution's rollback statement for this agent: signed by a publisher key, for this
 * model, going to the resolved version from the version this agent accepted last, with a counter
 * above the last one it accepted. Undefined when the resolution carries none.
 */
export async function checkRollbackStatement(res: Resolution, state: ModelState, keys: PublisherKeys): Promise<StatementVerdict> {
  const r = res.rollback_statement;
  if (!r) return undefined;
  const s = r.statement;
  try {
    await verifyPublisherSignature(s, r.signature, keys, `rollback statement ${s.from_version} → ${s.to_version}`);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  if (s.model !== res.model) return { ok: false, reason: `rollback statement is for model ${s.model}, not ${res.model}` };
  if (s.to_version !== res.version) return { ok: false, reason: `rollback statement goes to ${s.to_version}, the registry serves ${res.version}` };
  const from = state.current?.version;
  if (s.from_version !== from) return { ok: false, reason: `rollback statement goes from ${s.from_version}; this agent accepted ${from ?? "nothing"} last` };
  const last = state.rollback_counter ?? 0;
  if (s.counter <= last) return { ok: false, reason: `rollback statement counter ${s.counter} is not above the last one accepted here (${last}): a replay` };
  return { ok: true, counter: s.counter };
}
