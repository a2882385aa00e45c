/**
 * The Elasticsearch sink's `auth:` / `tls:` runtime config → the client's `auth` / `tls` options,
 * reading the key, certificate and secret files (bounded, parsed: a bad file fails here, naming it).
 * @module
 */
import { readCertificates, readPrivateKey, readSecretFile } from "../../config/tls.ts";
import type { SearchAuth, SearchClientOptions } from "./client.ts";
import type { ElasticsearchAuth, ElasticsearchTlsConfig } from "./config.ts";

/**
 * An API key as the client sends it (`Authorization: ApiKey <base64(id:key)>`): the encoded
 * form Elasticsearch returns is kept, an `id:api_key` pair is encoded.
 *
 * @example
 * encodeApiKey("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw"); // "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
 */
export function encodeApiKey(key: string): string {
  return key.includes(":") ? Buffer.from(key, "utf8").toString("base64") : key;
}

/**
 * The client's `auth` of an `auth:` config (secrets read from their files).
 *
 * @throws {import("../../config/tls.ts").TlsFileError} when a secret file is missing or empty.
 */
export function searchAuth(auth: ElasticsearchAuth | undefined): SearchAuth | undefined {
  if (!auth) return undefined;
  if ("username" in auth) return { username: auth.username, password: auth.passwordFile ? readSecretFile(auth.passwordFile) : (auth.password ?? "") };
  return { apiKey: encodeApiKey(auth.apiKeyFile ? readSecretFile(auth.apiKeyFile) : (auth.apiKey ?? "")) };
}

/**
 * The client's `tls` of a `tls:` config (CA, certificate and key read and parsed).
 *
 * @throws {import("../../config/tls.ts").TlsFileError} when a file is missing or does not parse.
 */
export function searchTls(tls: ElasticsearchTlsConfig | undefined): SearchClientOptions["tls"] {
  if (!tls) return undefined;
  return {
    ...(tls.caFile ? { ca: readCertificates(tls.caFile).pem } : {}),
    ...(tls.certFile ? { cert: readCertificates(tls.certFile).pem } : {}),
    ...(tls.keyFile ? { key: readPrivateKey(tls.keyFile) } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
    rejectUnauthorized: tls.verify,
  };
}
