import pino, { type Logger } from "pino";

/** The process logger: JSON lines on stderr (pino), level from `AGENT_LOG_LEVEL` (default info). */
export function createLogger(options: { level?: string; destination?: number | NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.AGENT_LOG_LEVEL ?? "info";
  const dest = options.destination ?? 2;
  const stream = typeof dest === "number" ? pino.destination({ fd: dest, sync: true }) : dest;
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream);
}

/**
 * Logs a repeating problem at most once per `intervalMs` per key, with how many times it
 * happened since the last line ("logged once per interval, never a crash").
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Warn about `key` unless it was logged within the interval. */
  warn(key: string, fields: Record<string, unknown>, message: string): void {
    const t = this.now();
    const seen = this.last.get(key);
    if (seen && t - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.last.set(key, { at: t, suppressed: 0 });
    this.log.warn({ ...fields, repeated: seen?.suppressed || undefined }, message);
  }
}
