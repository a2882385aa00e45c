/**
 * Certificate pinning for the search client (`tls.ca_fingerprint`): an `https.Agent` whose
 * connections are handed to HTTP only after the server's certificate chain was found to hold a
 * certificate with the configured SHA-256 fingerprint. No byte of a request (credentials
 * included) is written to a server that fails the check.
 *
 * Why not the client's own `caFingerprint`: it walks `getPeerCertificate(true).issuerCertificate`
 * to the root, which Bun does not fill in (only the server's own certificate is exposed), so
 * every connection fails with "Invalid or malformed certificate". Here every certificate the
 * runtime exposes is compared: under Bun that is the server's certificate, under Node the chain
 * up to the CA.
 *
 * Chain validation against the CAs is off for a pinned connection (the pin replaces it, as in the
 * Elasticsearch clients); the certificate's validity dates are still checked.
 * @module
 */
import https from "node:https";
import type { Duplex } from "node:stream";
import tls from "node:tls";

/** Normalises a SHA-256 fingerprint: upper-case hex pairs joined by `:` (input with or without colons). */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[:\s]/g, "").toUpperCase();
  return hex.match(/.{2}/g)?.join(":") ?? hex;
}

/** True for 64 hex digits, with or without `:` between pairs (a SHA-256 fingerprint). */
export function isSha256Fingerprint(fp: string): boolean {
  return /^[0-9A-Fa-f]{64}$/.test(fp.replace(/:/g, "")) && /^([0-9A-Fa-f]{2}:?)+$/.test(fp) && !fp.endsWith(":");
}

type PeerCert = tls.DetailedPeerCertificate;

/** The certificates the runtime exposes for this connection: the server's, then its issuers when known. */
function chainOf(socket: tls.TLSSocket): PeerCert[] {
  const out: PeerCert[] = [];
  let c = socket.getPeerCertificate(true) as PeerCert | undefined;
  while (c && Object.keys(c).length > 0 && out.length < 10) {
    out.push(c);
    if (!c.issuerCertificate || c.issuerCertificate.fingerprint256 === c.fingerprint256) break;
    c = c.issuerCertificate;
  }
  return out;
}

/** Why `socket`'s certificates do not satisfy the pin, or undefined when one matches and is valid now. */
export function pinProblem(socket: tls.TLSSocket, fingerprint: string, now = new Date()): string | undefined {
  const chain = chainOf(socket);
  if (chain.length === 0) return "the server presented no certificate";
  const want = normalizeFingerprint(fingerprint);
  const leaf = chain[0]!;
  if (new Date(leaf.valid_to) < now) return `certificate has expired (CERT_HAS_EXPIRED): the server's certificate expired on ${leaf.valid_to}`;
  if (new Date(leaf.valid_from) > now) return `the server's certificate is not valid before ${leaf.valid_from} (CERT_NOT_YET_VALID)`;
  if (chain.some((c) => normalizeFingerprint(c.fingerprint256) === want)) return undefined;
  return (
    `the server's certificate does not match the configured fingerprint (ERR_TLS_FINGERPRINT_MISMATCH): want ${want}, ` +
    `the server presented ${chain.map((c) => `${c.subject?.CN ?? "?"} ${c.fingerprint256}`).join(", ")}` +
    (chain.length === 1 ? " (this runtime exposes only the server's own certificate: pin it, or set tls.ca)" : "")
  );
}

/** An `https.Agent` that checks the pin before a connection is used (see the module note). */
export class PinnedHttpsAgent extends https.Agent {
  constructor(
    private readonly fingerprint: string,
    options: https.AgentOptions,
  ) {
    super({ ...options, rejectUnauthorized: false });
  }

  override createConnection(options: https.RequestOptions, cb?: (err: Error | null, stream: Duplex) => void): Duplex | undefined {
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      if (err) {
        socket.destroy();
        cb?.(err, socket);
      } else cb?.(null, socket);
    };
    socket.once("secureConnect", () => {
      const problem = pinProblem(socket, this.fingerprint);
      finish(
        problem
          ? Object.assign(new Error(problem), { code: problem.includes("CERT_HAS_EXPIRED") ? "CERT_HAS_EXPIRED" : "ERR_TLS_FINGERPRINT_MISMATCH" })
          : null,
      );
    });
    socket.once("error", (e) => finish(e));
    return undefined;
  }
}
