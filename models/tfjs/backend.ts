/**
 * Starts TensorFlow.js on the WASM SIMD backend, in `bun run` and inside a `bun build --compile`
 * binary alike.
 *
 * The three `.wasm` files are embedded with `with { type: "file" }` so the compiled binary carries
 * them; tfjs is given their paths with `setWasmPaths(map, usePlatformFetch = true)` and a small
 * platform whose `fetch` reads local paths with `Bun.file` (tfjs's node platform would call the
 * global `fetch`, which refuses plain paths, and under `--compile` no platform is set at all).
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm" with { type: "file" };
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm" with { type: "file" };
import wasmThreaded from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm" with { type: "file" };

/** What {@link initTf} found. */
export interface TfBackendInfo {
  /** Active backend name (`wasm` on success). */
  backend: string;
  /** Whether the SIMD build of the WASM backend is in use. */
  simd: boolean;
  /** Whether WASM threads are available (not on these machines). */
  threads: boolean;
  /** tfjs version. */
  tfjsVersion: string;
  /** Milliseconds the initialisation took. */
  initMs: number;
}

/** Thrown when the WASM backend cannot start. */
export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendError";
  }
}

let ready: Promise<TfBackendInfo> | undefined;

function localFetch(path: string, init?: RequestInit): Promise<Response> {
  if (/^(https?|data|blob):/.test(path)) return fetch(path, init);
  const file = Bun.file(path.replace(/^file:\/\//, ""));
  return file.exists().then((ok) => (ok ? new Response(file) : new Response(null, { status: 404 })));
}

function installPlatform(): void {
  const encoder = new TextEncoder();
  tf.env().set("IS_NODE", false);
  // tfjs warns when overwriting a platform; quieten that single message.
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.env().setPlatform("bun", {
      fetch: localFetch,
      now: () => performance.now(),
      encode: (text: string) => encoder.encode(text),
      decode: (bytes: Uint8Array, encoding: string) => new TextDecoder(encoding as "utf-8").decode(bytes),
      isTypedArray: (a: unknown): a is Float32Array | Int32Array | Uint8Array | Uint8ClampedArray => ArrayBuffer.isView(a) && !(a instanceof DataView),
      setTimeoutCustom: (fn: () => void, delay: number) => void setTimeout(fn, delay),
    } as unknown as Parameters<ReturnType<typeof tf.env>["setPlatform"]>[1]);
  } finally {
    console.warn = warn;
  }
}

/**
 * Initialises tfjs on the WASM backend once per process and returns what it found.
 * Throws {@link BackendError} when the backend cannot start.
 *
 * @example
 * const info = await initTf();
 * console.log(info.backend, info.simd); // "wasm" true
 */
export function initTf(): Promise<TfBackendInfo> {
  ready ??= (async () => {
    const started = performance.now();
    installPlatform();
    // WASM threads need a worker from a blob URL, which Bun's worker_threads refuse; one
    // thread per process (scale out with more processes) is the supported mode here.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    setWasmPaths(
      {
        "tfjs-backend-wasm.wasm": wasmPlain,
        "tfjs-backend-wasm-simd.wasm": wasmSimd,
        "tfjs-backend-wasm-threaded-simd.wasm": wasmThreaded,
      },
      true,
    );
    let ok = false;
    try {
      ok = await tf.setBackend("wasm");
      await tf.ready();
    } catch (error) {
      throw new BackendError(`tfjs WASM backend failed to start: ${(error as Error)?.message ?? String(error)}`);
    }
    if (!ok || tf.getBackend() !== "wasm") {
      throw new BackendError(`tfjs WASM backend failed to start (active backend: ${tf.getBackend() ?? "none"})`);
    }
    return {
      backend: tf.getBackend(),
      simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
      threads: Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")),
      tfjsVersion: tf.version.tfjs,
      initMs: performance.now() - started,
    };
  })();
  ready.catch(() => (ready = undefined));
  return ready;
}

export { tf };
