/**
 * TLS material and secrets named in the config: the schema pieces (`password` / `password_file`,
 * certificate and key files), reading them (bounded, PEM checked), the checks `agent validate`
 * runs on them, and one-line reasons for TLS handshake failures.
 *
 * Secrets come from a file (`*_file`, mode 0600 recommended), from the environment through the
 * loader's `${VAR}` interpolation, or inline (discouraged: the config file then holds the secret).
 * @module
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { found } from "./fields.ts";

/** Largest certificate bundle / key / secret file read (1 MiB; a CA bundle is ~200 KiB). */
export const MAX_TLS_FILE_BYTES = 1024 * 1024;

/** A path in the config (relative to the config file's directory). */
export const FilePath = z
  .string({ error: (i) => `expected a file path, found ${found(i.input)}` })
  .min(1, { error: "expected a file path, found an empty string" });

/** What a file named in the config must hold. */
export type TlsFileKind = "ca" | "cert" | "key" | "secret";

/** A file the config names, for {@link checkTlsFile}: `key` is its config path (e.g. `sinks[0].tls.ca`). */
export interface TlsFileRef {
  key: string;
  file: string;
  kind: TlsFileKind;
}

/** A file named in the config could not be used. */
export class TlsFileError extends Error {
  override name = "TlsFileError";
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Reads a file of at most {@link MAX_TLS_FILE_BYTES}, as text. @throws {TlsFileError} */
export function readBoundedFile(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new TlsFileError(file, "is not a regular file");
    size = st.size;
  } catch (e) {
    if (e instanceof TlsFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new TlsFileError(file, code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (e as Error).message})`);
  }
  if (size > MAX_TLS_FILE_BYTES) throw new TlsFileError(file, `is ${size} bytes, larger than the ${MAX_TLS_FILE_BYTES} allowed`);
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new TlsFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** A secret file's content, without the trailing newline editors add. @throws {TlsFileError} when missing or empty. */
export function readSecretFile(file: string): string {
  const text = readBoundedFile(file).replace(/\r?\n$/, "");
  if (text.length === 0) throw new TlsFileError(file, "is empty (expected the secret)");
  return text;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM file, each parsed. @throws {TlsFileError} when there is none or one does not parse. */
export function readCertificates(file: string): { pem: string; certs: X509Certificate[] } {
  const pem = readBoundedFile(file);
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new TlsFileError(file, "holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
  const certs = blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new TlsFileError(file, `certificate ${i + 1} does not parse: ${(e as Error).message}`);
    }
  });
  return { pem, certs };
}

/** A PEM private key file, parsed. @throws {TlsFileError} */
export function readPrivateKey(file: string): string {
  const pem = readBoundedFile(file);
  try {
    createPrivateKey(pem);
  } catch (e) {
    throw new TlsFileError(file, `is not a usable unencrypted PEM private key: ${(e as Error).message}`);
  }
  return pem;
}

/**
 * What is wrong with a file the config names, or undefined. Certificates must parse and be
 * valid now (an expired CA or client certificate is reported with its date); keys must parse.
 *
 * @example
 * checkTlsFile({ key: "sinks[0].tls.ca", file: "/etc/agent/ca.pem", kind: "ca" }); // undefined or "…/ca.pem: does not exist"
 */
export function checkTlsFile(ref: TlsFileRef, now = new Date()): string | undefined {
  try {
    if (ref.kind === "secret") readSecretFile(ref.file);
    else if (ref.kind === "key") readPrivateKey(ref.file);
    else {
      const { certs } = readCertificates(ref.file);
      for (const c of certs) {
        if (new Date(c.validTo) < now) return `${ref.file}: certificate "${c.subject.replace(/\n/g, ", ")}" expired on ${c.validTo}`;
        if (new Date(c.validFrom) > now) return `${ref.file}: certificate "${c.subject.replace(/\n/g, ", ")}" is not valid before ${c.validFrom}`;
      }
    }
    return undefined;
  } catch (e) {
    return e instanceof TlsFileError ? e.message : `${ref.file}: ${(e as Error).message}`;
  }
}

/**
 * A `superRefine` check: exactly one of `<name>` (inline, discouraged) and `<name>_file` is set.
 *
 * @example
 * z.object({ password: z.string().optional(), password_file: FilePath.optional() }).superRefine(oneSecret("password"));
 */
export function oneSecret(name: string) {
  return (v: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const inline = v[name] !== undefined;
    const file = v[`${name}_file`] !== undefined;
    if (inline === file) {
      ctx.addIssue({
        code: "custom",
        path: [inline ? `${name}_file` : name],
        message: `expected exactly one of ${name}_file (a file holding the secret) or ${name} (inline or "\${VAR}"), found ${inline ? "both" : "neither"}`,
      });
    }
  };
}

/** Codes of Node/Bun TLS verification failures, by what they mean for the operator. */
const TLS_HINTS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not signed by a trusted CA (set the ca option to the CA that signed it)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not trusted (set the ca option to it)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not signed by a trusted CA (set the ca option to the CA that signed it)",
  UNABLE_TO_GET_ISSUER_CERT: "the server's certificate is not signed by a trusted CA (set the ca option to the CA that signed it)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate is not signed by a trusted CA (set the ca option to the CA that signed it)",
  CERT_SIGNATURE_FAILURE: "the server's certificate signature does not verify",
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet (check the clocks)",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not name this host (set server_name, or use the name in the certificate)",
  ERR_TLS_FINGERPRINT_MISMATCH: "the server's certificate does not match the configured fingerprint",
};

type Chained = { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };

/**
 * When `err` (or what it wraps: `cause`, `originalError`) is a TLS certificate failure: its code
 * and a one-line reason naming what to fix. Undefined for any other error.
 *
 * @example
 * tlsFailure(err); // { code: "CERT_HAS_EXPIRED", reason: "TLS: the server's certificate has expired (CERT_HAS_EXPIRED)" }
 */
export function tlsFailure(err: unknown): { code: string; reason: string } | undefined {
  const chain: Chained[] = [];
  for (let cur: unknown = err; cur && typeof cur === "object" && chain.length < 8 && !chain.includes(cur as Chained); ) {
    chain.push(cur as Chained);
    cur = (cur as Chained).cause ?? (cur as Chained).originalError;
  }
  const hit = (key: string) => ({ code: key, reason: `TLS: ${TLS_HINTS[key]} (${key})` });
  for (const c of chain) if (typeof c.code === "string" && TLS_HINTS[c.code]) return hit(c.code);
  for (const c of chain) {
    const msg = typeof c.message === "string" ? c.message : "";
    const named = Object.keys(TLS_HINTS).find((k) => msg.includes(k));
    if (named) return hit(named);
    if (/certificate has expired/i.test(msg)) return hit("CERT_HAS_EXPIRED");
    if (/self[- ]signed certificate in certificate chain/i.test(msg)) return hit("SELF_SIGNED_CERT_IN_CHAIN");
    if (/self[- ]signed certificate/i.test(msg)) return hit("DEPTH_ZERO_SELF_SIGNED_CERT");
    if (/unable to (verify the first certificate|get local issuer certificate)/i.test(msg)) return hit("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  }
  return undefined;
}
