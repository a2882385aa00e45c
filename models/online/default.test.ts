import { expect, test } from "bun:test";
import { adaptiveModelName, adaptiveOptions, createOnlineModel, onlineRef } from "./default.ts";
import { createRng } from "../../data/random.ts";

test("online refs carry alarms_per_day; bad ones are refused by name", () => {
  expect(onlineRef("default")).toBe("online:default");
  expect(onlineRef("default", { alarmsPerDay: 0.05 })).toBe("online:default?alarms_per_day=0.05");
  expect(createOnlineModel("online:default?alarms_per_day=0.05").name).toBe("online:default");
  expect(createOnlineModel("online:window").version).toBe("1");
  expect(createOnlineModel("online:default").version).toBe("3");
  expect(() => createOnlineModel("online:default?alarms_per_day=0")).toThrow(/alarms_per_day must be a number in \(0, 10000\]/);
  expect(() => createOnlineModel("online:default?fast=1")).toThrow(/unknown option "fast"/);
  expect(() => createOnlineModel("online:window?alarms_per_day=1")).toThrow(/only online:default, online:lite and online:shapes/);
  expect(createOnlineModel("online:shapes?alarms_per_day=0.05").name).toBe("online:shapes");
  expect(createOnlineModel("online:lite?alarms_per_day=0.05").name).toBe("online:lite");
  expect(() => createOnlineModel("online:fancy")).toThrow(
    /unknown online model "online:fancy" \(known: online:default, online:lite, online:shapes, online:window\)/,
  );
});

test("adaptive model names: the ref's name, and the shape statistic it fixes; others refused by name", () => {
  expect(adaptiveModelName("online:lite")).toBe("lite");
  expect(adaptiveModelName("online:default")).toBe("default");
  expect(() => adaptiveModelName("online:window")).toThrow(/"online:window" is not one of online:default, online:lite, online:shapes/);
  expect(() => adaptiveModelName("lite")).toThrow(/is not one of/);
  expect(adaptiveOptions("lite", { alarmsPerDay: 1, art: true })).toEqual({ alarmsPerDay: 1, art: false });
  expect(adaptiveOptions("shapes").art).toBe(true);
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

test("online:default has the shape statistic; online:lite does not; online:shapes is online:default", async () => {
  // spikes that arrive denser: the pattern changes while every single value is one seen before
  const n = 6000;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = (i < 4000 ? i % 97 === 0 : i % 13 === 0) ? 10 : 1;
  const t = Float64Array.from({ length: n }, (_, i) => i * 300_000);
  const score = async (ref: string) => (await createOnlineModel(ref).scoreSeries([v], [t]))[0];
  const [def, shapes, lite] = await Promise.all(["online:default", "online:shapes", "online:lite"].map(score));
  expect(Array.from(shapes)).toEqual(Array.from(def));
  const alarmsAfter = (s: Float32Array) => s.slice(4000, 4400).filter((x) => x >= 0.5).length;
  expect(alarmsAfter(def)).toBeGreaterThan(0);
  expect(alarmsAfter(lite)).toBe(0);
});
