import { expect, test } from "bun:test";
import { configJsonSchema } from "./json-schema.ts";
import { SINKS } from "../../core/sinks/catalog.ts";
import { SOURCES } from "../../core/sources/catalog.ts";

test("the JSON Schema is valid JSON describing sources, sinks and strictness", () => {
  const schema = JSON.parse(JSON.stringify(configJsonSchema()));
  expect(schema.$schema).toContain("json-schema.org");
  expect(schema.type).toBe("object");
  expect(schema.additionalProperties).toBe(false);
  expect(schema.required).toEqual(["sources", "sinks"]);
  expect(schema.properties.sources.type).toBe("array");
  // One alternative per catalog entry, in catalog order (which starts with these).
  expect(schema.properties.sources.items.oneOf.map((o: any) => o.properties.type.const)).toEqual(Object.keys(SOURCES));
  expect(schema.properties.sinks.items.oneOf.map((o: any) => o.properties.type.const)).toEqual(Object.keys(SINKS));
  expect(Object.keys(SOURCES).slice(0, 3)).toEqual(["synthetic", "procfs", "prometheus"]);
  expect(Object.keys(SINKS).slice(0, 4)).toEqual(["kafka", "elasticsearch", "file", "stdout"]);
  const synthetic = schema.properties.sources.items.oneOf[0];
  expect(synthetic.properties.series.default).toBe(100);
  // A number or a duration text, each also as a ${VAR}.
  expect(synthetic.properties.interval.anyOf.map((o: any) => o.anyOf[0].type)).toEqual(["number", "string"]);
  const kafka = schema.properties.sinks.items.oneOf[0];
  expect(kafka.required).toEqual(["type", "id"]);
  const buffer = schema.properties.buffer;
  expect(buffer.additionalProperties).toBe(false);
  // Enums (and every constrained string) also take a ${VAR}: anyOf [the enum, a string with ${...}].
  expect(buffer.properties.type.anyOf[0].enum).toEqual(["disk", "memory"]);
  expect(buffer.properties.type.anyOf[1].pattern).toContain("\\$\\{");
  expect(buffer.properties.type.default).toBe("disk");
  expect(buffer.properties.when_full.anyOf[0].enum).toEqual(["block", "drop_newest"]);
  expect(buffer.properties.fsync.anyOf[0].enum).toEqual(["always", "interval", "never"]);
  expect(buffer.properties.max_size.default).toBe("256MiB");
});
