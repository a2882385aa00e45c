import type { FleetView, RegistryEvent } from "./render-types.ts";
import { renderFleetBody } from "./render.ts";

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.ok{color:#1a7f37}.stale{color:#b08800}.offline{color:#cf222e;font-weight:600}.muted{color:#888}
.err{color:#cf222e;font-size:.9em;overflow-wrap:anywhere}.nw{white-space:nowrap}.wrap{overflow-wrap:anywhere;font-size:.9em}.bar{display:inline-block;width:120px;height:.8em;background:#eee;vertical-align:middle}
.bar i{display:block;height:100%;background:#4a7bd0}`;

/**
 * The whole `/fleet` page: server-rendered tables plus an inline script (nonce'd, no external
 * assets) that re-renders them from `/v1/fleet` and `/v1/events` every `refreshS` seconds.
 *
 * @example
 * const { html, nonce } = fleetPage(view, events);
 */
export function fleetPage(view: FleetView, events: RegistryEvent[], refreshS = 5): { html: string; nonce: string } {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const script = `const render = ${renderFleetBody.toString()};
async function refresh() {
  try {
    const [f, e] = await Promise.all([fetch("/v1/fleet", { credentials: "same-origin" }), fetch("/v1/events?limit=20", { credentials: "same-origin" })]);
    if (!f.ok || !e.ok) throw new Error("HTTP " + f.status + "/" + e.status);
    document.getElementById("root").innerHTML = render(await f.json(), (await e.json()).events);
    document.getElementById("state").textContent = "";
  } catch (err) { document.getElementById("state").textContent = "refresh failed: " + err.message; }
}
setInterval(refresh, ${Math.round(refreshS * 1000)});`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Fleet — agent registry</title><style>${STYLE}</style></head><body>
<h1>Fleet</h1><p class="muted">Refreshes every ${refreshS} s from <a href="/v1/fleet">/v1/fleet</a>. <span id="state" class="err"></span></p>
<div id="root">${renderFleetBody(view, events)}</div>
<script nonce="${nonce}">${script.replace(/<\/script/gi, "<\\/script")}</script></body></html>`;
  return { html, nonce };
}
