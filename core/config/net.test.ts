import { describe, expect, test } from "bun:test";
import { isHttpUrl, parseHostPort, withHttpScheme } from "./net.ts";

describe("parseHostPort", () => {
  test("accepts host:port, names and bracketed IPv6", () => {
    expect(parseHostPort("127.0.0.1:8686")).toEqual({ host: "127.0.0.1", port: 8686 });
    expect(parseHostPort("kafka-1.internal:9092")).toEqual({ host: "kafka-1.internal", port: 9092 });
    expect(parseHostPort("[::1]:0")).toEqual({ host: "::1", port: 0 });
  });
  test("rejects missing or out-of-range ports and URLs", () => {
    for (const bad of ["localhost", ":8686", "host:99999", "http://h:1", "h:p"]) expect(parseHostPort(bad)).toBeUndefined();
  });
});

describe("isHttpUrl", () => {
  test("only absolute http(s) URLs with a host", () => {
    expect(isHttpUrl("http://127.0.0.1:9100/metrics")).toBe(true);
    expect(isHttpUrl("https://es.example.com")).toBe(true);
    expect(isHttpUrl("127.0.0.1:9200")).toBe(false);
    expect(isHttpUrl("ftp://x")).toBe(false);
    expect(isHttpUrl("http://")).toBe(false);
  });
});

test("withHttpScheme adds http:// only when no scheme is given", () => {
  expect(withHttpScheme("localhost:9200")).toBe("http://localhost:9200");
  expect(withHttpScheme("https://es:9200")).toBe("https://es:9200");
});
