import { expect, test } from "bun:test";
import type { SinkDriver } from "../sinks/driver.ts";
import { readinessReasons, type SinkSlot } from "./slots.ts";

const slot = (id: string, state: string, probe?: string): SinkSlot => ({
  id,
  driver: { status: () => ({ state, halted_reason: state === "halted" ? "401 unauthorized" : undefined }) } as unknown as SinkDriver,
  probe,
});

test("ready only with a model and every sink reachable and not halted; every reason listed", () => {
  expect(readinessReasons(true, [slot("a", "ok")])).toEqual([]);
  expect(readinessReasons(false, [slot("kafka", "retrying", "connect ECONNREFUSED 127.0.0.1:9092"), slot("es", "halted")])).toEqual([
    "model not loaded",
    "sink kafka: connect ECONNREFUSED 127.0.0.1:9092",
    "sink es halted: 401 unauthorized",
  ]);
});
