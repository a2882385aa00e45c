/**
 * `mounts_from` / `host_root`: in a pod the agent's own mount table describes the pod; with the
 * host's PID namespace, `<root>/1/mounts` is the node's, and its mount points are reached for
 * statfs under the node's `/` mounted at `host_root`. Replayed on the fake tree testdata/host-mounts.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import type { MetricSample } from "../../events.ts";
import { createProcfsSource, type FsStatFn } from "./index.ts";

const TREE = join(import.meta.dir, "testdata/host-mounts");
const PROC = join(TREE, "proc");
const HOST_ROOT = join(TREE, "root");

/** A statfs that records the paths it is asked and answers 1000 blocks of 4 KiB, 250 free. */
function recordingStat(): { stat: FsStatFn; asked: string[] } {
  const asked: string[] = [];
  return { asked, stat: async (path) => (asked.push(path), { bsize: 4096, blocks: 1000, bfree: 250, bavail: 200, files: 100, ffree: 50 }) };
}

const fsSamples = (samples: MetricSample[]) =>
  samples.filter((s) => s.name === "fs.size_bytes").map((s) => [s.labels.mountpoint, s.labels.device, s.labels.fstype]);
const fsErrors = (errors: { message: string }[]) => errors.filter((e) => /\/mounts:|statfs/.test(e.message));

test("default (mounts_from self): the agent's own mount table, i.e. the pod's filesystems", async () => {
  const { stat, asked } = recordingStat();
  const src = createProcfsSource({ id: "h", intervalMs: 1000, root: PROC, sysRoot: join(TREE, "sys"), fsStat: stat });
  const r = await src.collect(0);
  expect(fsErrors(r.errors)).toEqual([]);
  expect(fsSamples(r.samples)).toEqual([
    ["/etc/hosts", "/dev/vda1", "ext4"],
    ["/var/lib/agent", "/dev/vda1", "ext4"],
    ["/host/root", "/dev/vda1", "ext4"],
    ["/host/root/data", "/dev/vdb1", "xfs"],
  ]);
  expect(asked).toEqual(["/etc/hosts", "/var/lib/agent", "/host/root", "/host/root/data"]);
});

test("mounts_from 1 + host_root: the node's filesystems, statfs'd under host_root, labelled with the node's paths", async () => {
  const { stat, asked } = recordingStat();
  const src = createProcfsSource({ id: "h", intervalMs: 1000, root: PROC, sysRoot: join(TREE, "sys"), mountsFrom: 1, hostRoot: `${HOST_ROOT}/`, fsStat: stat });
  const r = await src.collect(0);
  expect(fsErrors(r.errors)).toEqual([]);
  expect(fsSamples(r.samples)).toEqual([
    ["/", "/dev/vda1", "ext4"],
    ["/data", "/dev/vdb1", "xfs"],
  ]);
  expect(asked).toEqual([HOST_ROOT, `${HOST_ROOT}/data`]);
  const used = r.samples.find((s) => s.name === "fs.used_fraction" && s.labels.mountpoint === "/data");
  expect(used?.value).toBeCloseTo(750 / 950, 9);
});

test("with the real statfs: the paths under host_root are stat'd for real", async () => {
  const src = createProcfsSource({ id: "h", intervalMs: 1000, root: PROC, sysRoot: join(TREE, "sys"), mountsFrom: 1, hostRoot: HOST_ROOT });
  const r = await src.collect(0);
  expect(fsErrors(r.errors)).toEqual([]);
  const sizes = r.samples.filter((s) => s.name === "fs.size_bytes");
  expect(sizes.map((s) => s.labels.mountpoint)).toEqual(["/", "/data"]);
  for (const s of sizes) expect(s.value).toBeGreaterThan(0);
});

test("a pid without a mount table is a read_error naming <root>/<pid>/mounts; the rest is collected", async () => {
  const src = createProcfsSource({ id: "h", intervalMs: 1000, root: PROC, sysRoot: join(TREE, "sys"), mountsFrom: 7, hostRoot: HOST_ROOT });
  const r = await src.collect(0);
  expect(fsErrors(r.errors)).toEqual([expect.objectContaining({ type: "read_error", message: expect.stringContaining(`${PROC}/7/mounts`) })]);
  expect(r.samples.filter((s) => s.name.startsWith("fs."))).toEqual([]);
});
