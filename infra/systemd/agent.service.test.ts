/**
 * The systemd unit, as systemd rates it and as its sandbox lets the agent run:
 * - `systemd-analyze security --offline=true`: overall exposure ≤ 3.0 ("OK");
 * - the host's /proc as `ProtectProc=invisible` shows it to a non-root service user (a private
 *   procfs mounted with hidepid=invisible, read as uid 10001): the procfs source still reads CPU,
 *   memory, load, disks and network with no read error;
 * - every syscall a real `agent run` makes (strace) is inside the unit's SystemCallFilter
 *   (@system-service minus @privileged, expanded by systemd-analyze).
 * Missing tools skip with a printed reason outside CI; under CI (.ci/run installs them) they fail.
 */
import { expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readableByUid10001, run, tool } from "../check/tools.ts";

const ROOT = join(import.meta.dir, "../..");
const UNIT = join(import.meta.dir, "agent.service");
const unit = readFileSync(UNIT, "utf8");
const ANALYZE = tool("systemd-analyze", "apt-get install systemd");
const STRACE = tool("strace", "apt-get install strace");
const UNSHARE = tool("unshare", "apt-get install util-linux");
const SETPRIV = tool("setpriv", "apt-get install util-linux");
const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  if (process.env.CI) throw new Error("the sandbox tests need root (unshare, setpriv) and CI runs as root");
  console.log("[infra] SKIPPED the sandboxed /proc and syscall tests: not root");
}
const canRunAs10001 =
  !!SETPRIV && isRoot && readableByUid10001(SETPRIV, [join(ROOT, "agent/main.ts"), join(ROOT, "core/sources/procfs/index.ts"), process.execPath]);
const asServiceUser = [SETPRIV!, "--reuid=10001", "--regid=10001", "--clear-groups"];

/** Values of `Key=` lines of the unit. */
const directives = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]);

(ANALYZE ? test : test.skip)("systemd-analyze security rates the unit ≤ 3.0 (OK)", async () => {
  const r = await run([ANALYZE!, "security", "--offline=true", "--no-pager", UNIT]);
  const m = /Overall exposure level for agent\.service: ([\d.]+) (\S+)/.exec(r.out);
  console.log(`[systemd] ${m?.[0]}`);
  expect(r.code).toBe(0);
  expect(Number(m?.[1])).toBeLessThanOrEqual(3.0);
  expect(m?.[2]).toBe("OK");
  expect((await run([ANALYZE!, "security", "--offline=true", "--threshold=30", UNIT])).code).toBe(0);
  // The check can fail: the same unit with its hardening removed is exposed.
  const dir = mkdtempSync(join(tmpdir(), "unit-"));
  const bare = unit.split("\n# Hardening.")[0] + "\n[Install]\nWantedBy=multi-user.target\n";
  writeFileSync(join(dir, "agent.service"), bare);
  const b = await run([ANALYZE!, "security", "--offline=true", "--no-pager", join(dir, "agent.service")]);
  expect(Number(/Overall exposure level for agent\.service: ([\d.]+)/.exec(b.out)?.[1])).toBeGreaterThan(5);
});

test("the unit keeps /proc readable: ProtectProc=invisible, never ProcSubset=pid, no private network", () => {
  expect(directives("ProtectProc")).toEqual(["invisible"]);
  expect(directives("ProcSubset")).toEqual([]);
  expect(directives("PrivateNetwork")).toEqual([]);
  expect(directives("StateDirectory")).toEqual(["agent"]);
  expect(directives("WorkingDirectory")).toEqual(["/var/lib/agent"]);
});

