import type { FleetView, RegistryEvent } from "./render-types.ts";

/**
 * Renders the body of the `/fleet` page from a fleet view and recent events. Self-contained on
 * purpose (no imports, no outer references): the page embeds this very function's source in its
 * inline script, so the server's first render and the browser's refreshes are the same code.
 *
 * @example
 * const html = renderFleetBody(view, events);
 */
export function renderFleetBody(view: FleetView, events: RegistryEvent[]): string {
  const esc = (v: unknown) => String(v ?? "").replace(/[&<>"']/g, (ch) => "&#" + ch.charCodeAt(0) + ";");
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : (x * 100).toFixed(2) + "%");
  const num = (x: number | null | undefined, d: number) => (x === null || x === undefined ? "–" : x.toFixed(d));
  const bar = (f: number, label: string) =>
    '<span class="bar"><i style="width:' + Math.max(0, Math.min(100, f * 100)).toFixed(1) + '%"></i></span> ' + esc(label);
  const table = (head: string[], rows: string[][]) =>
    "<table><tr>" +
    head.map((h) => "<th>" + esc(h) + "</th>").join("") +
    "</tr>" +
    (rows.length
      ? rows.map((r) => "<tr>" + r.map((c) => "<td>" + c + "</td>").join("") + "</tr>").join("")
      : '<tr><td colspan="' + head.length + '" class="muted">none</td></tr>') +
    "</table>";
  const driftCell = (d: { score_psi_max: number; drifted_series: number; input_psi_max: number; score_drifted: number; agents: number } | null | undefined) =>
    d
      ? '<span class="' +
        (d.score_drifted > 0 || d.drifted_series > 0 ? "stale" : "ok") +
        '">score PSI ' +
        d.score_psi_max.toFixed(3) +
        (d.score_drifted ? " (" + esc(d.score_drifted) + " drifted)" : "") +
        "</span> · " +
        esc(d.drifted_series) +
        " series drifted (max PSI " +
        d.input_psi_max.toFixed(2) +
        ")"
      : "–";
  const c = view.counts;
  const live = view.versions.reduce((n, v) => n + v.agents, 0) || 1;
  const maxRate = Math.max(1e-9, ...view.versions.map((v) => v.anomaly_rate_mean ?? 0), ...view.hosts.map((h) => h.anomaly_rate_mean ?? 0));
  let html =
    '<p class="counts"><b>' +
    c.total +
    "</b> agents: " +
    '<span class="ok">' +
    c.ok +
    " ok</span> · " +
    '<span class="stale">' +
    c.stale +
    " stale</span> · " +
    '<span class="offline">' +
    c.offline +
    " offline</span>" +
    ' <span class="muted">(updated ' +
    esc(view.generated_at) +
    ")</span></p>";
  html +=
    "<h2>Canary vs stable</h2>" +
    table(
      ["model", "stable", "canary", "rollout", "anomaly rate stable / canary", "p99 ms stable / canary", "failures (load+scoring) stable / canary", "verdict"],
      view.canaries.map((k) => {
        const s = k.stable.stats,
          q = k.canary.stats;
        const fails = (x: typeof s) => (x ? x.load_failures + "+" + x.scoring_failures : "–");
        return [
          esc(k.model),
          esc(k.stable.version ?? "–"),
          esc(k.canary.version),
          esc(k.canary.rollout) + "%",
          pct(s?.anomaly_rate_mean) + " / " + pct(q?.anomaly_rate_mean),
          num(s?.scoring_latency_ms_p99_max, 1) + " / " + num(q?.scoring_latency_ms_p99_max, 1),
          fails(s) + " / " + fails(q),
          '<span class="' +
            (k.verdict === "failing" || k.verdict === "worse" ? "offline" : k.verdict === "ok" ? "ok" : "muted") +
            '">' +
            esc(k.verdict) +
            (k.canary.rollout === 0 ? " (rolled back)" : "") +
            "</span>",
        ];
      }),
    );
  const withAb = view.canaries.filter((k) => k.ab);
  if (withAb.length) {
    const ci = (r: { rate: number | null; lower: number | null; upper: number | null } | undefined, f: (x: number | null) => string) =>
      r ? f(r.rate) + ' <span class="muted">[' + f(r.lower) + ", " + f(r.upper) + "]</span>" : "–";
    const rate = (x: number | null) => num(x, 3);
    html +=
      "<h2>Canary vs stable by numbers</h2>" +
      table(
        ["model", "arm", "version", "agents", "points", "anomaly rate [CI]", "alarms / series-hour [CI]", "p99 ms [CI]", "drift PSI", "verdict"],
        withAb.flatMap((k) => {
          const ab = k.ab!;
          const m = (name: string) => ab.metrics.find((x) => x.name === name);
          const ratio = (name: string) => {
            const r = m(name)?.ratio;
            return r ? "×" + r.ratio.toFixed(2) + ' <span class="muted">[' + r.lower.toFixed(2) + ", " + r.upper.toFixed(2) + "]</span>" : "–";
          };
          const verdict =
            '<span class="' +
            (ab.verdict === "worse" ? "offline" : ab.verdict === "ok" ? "ok" : "muted") +
            '">' +
            esc(ab.verdict) +
            "</span> " +
            '<span class="muted wrap">' +
            esc(ab.reasons.join("; ")) +
            "</span>";
          return (["stable", "canary"] as const)
            .map((arm) => [
              esc(k.model),
              arm,
              esc(ab[arm].version ?? "–"),
              esc(ab[arm].agents),
              esc(ab[arm].points),
              ci(m("anomaly_rate")?.[arm], pct),
              ci(m("alarm_rate")?.[arm], rate),
              ci(m("scoring_latency_ms_p99")?.[arm], (x) => num(x, 2)),
              num(ab.drift_psi[arm]?.mean, 3),
              arm === "canary" ? verdict : "",
            ])
            .concat([
              [
                esc(k.model),
                "canary / stable",
                "",
                "",
                esc(ab.elapsed_s + " s"),
                ratio("anomaly_rate"),
                ratio("alarm_rate"),
                ratio("scoring_latency_ms_p99"),
                "",
                '<span class="muted">margins ×' + esc(ab.metrics.map((x) => x.max_ratio ?? "off").join(" / ×")) + "</span>",
              ],
            ]);
        }),
      );
  }
  html +=
    "<h2>Model versions</h2>" +
    table(
      [
        "model@version",
        "agents (share)",
        "anomaly rate (mean)",
        "p99 ms (max)",
        "load / scoring failures",
        "drift",
        "shadow: agreement, flag rate shadow / live",
      ],
      view.versions.map((v) => [
        esc(v.model + "@" + v.version),
        bar(v.agents / live, v.agents + " (" + ((100 * v.agents) / live).toFixed(0) + "%)"),
        bar((v.anomaly_rate_mean ?? 0) / maxRate, pct(v.anomaly_rate_mean)),
        num(v.scoring_latency_ms_p99_max, 1),
        v.load_failures + " / " + v.scoring_failures,
        driftCell(v.drift),
        (v.shadows ?? [])
          .map((k) => esc(k.candidate) + ": " + pct(k.agreement) + ", " + pct(k.flag_rate) + " / " + pct(k.live_flag_rate) + " (" + esc(k.agents) + " agents)")
          .join("<br>") || "–",
      ]),
    );
  html +=
    "<h2>Anomaly rate per host</h2>" +
    table(
      ["host", "agents", "anomaly rate (mean)", "drift"],
      view.hosts.map((h) => [esc(h.host), esc(h.agents), bar((h.anomaly_rate_mean ?? 0) / maxRate, pct(h.anomaly_rate_mean)), driftCell(h.drift)]),
    );
  html +=
    "<h2>Agents</h2>" +
    table(
      [
        "agent",
        "status",
        "host",
        "model",
        "uptime",
        "points/s",
        "anomaly rate",
        "buffer",
        "sinks",
        "p99 ms",
        "last error",
        "last seen",
        "drift (score PSI, drifted/series)",
      ],
      view.agents.map((a) => {
        const h = a.heartbeat;
        return [
          esc(a.agent_id),
          '<span class="' + a.status + '">' + a.status + "</span>",
          esc(h.host),
          esc(h.model.name + "@" + h.model.version) + (h.target ? ' <span class="muted">→ ' + esc(h.target.version) + "</span>" : ""),
          esc(Math.round(h.uptime_s) + " s"),
          num(h.points_per_s, 1),
          pct(h.anomaly_rate),
          esc(h.buffer_depth),
          h.sinks.map((s) => esc(s.id) + ':<span class="' + (s.state === "ok" ? "ok" : "stale") + '">' + esc(s.state) + "</span>").join(" "),
          num(h.scoring_latency_ms_p99, 1),
          '<span class="err">' + esc(h.last_error ?? "") + "</span>",
          esc(a.age_s + " s ago"),
          h.drift
            ? '<span class="' +
              (h.drift.score.drifted || h.drift.drifted > 0 ? "stale" : "ok") +
              '">' +
              h.drift.score.psi.toFixed(3) +
              ", " +
              esc(h.drift.drifted) +
              "/" +
              esc(h.drift.series) +
              "</span>"
            : "–",
        ];
      }),
    );
  if (view.agents.length < c.total) {
    html +=
      '<p class="muted">Showing ' +
      view.agents.length +
      " of " +
      c.total +
      " agents (first page, by id); <code>agent fleet</code> or <code>/v1/fleet?cursor=</code> pages through the rest.</p>";
  }
  const refused = Object.entries(view.refused ?? {});
  if (refused.length) html += '<p class="muted">Refused or ignored since start: ' + refused.map(([k, n]) => esc(k) + " " + esc(n)).join(", ") + "</p>";
  html +=
    "<h2>Events</h2>" +
    table(
      ["time", "type", "model", "version", "channel", "by", "detail"],
      events.map((e) => [
        '<span class="nw">' + esc(e.at) + "</span>",
        esc(e.type),
        '<span class="nw">' + esc(e.model) + "</span>",
        esc(e.version),
        esc(e.channel),
        esc(e.actor),
        '<span class="wrap">' + esc(e.detail.comparison && e.detail.reason ? e.detail.reason : JSON.stringify(e.detail)) + "</span>",
      ]),
    );
  return html;
}
