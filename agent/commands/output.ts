/**
 * What commands print for people: success summaries uncoloured on stdout (on stderr when stdout
 * carries the command's data, e.g. `agent score --output -`), warnings and errors on stderr,
 * coloured only on a terminal and never with `NO_COLOR` set (https://no-color.org) or `TERM=dumb`.
 * Bun colours `console.error` red on a terminal, so nothing here goes through it.
 */

/** A stream as far as colour is concerned. */
export interface TextStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** SGR colours used: red for errors, yellow for warnings. */
const SGR = { red: "\u001b[31m", yellow: "\u001b[33m", reset: "\u001b[0m" } as const;

/**
 * True when `stream` is a terminal and the environment allows colour (`NO_COLOR` unset or empty, `TERM` not `dumb`).
 *
 * @example
 * useColor(process.stderr); // false when piped or with NO_COLOR=1
 */
export function useColor(stream: TextStream, env: Record<string, string | undefined> = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
}

/** `text` in `colour` when {@link useColor} says so, else unchanged. */
export function paint(text: string, colour: "red" | "yellow", stream: TextStream, env: Record<string, string | undefined> = process.env): string {
  return useColor(stream, env) ? `${SGR[colour]}${text}${SGR.reset}` : text;
}

/**
 * A success summary (`generated …`, `trained …`): one uncoloured line on stdout, or on stderr when
 * stdout carries the command's data.
 *
 * @example
 * success(`trained ${kind} → ${out}`);
 */
export function success(line: string, options: { stdoutIsData?: boolean } = {}): void {
  (options.stdoutIsData ? process.stderr : process.stdout).write(`${line}\n`);
}

/** A status line of a long-running command (a server's address, where its tokens are): stderr, uncoloured. */
export function status(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `agent <command>: warning: <message>` on stderr, the word `warning` yellow on a terminal. */
export function warning(command: string, message: string, stream: TextStream = process.stderr): void {
  stream.write(`agent ${command}: ${paint("warning", "yellow", stream)}: ${message}\n`);
}

/** An error line (already formatted) on stderr, red on a terminal. */
export function errorLine(text: string, stream: TextStream = process.stderr): void {
  stream.write(`${paint(text, "red", stream)}\n`);
}