(UNSHARE && canRunAs10001 ? test : test.skip)(
  "as the sandbox shows /proc (hidepid=invisible) to a non-root user, the procfs source reads the host",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "unit-proc-"));
    chmodSync(dir, 0o755);
    const script = join(dir, "collect.ts");
    writeFileSync(
      script,
      `import { createProcfsSource } from ${JSON.stringify(join(ROOT, "core/sources/procfs/index.ts"))};
const src = createProcfsSource({ id: "host", intervalMs: 200 });
await src.collect(Date.now());
await Bun.sleep(250);
const r = await src.collect(Date.now());
const hidden = (await import("node:fs")).readdirSync("/proc").filter((d) => /^\\d+$/.test(d)).length;
console.log(JSON.stringify({ names: [...new Set(r.samples.map((s) => s.name))], errors: r.errors.map(String), visiblePids: hidden }));
`,
    );
    chmodSync(script, 0o644);
    // A private PID+mount namespace with its own procfs remounted hidepid=invisible (what ProtectProc=invisible does),
    // then the service user reads it. A root process (sleep) runs beside it: hidepid hides it.
    const inner = `mount -o remount,hidepid=invisible /proc && { sleep 20 & } && exec ${asServiceUser.join(" ")} ${process.execPath} ${script}`;
    const r = await run([UNSHARE!, "--mount", "--pid", "--fork", "--mount-proc", "sh", "-c", inner]);
    const line = r.out
      .trim()
      .split("\n")
      .find((l) => l.startsWith("{"));
    expect(line).toBeDefined();
    const out = JSON.parse(line!) as { names: string[]; errors: string[]; visiblePids: number };
    console.log(`[systemd] sandboxed /proc: ${out.names.length} metric names, ${out.errors.length} read errors, ${out.visiblePids} pid dirs visible`);
    const prefixes = new Set(out.names.map((n) => n.split(".")[0]));
    for (const p of ["cpu", "mem", "load", "disk", "net"]) expect(prefixes).toContain(p);
    expect(out.errors.filter((e) => /\/proc\/(stat|meminfo|loadavg|diskstats|net\/dev)/.test(e))).toEqual([]);
    expect(out.visiblePids).toBe(1); // its own process only: root's sleep is hidden, as intended
  },
  20_000,
);

(ANALYZE && STRACE && canRunAs10001 ? test : test.skip)(
  "every syscall of a real `agent run` is inside the unit's SystemCallFilter",
  async () => {
    const expand = async (group: string, seen = new Set<string>()): Promise<Set<string>> => {
      const out = new Set<string>();
      if (seen.has(group)) return out;
      seen.add(group);
      const r = await run([ANALYZE!, "syscall-filter", "--no-pager", group]);
      for (const l of r.out
        .split("\n")
        .slice(1)
        .map((x) => x.trim())) {
        if (!l || l.startsWith("#")) continue;
        if (l.startsWith("@")) for (const s of await expand(l, seen)) out.add(s);
        else out.add(l);
      }
      return out;
    };
    const [allow, deny] = directives("SystemCallFilter");
    expect(allow).toBe("@system-service");
    expect(deny).toBe("~@privileged");
    const allowed = await expand("@system-service");
    for (const s of await expand("@privileged")) allowed.delete(s);
    expect(allowed.size).toBeGreaterThan(100);

    const dir = mkdtempSync(join(tmpdir(), "unit-strace-"));
    chmodSync(dir, 0o777);
    const config = join(dir, "agent.yaml");
    writeFileSync(
      config,
      `agent: { id: st, data_dir: ${dir}/var }
sources: [{ type: procfs, id: host, interval: 1s }]
model: { online: default }
sinks: [{ type: file, id: f, path: ${dir}/var/out.jsonl }]
server: { listen: "127.0.0.1:0" }
`,
    );
    chmodSync(config, 0o644);
    const summary = join(dir, "strace.txt");
    // strace runs as the service user and follows the agent from its exec (as systemd starts it).
    const r = await run([
      ...asServiceUser,
      STRACE!,
      "-f",
      "-qq",
      "-c",
      "-o",
      summary,
      process.execPath,
      join(ROOT, "agent/main.ts"),
      "run",
      "--config",
      config,
      "--duration",
      "3s",
    ]);
    expect(r.code).toBe(0);
    const used = readFileSync(summary, "utf8")
      .split("\n")
      .map((l) => l.trim().split(/\s+/).at(-1)!)
      .filter((s) => /^[a-z_0-9]+$/.test(s) && s !== "total" && s !== "syscall");
    console.log(`[systemd] agent run made ${used.length} distinct syscalls; outside the filter: ${used.filter((s) => !allowed.has(s)).join(", ") || "none"}`);
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((s) => !allowed.has(s))).toEqual([]);
  },
  40_000,
);
