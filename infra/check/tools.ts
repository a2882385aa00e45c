/**
 * Helpers for the deployment tests (infra/**\/*.test.ts): find an external tool or say why a test
 * is skipped. Outside CI a missing tool skips with a printed reason; under CI (CI=true, where
 * .ci/run installs the tools) it fails the test file.
 */

/** The path of `name` on PATH, or undefined after printing why the dependent tests are skipped (throws under CI). */
export function tool(name: string, install: string): string | undefined {
  const path = Bun.which(name);
  if (path) return path;
  if (process.env.CI) throw new Error(`${name} is missing under CI (${install}); .ci/run installs it`);
  console.log(`[infra] SKIPPED tests that need ${name}: not installed (${install})`);
  return undefined;
}

/** Python 3 with jsonschema and PyYAML (for schema_check.py), or undefined after printing why not (throws under CI). */
export function pythonWithJsonschema(): string | undefined {
  // The first python3 on PATH (a pyenv one on these machines), else Debian's (python3-jsonschema installs there).
  for (const py of [Bun.which("python3"), "/usr/bin/python3"]) {
    if (py && Bun.spawnSync([py, "-c", "import jsonschema, yaml"], { stderr: "ignore" }).exitCode === 0) return py;
  }
  if (process.env.CI) throw new Error("python3 with jsonschema and yaml is missing under CI (apt-get install python3-jsonschema python3-yaml)");
  console.log("[infra] SKIPPED schema checks: python3 with jsonschema and yaml not found (apt-get install python3-jsonschema python3-yaml)");
  return undefined;
}

/** Runs `cmd`; exit code and stdout+stderr. */
export async function run(cmd: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<{ code: number; out: string }> {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", env: opts.env ?? process.env, cwd: opts.cwd });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out: out + err };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/**
 * True when uid 10001 can read `paths` (the checkout, Bun): tests that run the agent as 10001 need it.
 * Otherwise prints why they are skipped (a private parent directory is a property of where the
 * checkout lives, not a defect of the deployment).
 */
export function readableByUid10001(setpriv: string, paths: string[]): boolean {
  const ok =
    Bun.spawnSync([setpriv, "--reuid=10001", "--regid=10001", "--clear-groups", "sh", "-c", 'for p; do test -r "$p" || exit 1; done', "sh", ...paths])
      .exitCode === 0;
  if (!ok) console.log(`[infra] SKIPPED tests that run the agent as uid 10001: it cannot read ${paths.join(", ")} (a parent directory is private)`);
  return ok;
}
