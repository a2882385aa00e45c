/** Address checks shared by the config schema: `host:port` pairs and http(s) URLs. */

/** A parsed `host:port`. */
export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses `host:port` (IPv6 in brackets: `[::1]:8686`); `undefined` when malformed or the port is
 * outside 0..65535.
 *
 * @example
 * parseHostPort("127.0.0.1:8686"); // { host: "127.0.0.1", port: 8686 }
 */
export function parseHostPort(text: string): HostPort | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  const host = m[1].startsWith("[") ? m[1].slice(1, -1) : m[1];
  return { host, port };
}

/**
 * True when `text` is an absolute `http://` or `https://` URL with a host.
 *
 * @example
 * isHttpUrl("http://127.0.0.1:9100/metrics"); // true
 * isHttpUrl("127.0.0.1:9100");                // false
 */
export function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    return new URL(text).hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * Adds `http://` to an address without a scheme (the prototype's env vars are bare `host:port`).
 *
 * @example
 * withHttpScheme("localhost:9200"); // "http://localhost:9200"
 */
export function withHttpScheme(address: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `http://${address}`;
}
