/**
 * `agent validate` checks the TLS and secret files the config names: they exist, certificates
 * and keys parse (node:crypto), certificates are in their validity period; each problem names
 * the config key, the file and its line. Certificates made with openssl (scripts/services/tls-certs.sh).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { validateAll } from "./validate.ts";

const dir = mkdtempSync(join(tmpdir(), "agent-validate-tls-"));
const pki = join(dir, "pki");
beforeAll(() => {
  execFileSync("bash", [resolve(import.meta.dir, "../../scripts/services/tls-certs.sh"), pki], { stdio: "pipe" });
  writeFileSync(join(dir, "kafka.password"), "s3cret\n");
  writeFileSync(join(dir, "empty.token"), "\n");
  writeFileSync(join(dir, "garbage.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
  writeFileSync(join(dir, "notpem.txt"), "hello");
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (sinks: string, registry = "") =>
  `agent: { id: a, data_dir: ${join(dir, "data")} }
sources: [{ type: synthetic, id: s, interval: 1s }]
${registry ? `model:\n  registry: ${registry}\n` : ""}sinks:
${sinks}`;

async function problems(text: string) {
  const file = join(dir, "agent.yaml");
  writeFileSync(file, text);
  return (await validateAll(file, {})).problems.map((p) => `${p.line}: ${p.path}: ${p.message}`);
}

test("good files pass: CA, client certificate and key, password file, registry ca and token_file", async () => {
  writeFileSync(join(dir, "agent.token"), "agt_x\n");
  const text = yaml(
    `  - { type: kafka, id: k, tls: { ca: pki/ca.pem, cert: pki/client.pem, key: pki/client.key }, sasl: { mechanism: scram-sha-512, username: u, password_file: kafka.password } }
  - { type: elasticsearch, id: e, index: m, hosts: ["https://es:9200"], tls: { ca: pki/ca.pem }, auth: { username: u, password_file: kafka.password } }`,
    `{ url: "https://r:8700", name: m, token_file: agent.token, ca: pki/ca.pem }`,
  );
  expect(await problems(text)).toEqual([]);
});

test("missing, unparsable, expired and empty files: one problem each, naming key, file and line", async () => {
  const text = yaml(
    `  - { type: kafka, id: k, tls: { ca: nope/ca.pem, cert: garbage.pem, key: notpem.txt }, sasl: { mechanism: plain, username: u, password_file: missing.password } }
  - { type: elasticsearch, id: e, index: m, tls: { ca: pki/expired.pem }, auth: { api_key_file: empty.token } }`,
    `{ url: "https://r:8700", name: m, token_file: empty.token, ca: notpem.txt }`,
  );
  expect(await problems(text)).toEqual([
    `4: model.registry.ca: ${join(dir, "notpem.txt")}: holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`,
    `4: model.registry.token_file: ${join(dir, "empty.token")}: is empty (expected the secret)`,
    `6: sinks[0].tls.ca: ${join(dir, "nope/ca.pem")}: does not exist`,
    expect.stringMatching(new RegExp(`^6: sinks\\[0\\]\\.tls\\.cert: ${join(dir, "garbage.pem")}: certificate 1 does not parse: `)),
    expect.stringMatching(new RegExp(`^6: sinks\\[0\\]\\.tls\\.key: ${join(dir, "notpem.txt")}: is not a usable unencrypted PEM private key: `)),
    `6: sinks[0].sasl.password_file: ${join(dir, "missing.password")}: does not exist`,
    `7: sinks[1].tls.ca: ${join(pki, "expired.pem")}: certificate "CN=localhost" expired on Jan  2 00:00:00 2020 GMT`,
    `7: sinks[1].auth.api_key_file: ${join(dir, "empty.token")}: is empty (expected the secret)`,
  ]);
});
