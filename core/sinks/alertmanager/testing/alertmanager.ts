/**
 * Test support: a private Prometheus Alertmanager (Debian's `prometheus-alertmanager`, or an
 * `alertmanager` on PATH) in its own temp dir, on its own port, clustering off, with one route
 * grouping by `alertname` and `host` to a webhook receiver (a Bun.serve here) that records every
 * notification. Optionally behind basic auth (`--web.config.file`).
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deadPort } from "../../testing/records.ts";
import { waitFor } from "../../../testing/wait-for.ts";

/** The Alertmanager binary, or undefined. */
export const ALERTMANAGER_BIN = Bun.which("prometheus-alertmanager") ?? Bun.which("alertmanager") ?? undefined;

/** One notification Alertmanager sent to the receiver (webhook payload v4, the fields used). */
export interface AmNotification {
  status: "firing" | "resolved";
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }[];
}

/** A running private Alertmanager. */
export interface PrivateAlertmanager {
  url: string;
  /** Notifications received so far. */
  notifications: AmNotification[];
  /** GET `<url><path>` as JSON (with the basic auth when configured). */
  api(path: string): Promise<any>;
  stop(): Promise<void>;
}

/** Options of {@link startAlertmanager}. */
export interface StartOptions {
  /** Basic auth: username and its bcrypt'ed password. */
  basicAuth?: { username: string; password: string };
}

/** Starts a private Alertmanager; throws (with its log) when it does not become ready in 20 s. */
export async function startAlertmanager(o: StartOptions = {}): Promise<PrivateAlertmanager> {
  if (!ALERTMANAGER_BIN) throw new Error("alertmanager is not installed (apt-get install prometheus-alertmanager)");
  const notifications: AmNotification[] = [];
  const receiver = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      notifications.push((await req.json()) as AmNotification);
      return new Response("ok");
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "am-test-"));
  const port = await deadPort();
  writeFileSync(
    join(dir, "alertmanager.yml"),
    `route:
  receiver: hook
  group_by: [alertname, host]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:${receiver.port}/notify
        send_resolved: true
`,
  );
  const args = [
    ALERTMANAGER_BIN,
    `--config.file=${join(dir, "alertmanager.yml")}`,
    `--storage.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
    "--log.level=warn",
  ];
  let auth: string | undefined;
  if (o.basicAuth) {
    const hash = await Bun.password.hash(o.basicAuth.password, { algorithm: "bcrypt", cost: 4 });
    writeFileSync(join(dir, "web.yml"), `basic_auth_users:\n  ${o.basicAuth.username}: '${hash}'\n`);
    args.push(`--web.config.file=${join(dir, "web.yml")}`);
    auth = `Basic ${Buffer.from(`${o.basicAuth.username}:${o.basicAuth.password}`).toString("base64")}`;
  }
  const proc = Bun.spawn(args, { stdout: "ignore", stderr: "pipe" });
  let stderr = "";
  void (async () => {
    for await (const chunk of proc.stderr) stderr = (stderr + new TextDecoder().decode(chunk)).slice(-4000);
  })();
  const url = `http://127.0.0.1:${port}`;
  const headers: Record<string, string> = auth ? { authorization: auth } : {};
  const stop = async () => {
    proc.kill();
    await proc.exited;
    receiver.stop(true);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`alertmanager exited with ${proc.exitCode}: ${stderr}`);
        return fetch(`${url}/-/ready`, { headers }).then(
          (r) => r.ok,
          () => false,
        );
      },
      { timeoutMs: 20_000, everyMs: 50, what: "alertmanager ready" },
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return {
    url,
    notifications,
    async api(path) {
      const r = await fetch(`${url}${path}`, { headers });
      if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status} ${await r.text()}`);
      return r.json();
    },
    stop,
  };
}
