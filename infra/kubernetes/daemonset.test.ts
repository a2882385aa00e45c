/**
 * The DaemonSet as a cluster would take it and as a node would run it:
 * - every document passes the strict Kubernetes schema (v1.37, unknown fields are errors);
 * - the pod sees the node (hostNetwork, hostPID, the node's /proc and /sys read-only, the procfs
 *   source pointed at them) and runs as the image's uid 10001;
 * - the crash loop reproduced: the agent as uid 10001 on the root-owned dir a hostPath
 *   DirectoryOrCreate makes exits with EACCES; after the init container's own command it starts,
 *   answers /healthz and writes host metrics read through the /host/proc path.
 * The run as uid 10001 uses `setpriv` and needs root (CI is root); elsewhere it is skipped with a reason.
 */
import { expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { freePort, pythonWithJsonschema, readableByUid10001, run, tool } from "../check/tools.ts";
import { waitFor } from "../../core/testing/wait-for.ts";

const ROOT = join(import.meta.dir, "../..");
const MANIFEST = join(import.meta.dir, "daemonset.yaml");
const CHECK = join(ROOT, "infra/check/schema_check.py");
const BUN = process.execPath;
const MAIN = join(ROOT, "agent/main.ts");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const docs: Doc[] = parseAllDocuments(readFileSync(MANIFEST, "utf8")).map((d) => d.toJS());
const ds = docs.find((d) => d.kind === "DaemonSet");
const pod = ds.spec.template.spec;
const agent = pod.containers.find((c: Doc) => c.name === "agent");
const init = pod.initContainers.find((c: Doc) => c.name === "data-dir-owner");
const cm = docs.find((d) => d.kind === "ConfigMap");
const mountOf = (c: Doc, volume: string) => c.volumeMounts.find((m: Doc) => m.name === volume);
const volume = (name: string) => pod.volumes.find((v: Doc) => v.name === name);

const PY = pythonWithJsonschema();
const SETPRIV = tool("setpriv", "apt-get install util-linux");
const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  if (process.env.CI) throw new Error("the DaemonSet start test needs root (setpriv --reuid) and CI runs as root");
  console.log("[infra] SKIPPED the uid-10001 start test: not root (setpriv --reuid needs it)");
}

(PY ? test : test.skip)("the manifest passes the strict Kubernetes schema; a misspelt field fails it", async () => {
  const r = await run([PY!, CHECK, "k8s", MANIFEST]);
  console.log(r.out.trim());
  expect(r.code).toBe(0);
  expect(r.out.match(/^ok: /gm)?.length).toBe(docs.length);

  const dir = mkdtempSync(join(tmpdir(), "ds-schema-"));
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, readFileSync(MANIFEST, "utf8").replace("hostPID: true", "hostPid: true").replace("readOnly: true }", 'readOnly: "yes" }'));
  const b = await run([PY!, CHECK, "k8s", bad]);
  expect(b.code).toBe(1);
  expect(b.out).toContain("hostPid");
  expect(b.out).toContain("readOnly");
});

test("the pod sees the node: host network and PIDs, the node's /proc and /sys read-only, the procfs source pointed at them", () => {
  expect(pod.hostNetwork).toBe(true);
  expect(pod.hostPID).toBe(true);
  expect(pod.dnsPolicy).toBe("ClusterFirstWithHostNet"); // cluster DNS names still resolve on the host network
  for (const [vol, host] of [
    ["proc", "/proc"],
    ["sys", "/sys"],
  ]) {
    expect(volume(vol).hostPath.path).toBe(host);
    expect(mountOf(agent, vol).readOnly).toBe(true);
  }
  const text: string = cm.data["agent.yaml"];
  const procfs = (parse(text) as Doc).sources.find((x: Doc) => x.type === "procfs");
  expect(procfs.root).toBe(mountOf(agent, "proc").mountPath);
  expect(procfs.sys_root).toBe(mountOf(agent, "sys").mountPath);
  // fs.* describes the node: pid 1's mount table (the node's init, with hostPID), statfs under the node's / mounted read-only.
  expect(procfs.mounts_from).toBe(1);
  expect(volume("host-root").hostPath.path).toBe("/");
  expect(mountOf(agent, "host-root")).toEqual({ name: "host-root", mountPath: procfs.host_root, readOnly: true, mountPropagation: "HostToContainer" });
  // The data dir: the image's uid, written by the init container first.
  const uid = /--uid (\d+)/.exec(readFileSync(join(ROOT, "infra/docker/Dockerfile"), "utf8"))?.[1] ?? "no --uid in the Dockerfile";
  expect(String(agent.securityContext.runAsUser)).toBe(uid);
  expect(agent.securityContext.runAsNonRoot).toBe(true);
  expect(agent.securityContext.allowPrivilegeEscalation).toBe(false);
  expect(volume("data").hostPath.type).toBe("DirectoryOrCreate");
  expect(mountOf(init, "data").mountPath).toBe(mountOf(agent, "data").mountPath);
  expect(text).toContain(`data_dir: ${mountOf(agent, "data").mountPath}`);
  expect(init.command.join(" ")).toContain(`${uid}:${uid}`);
});

