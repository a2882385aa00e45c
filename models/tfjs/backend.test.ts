import { expect, test } from "bun:test";
import { initTf, tf } from "./backend.ts";

test("initTf starts the WASM backend with SIMD", async () => {
  const info = await initTf();
  expect(info.backend).toBe("wasm");
  expect(info.simd).toBe(true);
  expect(tf.getBackend()).toBe("wasm");
});

test("initTf is idempotent and tensors compute on wasm", async () => {
  const a = await initTf();
  const b = await initTf();
  expect(b).toBe(a);
  const y = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])));
  expect(Array.from(await y.data())).toEqual([11]);
  y.dispose();
});
