/**
 * LSTM autoencoder scoring paths side by side, one core: `layers` (tfjs-layers `model.predict`
 * in 4096-row chunks — exactly the scoring code before the hand-written paths), `tfjs` (the
 * recurrence by hand, one fused WASM op per gate), `js` (plain TypeScript per row) and `auto`,
 * at several batch sizes; with CPU user/sys time and minor page faults per path (fresh memory
 * touched: the `layers` path churns big short-lived buffers), and the largest difference from
 * `layers`.
 *
 *     bun scripts/bench/lstm.ts [--repeat 3] [--no-pin]
 */
import { LstmAutoencoder, type LstmScorePath } from "../../models/detectors/lstm-autoencoder/lstm-autoencoder.ts";
import { initTf } from "../../models/tfjs/backend.ts";
import { arg, conditions, fmtRate, measure, pinToOneCore, realisticWindows, rows, table } from "./harness.ts";

const REPEAT = arg("repeat", 3);
const SIZES = [1, 64, 256, 1024, 16_384, 65_536];

async function main(): Promise<void> {
  await initTf();
  const started = conditions();
  const data = realisticWindows(65_536, 32, 2);
  const trainer = new LstmAutoencoder({ width: 33 });
  await trainer.fit(realisticWindows(2_000, 32, 1), { seed: 1, epochs: 1 });
  const saved = await trainer.save();
  trainer.dispose();
  const files = new Map(saved.files.map((f) => [f.path, f.data]));
  // `before` = the `layers` path: the original scoring code, same 4096-row chunks as now
  const before = await LstmAutoencoder.load(saved.params, files);
  const after = await LstmAutoencoder.load(saved.params, files);
  const reference = await before.scoreWith(rows(data, 0, 4096), "layers");

  const body: string[][] = [];
  const paths: [string, LstmAutoencoder, LstmScorePath][] = [
    ["layers (before)", before, "layers"],
    ["tfjs", after, "tfjs"],
    ["js", after, "js"],
    ["auto (after)", after, "auto"],
  ];
  for (const [name, det, path] of paths) {
    const check = await det.scoreWith(rows(data, 0, 4096), path);
    let maxRel = 0;
    for (let r = 0; r < 4096; r++) maxRel = Math.max(maxRel, Math.abs(check[r] - reference[r]) / Math.max(1e-6, Math.abs(reference[r])));
    const cells = [name];
    const cpu0 = process.cpuUsage();
    const faults0 = process.resourceUsage().minorPageFault;
    let wall = 0;
    let scored = 0;
    for (const n of SIZES) {
      const tooSlow = (path === "layers" && n === 1) || (path === "js" && n > 16_384);
      if (tooSlow && n === 1) {
        // one call per row at ~100 calls/s: measure a handful
        const t0 = performance.now();
        for (let i = 0; i < 20; i++) await det.scoreWith(rows(data, i, 1), path);
        wall += performance.now() - t0;
        scored += 20;
        cells.push(`${(20 / ((performance.now() - t0) / 1000)).toFixed(0)}`);
        continue;
      }
      if (tooSlow) {
        cells.push("—");
        continue;
      }
      const t0 = performance.now();
      const calls = Math.max(1, Math.floor(1024 / n));
      const r = await measure(
        n * calls,
        async () => {
          for (let i = 0; i < calls; i++) await det.scoreWith(rows(data, i * n, n), path);
          scored += n * calls;
        },
        REPEAT,
        300,
      );
      wall += performance.now() - t0;
      cells.push(fmtRate(r));
    }
    const cpu = process.cpuUsage(cpu0);
    const faults = process.resourceUsage().minorPageFault - faults0;
    cells.push(
      `${(cpu.user / 1000 / wall).toFixed(2)} / ${(cpu.system / 1000 / wall).toFixed(2)}`,
      (faults / (scored / 1000)).toFixed(0),
      maxRel.toExponential(1),
    );
    body.push(cells);
  }
  console.log(`# LSTM autoencoder scoring paths (window 32, 16 units, one core)\n\n${started}\n`);
  console.log("windows/s at n rows per call: best of N (median, ±spread); calls of n < 1024 are looped to 1024 rows.\n");
  const header = ["path", ...SIZES.map((n) => `n=${n}`), "user / sys CPU per wall s", "minor page faults per 1k windows", "max rel diff vs layers"];
  console.log(table(header, body));
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; ${conditions()}`);
  before.dispose();
  after.dispose();
}

if (pinToOneCore()) await main();