const canRunAs10001 = !!SETPRIV && isRoot && readableByUid10001(SETPRIV, [MAIN, BUN, join(ROOT, "node_modules/yaml/package.json")]);

(canRunAs10001 ? test : test.skip)(
  "uid 10001 on a root-owned hostPath dir: EACCES before the init container's command, a working agent after it",
  async () => {
    const base = mkdtempSync(join(tmpdir(), "ds-node-"));
    chmodSync(base, 0o755);
    // The node: its /proc and /sys where the pod mounts them, and the data dir as DirectoryOrCreate makes it.
    mkdirSync(join(base, "host"));
    symlinkSync("/proc", join(base, "host/proc"));
    symlinkSync("/sys", join(base, "host/sys"));
    symlinkSync("/", join(base, "host/root"));
    const dataDir = join(base, "var/lib/agent");
    mkdirSync(dataDir, { recursive: true, mode: 0o755 }); // root:root 0755
    const port = freePort();
    // The ConfigMap's config with the pod's paths under `base`, a file sink in place of Kafka, a 1 s interval.
    const config = (cm.data["agent.yaml"] as string)
      .replaceAll("/var/lib/agent", dataDir)
      .replaceAll("/host/", `${base}/host/`)
      .replace("interval: 10s", "interval: 1s")
      .replace(/- \{ type: kafka[^\n]*/, `- { type: file, id: local, path: ${dataDir}/out.jsonl, batch: { max_wait: 200ms } }`)
      .replace('listen: "0.0.0.0:8686"', `listen: "127.0.0.1:${port}"`);
    const file = join(base, "agent.yaml");
    writeFileSync(file, config);
    chmodSync(file, 0o644);
    const env = { ...process.env, NODE_NAME: "node-a", KAFKA_BOOTSTRAP_SERVERS: "unused:9092" };
    const asAgent = [SETPRIV!, "--reuid=10001", "--regid=10001", "--clear-groups", BUN, MAIN, "run", "--config", file, "--duration", "5s"];

    const before = await run(asAgent, { env });
    console.log(`[daemonset] before: exit ${before.code}: ${before.out.trim().split("\n").slice(-1)[0]}`);
    expect(before.code).not.toBe(0);
    expect(before.out).toContain("not writable: EACCES");

    // The init container's command, as written in the manifest, on the same dir.
    const cmd = (init.command as string[]).map((a) => a.replaceAll("/var/lib/agent", dataDir));
    const fix = await run(cmd);
    expect(fix.code).toBe(0);

    const p = Bun.spawn(asAgent, { env, stdout: "pipe", stderr: "pipe" });
    let health = 0;
    await waitFor(
      async () =>
        (health = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.status,
          () => 0,
        )) === 200,
      { timeoutMs: 8000, everyMs: 100 },
    ).catch(() => {}); // asserted below
    const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
    console.log(`[daemonset] after the init container: /healthz ${health}, exit ${code}`);
    expect(health).toBe(200);
    expect(code).toBe(0);
    expect(err).toContain("agent stopped");
    const records = readFileSync(join(dataDir, "out.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const names = new Set(records.map((r) => r.metric.name));
    expect(records[0].agent.id).toBe("node-a");
    for (const m of ["cpu.user_seconds", "mem.total_bytes", "load.load1"]) expect(names).toContain(m);
    // fs.* from pid 1's mount table, statfs'd through host/root: the root filesystem of this machine is there.
    const fsRoot = records.find((r) => r.metric.name === "fs.size_bytes" && r.metric.labels.mountpoint === "/");
    expect(fsRoot?.value).toBeGreaterThan(0);
    expect(err).not.toContain("statfs");
  },
  30_000,
);
