import cliProgress from "cli-progress";

/** A progress reporter: a bar on a terminal, a line per 10% otherwise (CI logs stay short). */
export interface Progress {
  update(fraction: number, status: string): void;
  stop(): void;
}

/** Creates a {@link Progress} for `label` on stderr. */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {status}`, stream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1000, 0, { status: "starting" });
    return {
      update: (f, status) => bar.update(Math.round(Math.min(1, Math.max(0, f)) * 1000), { status }),
      stop: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update: (f, status) => {
      const decile = Math.floor(Math.min(1, f) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${label} ${decile * 10}% ${status}\n`);
      }
    },
    stop: () => {},
  };
}
