import { expect, test } from "bun:test";
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } from "kafkajs";
import { authFailure, describeKafkaError, kafkaErrorType } from "./errors.ts";

test("authentication and authorization failures halt; wrapped ones too", () => {
  // kafkajs' typings declare no constructor arguments; at runtime it takes the message, as kafkajs itself does.
  const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
  const sasl = new SaslError("SASL SCRAM SHA256 authentication failed: invalid credentials");
  expect(authFailure(sasl)).toBe(`kafka refused the credentials: KafkaJSSASLAuthenticationError: SASL SCRAM SHA256 authentication failed: invalid credentials`);
  expect(authFailure(new KafkaJSNumberOfRetriesExceeded(sasl, { retryCount: 2, retryTime: 1 }))).toContain("kafka refused the credentials");
  const acl = Object.assign(new KafkaJSProtocolError("Not authorized to access topics: [Topic authorization failed]"), { type: "TOPIC_AUTHORIZATION_FAILED" });
  expect(authFailure(acl)).toContain("Not authorized");
});

test("connection, TLS and broker errors are not authentication failures; TLS ones are typed and explained", () => {
  const refused = new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:1");
  expect(authFailure(refused)).toBeUndefined();
  expect(kafkaErrorType(refused)).toBe("kafka_KafkaJSConnectionError");
  const tls = new KafkaJSNumberOfRetriesExceeded(
    Object.assign(new KafkaJSConnectionError("Connection error: certificate has expired"), { code: "CERT_HAS_EXPIRED" }),
    {
      retryCount: 1,
      retryTime: 1,
    },
  );
  expect(authFailure(tls)).toBeUndefined();
  expect(kafkaErrorType(tls)).toBe("kafka_tls_CERT_HAS_EXPIRED");
  expect(describeKafkaError(tls)).toStartWith("TLS: the server's certificate has expired (CERT_HAS_EXPIRED): KafkaJSNumberOfRetriesExceeded");
  expect(authFailure(Object.assign(new KafkaJSProtocolError("leader moving"), { type: "NOT_LEADER_FOR_PARTITION" }))).toBeUndefined();
});
