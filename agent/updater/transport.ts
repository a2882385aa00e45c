/**
 * How the updater reaches the registry: the agent token (inline or from `token_file`) and, for a
 * registry served over HTTPS with a private CA (`agent registry serve --tls-cert`), `fetch` with
 * that CA (`model.registry.ca`). Without `ca`, the system's CAs (and `NODE_EXTRA_CA_CERTS`) apply.
 * @module
 */
import { readCertificates, readSecretFile, TlsFileError, tlsFailure } from "../../core/config/tls.ts";
import type { RegistryModelConfig } from "../config/types.ts";

/** The token and CA of `model.registry`, read from their files. @throws {TlsFileError} naming the config key. */
export function readRegistryCredentials(r: Pick<RegistryModelConfig, "token" | "tokenFile" | "ca">): { token?: string; ca?: string } {
  const read = <T>(key: string, file: string, f: (file: string) => T): T => {
    try {
      return f(file);
    } catch (e) {
      throw e instanceof TlsFileError ? new TlsFileError(e.file, `${e.problem} (model.registry.${key})`) : e;
    }
  };
  return {
    token: r.tokenFile ? read("token_file", r.tokenFile, readSecretFile) : r.token,
    ...(r.ca ? { ca: read("ca", r.ca, (f) => readCertificates(f).pem) } : {}),
  };
}

/**
 * `fetch` for registry requests: with `ca`, the registry's certificate must chain to it (Bun's
 * `tls.ca` fetch option); without it, plain `fetch`. A TLS certificate failure is rethrown with
 * a reason naming what to fix (unknown CA, expired, name mismatch).
 *
 * @example
 * const send = registryFetch(readFileSync("/etc/agent/registry-ca.pem", "utf8"));
 * await send(new Request("https://registry:8700/healthz"));
 */
export function registryFetch(ca: string | undefined): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      return await (ca ? fetch(req, { tls: { ca } } as RequestInit) : fetch(req));
    } catch (error) {
      const tls = tlsFailure(error);
      if (!tls) throw error;
      const which = ca ? "model.registry.ca is set: is it the CA that signed the registry's certificate?" : "model.registry.ca is not set";
      throw new Error(`${tls.reason}; ${which} (${(error as Error).message})`);
    }
  };
}
