/** Files embedded with `import path from "x.wasm" with { type: "file" }` resolve to a path. */
declare module "*.wasm" {
  const path: string;
  export default path;
}
