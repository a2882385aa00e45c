/**
 * The sink conformance suite (core/sinks/testing) for the Alertmanager sink against a real
 * Alertmanager (testing/alertmanager.ts), through a recording proxy (testing/proxy.ts) that
 * notes the alerts Alertmanager acknowledged: `readBack` returns the `agent.seq` of their
 * `event_id` annotations. The sink delivers only anomaly events (`holds`): the points of the
 * suite's batches are acknowledged without a request, so only the events are read back.
 * Unavailable: a port nothing listens on until a proxy opens there. Unauthorised: a second
 * Alertmanager behind basic auth (`--web.config.file`), the sink without credentials: a real 401.
 * Without the binary the suite is skipped, except under CI=true, where it fails.
 */
import { deadPort } from "../testing/records.ts";
import { runSinkConformance } from "../testing/conformance.ts";
import { ALERTMANAGER_BIN, type PrivateAlertmanager, startAlertmanager } from "./testing/alertmanager.ts";
import { type RecordingProxy, recordingProxy } from "./testing/proxy.ts";
import { createAlertmanagerSink } from "./sink.ts";

if (!ALERTMANAGER_BIN && process.env.CI) throw new Error("alertmanager is missing under CI: .ci/run installs Debian's prometheus-alertmanager");

let am: PrivateAlertmanager;
let locked: PrivateAlertmanager;
const proxies: RecordingProxy[] = [];
const FAST = { maxRequests: 1000, perMs: 1000 };
const make = (url: string) => createAlertmanagerSink({ id: "alertmanager", url, rateLimit: FAST });

if (ALERTMANAGER_BIN) {
  runSinkConformance("alertmanager", {
    holds: (r) => r.kind === "anomaly",
    setup: async () => {
      [am, locked] = await Promise.all([startAlertmanager(), startAlertmanager({ basicAuth: { username: "agent", password: "right" } })]);
      proxies.push(recordingProxy(am.url));
    },
    make: () => make(proxies[0].url),
    readBack: async (agentId) =>
      proxies.flatMap((p) => p.accepted.filter((a) => a.labels.agent === agentId).map((a) => Number(a.annotations.event_id.split(":").pop()))),
    unavailable: async () => {
      const port = await deadPort();
      return { sink: make(`http://127.0.0.1:${port}`), recover: async () => void proxies.push(recordingProxy(am.url, port)) };
    },
    unauthorised: async () => ({ sink: make(locked.url) }),
    teardown: async () => {
      for (const p of proxies) p.stop();
      await Promise.all([am?.stop(), locked?.stop()]);
    },
  });
} else console.log("[alertmanager] SKIPPED: alertmanager not installed (apt-get install prometheus-alertmanager); CI installs it");
