/**
 * `agent completion`: the bash script yargs prints, sourced in a real bash with `agent` on PATH,
 * completes the commands and a command's options; the zsh one is a `#compdef agent` script.
 */
import { beforeAll, expect, test } from "bun:test";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMANDS } from "./index.ts";

const MAIN = join(import.meta.dir, "../main.ts");
const BASH = Bun.which("bash") ?? "bash";
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "agent-completion-"));
  // The completion script calls `agent` by name: a wrapper on PATH runs this checkout.
  await writeFile(join(dir, "agent"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} "$@"\n`);
  await chmod(join(dir, "agent"), 0o755);
});

function agent(...args: string[]) {
  const p = Bun.spawnSync([process.execPath, MAIN, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, SHELL: "/bin/bash" } });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** Sources the bash script and completes `words` (the last one being typed); COMPREPLY, one per line. */
function completeInBash(script: string, words: string[]): string[] {
  const setup = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}\n_agent_yargs_completions\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
  const p = Bun.spawnSync([BASH!, "--norc", "-c", setup], { stdout: "pipe", stderr: "pipe", env: { PATH: `${dir}:${process.env.PATH}`, HOME: dir } });
  if (p.exitCode !== 0) throw new Error(`bash: ${p.stderr.toString()}`);
  return p.stdout.toString().trim().split("\n").filter(Boolean);
}

test("agent completion (bash) prints a script that completes every command", () => {
  const r = agent("completion");
  expect(r.code).toBe(0);
  expect(r.stderr).toBe("");
  expect(r.stdout).toContain("complete -o bashdefault -o default -F _agent_yargs_completions agent");
  expect(agent("completion", "bash").stdout).toBe(r.stdout);
  const all = completeInBash(r.stdout, ["agent", ""]);
  for (const c of COMMANDS) expect(all).toContain(c.name);
  expect(all).toContain("completion");
  expect(completeInBash(r.stdout, ["agent", "re"]).sort()).toEqual(["registry"]);
  expect(completeInBash(r.stdout, ["agent", "in"])).toEqual(["ingest"]);
}, 60_000);

test("a command's options complete too (its module is loaded for the completion)", () => {
  const script = agent("completion", "bash").stdout;
  const opts = completeInBash(script, ["agent", "run", "--"]);
  expect(opts).toContain("--config");
  expect(opts).toContain("--duration");
}, 60_000);

test("agent completion zsh prints a #compdef script", () => {
  const r = agent("completion", "zsh");
  expect(r.code).toBe(0);
  expect(r.stdout).toStartWith("#compdef agent");
  expect(r.stdout).toContain("agent --get-yargs-completions");
});
