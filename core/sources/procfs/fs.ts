/**
 * Filesystem usage: mount table from `/proc/mounts` plus `statfs` of each real mount.
 */
import { statfs } from "node:fs/promises";
import { fields, type Round } from "./round.ts";

/** What a filesystem stat returns (a subset of Node's `StatsFs`). */
export interface FsStats {
  /** Block size in bytes. */
  bsize: number;
  /** Total, free (root included) and available (to unprivileged users) blocks. */
  blocks: number;
  bfree: number;
  bavail: number;
  /** Total and free inodes (0 when the filesystem has none). */
  files: number;
  ffree: number;
}

/** A filesystem stat function; injectable so tests and containers can redirect it. */
export type FsStatFn = (path: string) => Promise<FsStats>;

/** Default {@link FsStatFn}: `statfs(2)` through `node:fs/promises`. */
export const defaultFsStat: FsStatFn = (path) => statfs(path);

/**
 * Pseudo and virtual filesystem types skipped by default: kernel interfaces, memory-backed
 * (`tmpfs`, `ramfs`), container layers (`overlay`, `aufs`), read-only images (`squashfs`,
 * `iso9660`, `erofs`) and FUSE helpers such as lxcfs.
 */
export const DEFAULT_FS_TYPE_EXCLUDE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|efivarfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|aufs|proc|procfs|pstore|ramfs|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tmpfs|tracefs|fuse\.lxcfs|fuse\.gvfsd-fuse|fuse\.portal)$/;

/** Mount points skipped by default (kernel trees and container runtimes' private mounts). */
export const DEFAULT_MOUNT_EXCLUDE =
  /^\/(dev|proc|sys|run\/credentials\/.+|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+|var\/lib\/kubelet\/.+)($|\/)/;

/** One kept mount. */
export interface Mount {
  device: string;
  mountpoint: string;
  fstype: string;
}

/** Undo the octal escapes of the mount table (`\040` is a space). */
function unescapeMount(s: string): string {
  return s.includes("\\") ? s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) : s;
}

/**
 * Parse the mount table, keeping real filesystems; a mount point mounted twice keeps its last
 * (visible) entry.
 *
 * @example
 * parseMounts(round, "/dev/vda / ext4 rw 0 0\n", "mounts", DEFAULT_FS_TYPE_EXCLUDE, DEFAULT_MOUNT_EXCLUDE);
 */
export function parseMounts(round: Round, text: string, file: string, typeExclude: RegExp, pathExclude: RegExp): Mount[] {
  const byPath = new Map<string, Mount>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const tok = fields(lines[i]);
    if (tok.length < 4) {
      round.parseError(file, `line ${i + 1}: expected >= 4 fields, got ${tok.length}`);
      continue;
    }
    const mountpoint = unescapeMount(tok[1]);
    if (typeExclude.test(tok[2]) || pathExclude.test(mountpoint)) continue;
    byPath.delete(mountpoint);
    byPath.set(mountpoint, { device: unescapeMount(tok[0]), mountpoint, fstype: tok[2] });
  }
  return [...byPath.values()];
}

/**
 * Stat every mount (in parallel, each bounded by `timeoutMs`) and emit per mount (labels
 * `mountpoint`, `device`, `fstype`): `fs.size_bytes`, `fs.free_bytes`, `fs.avail_bytes`,
 * `fs.used_bytes`, `fs.used_fraction` (used / (used + avail), as `df` shows it) and
 * `fs.inodes_used_fraction`. A failing stat is a `read_error`, a slow one a `timeout`; a mount
 * whose stat has not answered yet is in `hung` and skipped (reported as `timeout`) until the
 * call settles, so a dead NFS server never piles up blocked calls.
 */
export async function readFilesystems(round: Round, mounts: Mount[], stat: FsStatFn, timeoutMs: number, hung: Set<string>): Promise<void> {
  const results = await Promise.all(mounts.map((m) => statBounded(stat, m.mountpoint, timeoutMs, hung)));
  for (let i = 0; i < mounts.length; i++) {
    const m = mounts[i];
    const r = results[i];
    if (r === "hung") {
      round.errors.push({ type: "timeout", message: `statfs ${m.mountpoint}: no answer within ${timeoutMs} ms` });
      continue;
    }
    if (!("bsize" in r)) {
      round.readError(`statfs ${m.mountpoint}`, r.error);
      continue;
    }
    if (!(r.blocks > 0)) continue; // empty pseudo filesystems that slipped through the filter
    const labels = { mountpoint: m.mountpoint, device: m.device, fstype: m.fstype };
    const used = (r.blocks - r.bfree) * r.bsize;
    const avail = r.bavail * r.bsize;
    round.gauge("fs.size_bytes", labels, r.blocks * r.bsize);
    round.gauge("fs.free_bytes", labels, r.bfree * r.bsize);
    round.gauge("fs.avail_bytes", labels, avail);
    round.gauge("fs.used_bytes", labels, used);
    round.gauge("fs.used_fraction", labels, used + avail > 0 ? used / (used + avail) : 0);
    if (r.files > 0) round.gauge("fs.inodes_used_fraction", labels, (r.files - r.ffree) / r.files);
  }
}

async function statBounded(stat: FsStatFn, path: string, timeoutMs: number, hung: Set<string>): Promise<FsStats | { error: unknown } | "hung"> {
  if (hung.has(path)) return "hung";
  const call = stat(path).then(
    (s) => s,
    (error: unknown) => ({ error }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), timeoutMs);
    (timer as { unref?: () => void }).unref?.();
  });
  const r = await Promise.race([call, late]);
  clearTimeout(timer);
  if (r === "hung") {
    hung.add(path);
    void call.finally(() => hung.delete(path));
  }
  return r;
}
