/**
 * The Kafka sink's `tls:` / `sasl:` runtime config → kafkajs' `ssl` / `sasl` options, reading the
 * CA, certificate, key and password files (bounded, parsed: a bad file fails here, naming it).
 * @module
 */
import type { KafkaConfig, SASLOptions } from "kafkajs";
import { readCertificates, readPrivateKey, readSecretFile } from "../../config/tls.ts";
import type { KafkaSaslConfig, KafkaTlsConfig } from "./config.ts";

/**
 * kafkajs' `ssl` option of a `tls:` config.
 *
 * @example
 * kafkaSsl({ caFile: "/etc/agent/kafka-ca.pem", verify: true }); // { ca: ["-----BEGIN CERTIFICATE-----…"], rejectUnauthorized: true }
 * @throws {import("../../config/tls.ts").TlsFileError} when a file is missing or does not parse.
 */
export function kafkaSsl(tls: true | KafkaTlsConfig | undefined): KafkaConfig["ssl"] {
  if (tls === undefined) return undefined;
  if (tls === true) return true;
  return {
    ...(tls.caFile ? { ca: [readCertificates(tls.caFile).pem] } : {}),
    ...(tls.certFile ? { cert: readCertificates(tls.certFile).pem } : {}),
    ...(tls.keyFile ? { key: readPrivateKey(tls.keyFile) } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
    rejectUnauthorized: tls.verify,
  };
}

/**
 * kafkajs' `sasl` option of a `sasl:` config (the password read from its file when given so).
 *
 * @throws {import("../../config/tls.ts").TlsFileError} when the password file is missing or empty.
 */
export function kafkaSasl(sasl: KafkaSaslConfig | undefined): SASLOptions | undefined {
  if (!sasl) return undefined;
  const password = sasl.passwordFile ? readSecretFile(sasl.passwordFile) : (sasl.password ?? "");
  return { mechanism: sasl.mechanism, username: sasl.username, password } as SASLOptions;
}
