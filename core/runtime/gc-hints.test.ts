import { expect, test } from "bun:test";
import { startupGcHints } from "./gc-hints.ts";

test("hints every everyMs during the first forMs (forMs / everyMs hints), then stops", async () => {
  let calls = 0;
  await startupGcHints(new AbortController().signal, { everyMs: 20, forMs: 100, gc: () => void calls++ });
  expect(calls).toBe(5);
});

test("an abort ends it at once, without a hint", async () => {
  let calls = 0;
  const ac = new AbortController();
  const done = startupGcHints(ac.signal, { everyMs: 10_000, forMs: 60_000, gc: () => void calls++ });
  ac.abort();
  await done;
  expect(calls).toBe(0);
});
