import type { Telemetry } from "../../core/telemetry/metrics.ts";

/**
 * Pushes the agent's metrics to a Prometheus Pushgateway (`PUT /metrics/job/<job>/instance/<id>`).
 * Returns undefined on success, else the reason; failures are counted, never thrown.
 */
export async function pushMetrics(url: string, job: string, instance: string, telemetry: Telemetry, timeoutMs = 5000): Promise<string | undefined> {
  const target = `${url.replace(/\/+$/, "")}/metrics/job/${encodeURIComponent(job)}/instance/${encodeURIComponent(instance)}`;
  try {
    const res = await fetch(target, {
      method: "PUT",
      body: await telemetry.registry.metrics(),
      headers: { "content-type": telemetry.registry.contentType },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      telemetry.error("pushgateway", `http_${res.status}`);
      return `pushgateway answered ${res.status}`;
    }
    return undefined;
  } catch (error) {
    telemetry.error("pushgateway", (error as Error).name === "TimeoutError" ? "timeout" : "unreachable");
    return `pushgateway ${target}: ${(error as Error).message}`;
  }
}
