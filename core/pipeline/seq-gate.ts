/**
 * The runtime's side of the record sequence on a disk that may be full: every round reserves its
 * seqs before it is scored (a full disk holds the source back there, at a block boundary, never
 * mid-round), and the seqs of records that were never stored are given back at a clean stop.
 * @module
 */
import type { Logger } from "pino";
import type { AppendResult } from "../buffer/index.ts";
import type { OutRecord } from "../events.ts";
import { SeqAllocator } from "../runtime/seq.ts";
import type { RateLimitedLog } from "../telemetry/log.ts";
import type { Telemetry } from "../telemetry/metrics.ts";

/** How often a round held back by a full disk tries to reserve its seqs again. */
const RETRY_MS = 1000;

/**
 * Wraps the {@link SeqAllocator} of a run: reservation with back-pressure, and the highest seq
 * whose record was settled (stored in the buffer, or counted as dropped).
 */
export class SeqGate {
  readonly seq: SeqAllocator;
  private readonly runStart: number;
  private maxSettled = 0;
  private waitingSince: number | undefined;
  /** Seqs reserved by rounds being scored right now. */
  private pending = 0;

  constructor(
    dataDir: string,
    private readonly telemetry: Telemetry,
    private readonly rl: RateLimitedLog,
  ) {
    this.seq = new SeqAllocator(dataDir);
    this.runStart = this.seq.peek();
    if (this.seq.lastError) this.full(this.seq.lastError);
  }

  /**
   * Resolves true once `n` seqs are reserved (call {@link release} after the round); while the disk is full it retries every second
   * (counted `agent_component_errors_total{component="seq",error_type="disk_full"}`, shown in
   * `/status` and `/readyz`). Resolves false when `signal` aborts first.
   */
  async reserve(n: number, signal: AbortSignal): Promise<boolean> {
    for (;;) {
      // Rounds of several sources may be scored at once: each counts on its own reservation.
      if (this.seq.reserve(this.pending + n)) {
        this.pending += n;
        if (this.waitingSince !== undefined) this.rl.warn("seq:disk_full:over", { component: "seq" }, "sequence file written again: the sources resume");
        this.waitingSince = undefined;
        return true;
      }
      this.full(this.seq.lastError ?? "disk full");
      if (signal.aborted) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, RETRY_MS);
        function done() {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          resolve();
        }
        signal.addEventListener("abort", done, { once: true });
      });
      if (signal.aborted) return false;
    }
  }

  /** Gives back a reservation of {@link reserve} once its round has taken its seqs (or failed). */
  release(n: number): void {
    this.pending = Math.max(0, this.pending - n);
  }

  private full(message: string): void {
    this.waitingSince ??= Date.now();
    this.telemetry.error("seq", "disk_full");
    this.rl.warn("seq:disk_full", { component: "seq", error_type: "disk_full" }, `${message}; the sources wait for space (nothing is scored meanwhile)`);
  }

  /** Notes what `append` did with `records`: the stored prefix and (unless the append was aborted by the stop) the counted drops are settled. */
  settled(records: readonly OutRecord[], result: AppendResult): void {
    const upTo = result.reason === "aborted" ? result.accepted : records.length;
    let max = this.maxSettled;
    for (let i = 0; i < upTo; i++) if (records[i].doc.agent.seq > max) max = records[i].doc.agent.seq;
    this.maxSettled = max;
  }

  /**
   * Persists the next seq. Seqs after the last settled record (a round held back at the stop,
   * never stored anywhere) are given back. Returns the number given back and the problem if the
   * file could not be written (the reservation mark stays: a gap, never a repeat).
   */
  close(): { givenBack: number; error?: string } {
    const before = this.seq.peek();
    const error = this.seq.close(Math.max(this.maxSettled + 1, this.runStart));
    return { givenBack: error ? 0 : before - this.seq.peek(), error };
  }

  /** {@link close}, and one log line each: the file could not be written; records of a held round were not accepted. */
  closeAndReport(heldAtStop: number, log: Logger): void {
    const { givenBack, error } = this.close();
    if (error)
      log.error({ component: "seq" }, `sequence not recorded at stop (the next start continues after the reserved mark: a gap, never a repeat): ${error}`);
    if (heldAtStop) {
      log.warn(
        { records: heldAtStop, seqs_given_back: givenBack },
        "records of a round held back by a full buffer were not accepted before the stop (never stored, never acknowledged: not a drop); their seqs are given back",
      );
    }
  }

  /** The `disk` block of `/status` (seq side): whether the sources wait for the sequence file. */
  status(): { waiting_for_space_since: string | null; problem: string | null; reserved_ahead: number } {
    return {
      waiting_for_space_since: this.waitingSince === undefined ? null : new Date(this.waitingSince).toISOString(),
      problem: this.waitingSince === undefined ? null : (this.seq.lastError ?? null),
      reserved_ahead: this.seq.available,
    };
  }
}
