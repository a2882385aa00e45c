import type { Hono } from "hono";
import { requireRole, type RegistryEnv } from "../http/auth.ts";
import type { RegistryContext } from "../context.ts";
import { fleetPage } from "../fleet/page.ts";
import { fleetFromQuery } from "./fleet.ts";

/** `GET /fleet`: the fleet web page (publisher token; `Basic` challenge so a browser asks for it). */
export function registerPageRoute(app: Hono<RegistryEnv>, ctx: RegistryContext): void {
  app.get("/fleet", requireRole(ctx.auth, "publisher", "Basic"), (c) => {
    const { html, nonce } = fleetPage(
      fleetFromQuery(ctx, () => undefined),
      ctx.store.events.list({ limit: 20 }),
    );
    return c.html(html, 200, {
      "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'`,
      "cache-control": "no-store",
    });
  });
}
