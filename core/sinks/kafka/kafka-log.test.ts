/** kafkajs' logs through pino at a bounded rate: virtual-time unit checks, then a real client against a dead port. */
import { expect, test } from "bun:test";
import pino from "pino";
import { createKafka, type KafkaLogRecord } from "./client.ts";
import { KafkaLogLimiter } from "./kafka-log.ts";

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: "debug", base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, { write: (s: string) => void lines.push(s) });
  return { lines, logger, json: () => lines.map((l) => JSON.parse(l)) };
}

const rec = (message: string, extra: Partial<KafkaLogRecord> = {}): KafkaLogRecord => ({
  level: "error",
  namespace: "Connection",
  message,
  broker: "b:9092",
  ...extra,
});

test("each distinct line at most once per interval, with how many were held back; a cap over all lines", () => {
  let now = 0;
  const c = capture();
  const limiter = new KafkaLogLimiter(c.logger, { intervalMs: 10_000, maxLinesPerInterval: 3, now: () => now });
  for (let i = 0; i < 50; i++) {
    limiter.write(rec("Connection error: connect ECONNREFUSED"));
    now += 200; // kafkajs' ~5 lines/s
  }
  // 50 lines over 10 s: the first, and the one after the interval with repeated: 49 - ... held back.
  expect(c.json().map((l) => [l.msg, l.repeated])).toEqual([["Connection error: connect ECONNREFUSED", undefined]]);
  now = 10_000;
  limiter.write(rec("Connection error: connect ECONNREFUSED"));
  expect(c.json()[1]).toMatchObject({ level: 50, component: "kafkajs", namespace: "Connection", broker: "b:9092", repeated: 49 });
  for (const m of ["a", "b", "c", "d"]) limiter.write(rec(m, { level: "warn" }));
  expect(c.json().map((l) => l.msg)).toEqual(["Connection error: connect ECONNREFUSED", "Connection error: connect ECONNREFUSED", "a", "b"]);
  expect(c.json()[2].level).toBe(40);
  expect(limiter.suppressed).toBe(49 + 2);
});

test("a real client against a dead port: every line is pino JSON and they are few", async () => {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const dead = `127.0.0.1:${s.port}`;
  s.stop(true);
  const c = capture();
  let raw = 0;
  const limiter = new KafkaLogLimiter(c.logger);
  const kafka = createKafka({
    brokers: [dead],
    clientId: "kafka-log-test",
    logLevel: "debug",
    log: (r) => {
      raw++;
      limiter.write(r);
    },
    connectionTimeoutMs: 500,
    retry: { retries: 6, initialRetryTime: 50, maxRetryTime: 200 },
  });
  const producer = kafka.producer();
  await expect(producer.connect()).rejects.toThrow();
  const lines = c.json();
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) {
    expect(typeof l.level).toBe("number");
    expect(typeof l.time).toBe("string");
    expect(typeof l.msg).toBe("string");
    expect(l.component).toBe("kafkajs");
    expect(l.logger).toBeUndefined(); // the old shape: { ts, logger: "kafkajs", level: "error", ... }
  }
  expect(raw).toBeGreaterThan(lines.length);
  expect(lines.length + limiter.suppressed).toBe(raw);
  expect(lines.length).toBeLessThanOrEqual(10);
});

test("createKafka's default: kafkajs' lines go to the given pino logger, rate-limited", async () => {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const dead = `127.0.0.1:${s.port}`;
  s.stop(true);
  const c = capture();
  const kafka = createKafka({
    brokers: [dead],
    clientId: "kafka-log-default",
    logLevel: "debug",
    logger: c.logger,
    connectionTimeoutMs: 500,
    retry: { retries: 6, initialRetryTime: 50, maxRetryTime: 200 },
  });
  await expect(kafka.producer().connect()).rejects.toThrow();
  const lines = c.json();
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.length).toBeLessThanOrEqual(10);
  expect(lines.every((l) => l.component === "kafkajs" && typeof l.level === "number")).toBe(true);
});
