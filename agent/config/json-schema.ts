/** JSON Schema of the config file, for editors (`# yaml-language-server: $schema=...`). */
import { z } from "zod";
import { ConfigFileSchema } from "./schema.ts";

/**
 * The JSON Schema (draft 2020-12) of `agent.yaml`, describing what may be written (defaults
 * included, every key optional that has a default).
 *
 * @example
 * await Bun.write("agent.schema.json", JSON.stringify(configJsonSchema(), null, 2));
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigFileSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...schema, title: "agent.yaml", description: "Configuration of `agent run --config agent.yaml` (snake_case keys)." };
}
