import { describe, expect, test } from "bun:test";
import type { ChannelState } from "../../models/registry-protocol/protocol.ts";
import { bucketOf, declaredRollback, pickVersion } from "./rollout.ts";

const ch = (channel: "stable" | "canary", version: string | null, rollout: number): ChannelState => ({ model: "m", channel, version, rollout, updated_at: "" });

describe("bucketOf", () => {
  test("is sha256(agent_id/model) mod 100: stable per agent, different per model", () => {
    expect(bucketOf("edge-01", "host-ae")).toBe(bucketOf("edge-01", "host-ae"));
    const hex = new Bun.CryptoHasher("sha256").update("edge-01/host-ae").digest("hex");
    expect(bucketOf("edge-01", "host-ae")).toBe(parseInt(hex.slice(0, 8), 16) % 100);
    const differ = Array.from({ length: 50 }, (_, i) => bucketOf(`a${i}`, "m1") !== bucketOf(`a${i}`, "m2")).filter(Boolean).length;
    expect(differ).toBeGreaterThan(40);
  });
  test("spreads 10 000 agents evenly (each decile within 10 % ± 1.5 %)", () => {
    const deciles = new Array(10).fill(0);
    for (let i = 0; i < 10_000; i++) deciles[Math.floor(bucketOf(`agent-${i}`, "host-ae") / 10)]++;
    for (const d of deciles) expect(Math.abs(d - 1000)).toBeLessThan(150);
  });
});

describe("pickVersion", () => {
  const stable = ch("stable", "7", 100);
  test("a live canary takes the buckets below its rollout; the rest stay on stable", () => {
    const canary = ch("canary", "8", 10);
    expect(pickVersion("stable", 9, { stable, canary })).toEqual({ version: "8", cohort: "canary" });
    expect(pickVersion("stable", 10, { stable, canary })).toEqual({ version: "7", cohort: "stable" });
  });
  test("agents following canary run it whatever their bucket; a canary at 0 % is off for everyone", () => {
    expect(pickVersion("canary", 99, { stable, canary: ch("canary", "8", 5) })?.version).toBe("8");
    expect(pickVersion("canary", 0, { stable, canary: ch("canary", "8", 0) })).toEqual({ version: "7", cohort: "stable" });
  });
  test("a partial stable rollout keeps the other buckets on the previous stable version", () => {
    const partial = ch("stable", "9", 30);
    expect(pickVersion("stable", 29, { stable: partial, stablePrevious: "7" })).toEqual({ version: "9", cohort: "stable" });
    expect(pickVersion("stable", 30, { stable: partial, stablePrevious: "7" })).toEqual({ version: "7", cohort: "previous" });
    expect(pickVersion("stable", 30, { stable: partial })).toEqual({ version: "9", cohort: "stable" });
  });
  test("nothing to run → undefined", () => {
    expect(pickVersion("stable", 1, {})).toBeUndefined();
  });
});

describe("declaredRollback", () => {
  const live = ch("canary", "8", 10);
  const withdrawn = ch("canary", "8", 0);
  test("true for the previous cohort, stable on a rollback, and a canary withdrawn by a rollback or the guard", () => {
    expect(declaredRollback("previous", { stable: "set", canary: "set" })).toBe(true);
    expect(declaredRollback("stable", { stable: "rollback", canary: "set" })).toBe(true);
    expect(declaredRollback("stable", { stable: "set", canary: "rollback", canaryState: withdrawn })).toBe(true);
    expect(declaredRollback("stable", { stable: "set", canary: "guard", canaryState: withdrawn })).toBe(true);
  });
  test("false for the canary cohort, a plain set, and a canary merely set to 0 %", () => {
    expect(declaredRollback("canary", { stable: "rollback", canary: "set", canaryState: live })).toBe(false);
    expect(declaredRollback("stable", { stable: "set", canary: "set" })).toBe(false);
    expect(declaredRollback("stable", { stable: "set", canary: "set", canaryState: withdrawn })).toBe(false);
    expect(declaredRollback("stable", { stable: "set", canary: "rollback", canaryState: ch("canary", "8", 20) })).toBe(false);
  });
});
