/**
 * Uniform command failure handling: a one-line `agent <command>: error: <message>` on stderr and
 * a non-zero exit; the stack trace only with `--debug`.
 */
import { errorLine } from "./commands/output.ts";

/** An error whose message is already user-facing (no "Error:" prefix needed). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Formats an error for the terminal: one line, or the stack with `debug`. */
export function formatError(command: string, error: unknown, debug: boolean): string {
  if (debug && error instanceof Error && error.stack) return `agent ${command}: ${error.stack}`;
  const message = error instanceof Error ? error.message : String(error);
  return `agent ${command}: error: ${message.split("\n")[0]}`;
}

/**
 * Runs a command body; on failure prints {@link formatError} and sets a non-zero exit code
 * (2 for usage errors, 1 otherwise).
 */
export async function runCommand(command: string, debug: boolean, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    errorLine(formatError(command, error, debug));
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
