/**
 * 405 Method Not Allowed for Hono apps: a path that exists under another method answers 405 with
 * an `Allow` header (RFC 9110 §15.5.6) instead of the app's 404; an unknown path stays 404.
 */
import type { Context, Env, Hono } from "hono";

/** Methods a request can be routed by (Hono's `app.routes` also holds `ALL` for middleware, ignored here). */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** A Hono route path (`/v1/models/:name`, `:id{[0-9]+}`, `*`) as an anchored regular expression. */
function pathPattern(path: string): RegExp {
  const parts = path.split("/").map((seg) => {
    if (seg === "*") return ".*";
    const param = /^:[A-Za-z0-9_]+(?:\{(.+)\})?(\?)?$/.exec(seg);
    if (param) return `${param[1] ? `(?:${param[1]})` : "[^/]+"}${param[2] ? "?" : ""}`;
    return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${parts.join("/")}/?$`);
}

/**
 * The methods `app` routes `path` by, sorted, with `HEAD` wherever `GET` is (Hono answers HEAD
 * with the GET handler). Empty when no route matches the path.
 *
 * @example
 * allowedMethods(app, "/v1/score"); // ["POST"]
 */
export function allowedMethods<E extends Env>(app: Hono<E>, path: string): string[] {
  const found = new Set<string>();
  for (const route of app.routes) {
    if (!METHODS.has(route.method) || found.has(route.method)) continue;
    if (pathPattern(route.path).test(path)) found.add(route.method);
  }
  if (found.has("GET")) found.add("HEAD");
  return [...found].sort();
}

/**
 * Wraps a not-found handler: when the path is routed under other methods, answers with
 * `respond(c, allowed)` (which must return a 405) and sets `Allow`; otherwise calls `notFound`.
 *
 * @example
 * app.notFound(notFoundOr405(app, (c, allow) => c.json({ error: `use ${allow.join(", ")}` }, 405), (c) => c.json({ error: "no route" }, 404)));
 */
export function notFoundOr405<E extends Env>(
  app: Hono<E>,
  respond: (c: Context<E>, allowed: string[]) => Response | Promise<Response>,
  notFound: (c: Context<E>) => Response | Promise<Response>,
): (c: Context<E>) => Response | Promise<Response> {
  return async (c) => {
    const allowed = allowedMethods(app, c.req.path);
    if (allowed.length === 0 || allowed.includes(c.req.method)) return notFound(c);
    const res = await respond(c, allowed);
    res.headers.set("allow", allowed.join(", "));
    return res;
  };
}
