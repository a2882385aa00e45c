import type { CommandModule } from "yargs";
import { initTf } from "../../models/tfjs/backend.ts";
import { AGENT_VERSION } from "../version.ts";

/** The JSON object `agent doctor` prints. */
export interface DoctorReport {
  version: string;
  bun: string;
  platform: string;
  arch: string;
  tfjs_version: string | null;
  tfjs_backend: string | null;
  simd: boolean;
  threads: boolean;
  init_ms: number | null;
  compiled: boolean;
  ok: boolean;
  error?: string;
}

/** Collects the doctor report; never throws. */
export async function doctor(): Promise<DoctorReport> {
  const base = {
    version: AGENT_VERSION,
    bun: Bun.version,
    platform: process.platform,
    arch: process.arch,
    compiled: import.meta.path.startsWith("/$bunfs/") || import.meta.path.includes("~BUN"),
  };
  try {
    const info = await initTf();
    const ok = info.backend === "wasm";
    return {
      ...base,
      tfjs_version: info.tfjsVersion,
      tfjs_backend: info.backend,
      simd: info.simd,
      threads: info.threads,
      init_ms: Math.round(info.initMs * 10) / 10,
      ok,
    };
  } catch (error) {
    return { ...base, tfjs_version: null, tfjs_backend: null, simd: false, threads: false, init_ms: null, ok: false, error: (error as Error).message };
  }
}

/** `agent doctor`: checks that the tfjs WASM SIMD backend starts; exit 1 when it cannot. */
export const doctorCommand: CommandModule = {
  command: "doctor",
  describe: "Check the runtime: print one JSON object (version, tfjs_backend, simd); exit 1 if WASM cannot start",
  builder: (y) => y.example("$0 doctor", 'prints {"version":"0.1.0","tfjs_backend":"wasm","simd":true,...}'),
  handler: async () => {
    const report = await doctor();
    console.log(JSON.stringify(report));
    if (!report.ok) process.exitCode = 1;
  },
};
