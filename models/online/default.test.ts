import { expect, test } from "bun:test";
import { createOnlineModel, onlineRef } from "./default.ts";
import { createRng } from "../../data/random.ts";

test("online refs carry alarms_per_day; bad ones are refused by name", () => {
  expect(onlineRef("default")).toBe("online:default");
  expect(onlineRef("default", { alarmsPerDay: 0.05 })).toBe("online:default?alarms_per_day=0.05");
  expect(createOnlineModel("online:default?alarms_per_day=0.05").name).toBe("online:default");
  expect(createOnlineModel("online:window").version).toBe("1");
  expect(createOnlineModel("online:default").version).toBe("2");
  expect(() => createOnlineModel("online:default?alarms_per_day=0")).toThrow(/alarms_per_day must be a number in \(0, 10000\]/);
  expect(() => createOnlineModel("online:default?fast=1")).toThrow(/unknown option "fast"/);
  expect(() => createOnlineModel("online:window?alarms_per_day=1")).toThrow(/only online:default and online:shapes/);
  expect(createOnlineModel("online:shapes?alarms_per_day=0.05").name).toBe("online:shapes");
  expect(() => createOnlineModel("online:fancy")).toThrow(/unknown online model "online:fancy" \(known: online:default, online:shapes, online:window\)/);
});

test("more alarms per day flag more of the same data", async () => {
  const n = 20_000;
  let x = 0;
  const rand = createRng(7).next;
  const v = Float64Array.from({ length: n }, () => (x += rand() - 0.5 + (rand() < 0.002 ? 8 : 0)));
  const t = Float64Array.from({ length: n }, (_, i) => i * 60_000);
  const count = async (ref: string) => (await createOnlineModel(ref).scoreSeries([v], [t]))[0].filter((s) => s >= 0.5).length;
  const few = await count("online:default?alarms_per_day=0.01");
  const many = await count("online:default?alarms_per_day=10");
  expect(many).toBeGreaterThan(few);
});
