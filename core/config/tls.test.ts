import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { checkTlsFile, MAX_TLS_FILE_BYTES, oneSecret, readCertificates, readPrivateKey, readSecretFile, TlsFileError, tlsFailure } from "./tls.ts";

const dir = mkdtempSync(join(tmpdir(), "core-tls-"));
const pki = join(dir, "pki");
const f = (name: string, text: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
beforeAll(() => {
  execFileSync("bash", [resolve(import.meta.dir, "../../scripts/services/tls-certs.sh"), pki], { stdio: "pipe" });
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reading the files a config names", () => {
  test("a CA bundle, a certificate and a key parse; the secret loses its trailing newline only", () => {
    expect(readCertificates(join(pki, "ca.pem")).certs[0]!.subject).toContain("agent test CA");
    expect(readCertificates(join(pki, "server-keystore.pem")).certs).toHaveLength(2); // key + certificate + CA in one file
    expect(readPrivateKey(join(pki, "server.key"))).toContain("PRIVATE KEY");
    expect(readSecretFile(f("s", "p@ss word\n"))).toBe("p@ss word");
    expect(readSecretFile(f("s2", " spaced \r\n"))).toBe(" spaced ");
  });

  test("hostile or wrong files: a clear TlsFileError naming the file, never a crash or a huge read", () => {
    const big = f("big.pem", new Uint8Array(MAX_TLS_FILE_BYTES + 1));
    const cases: [() => unknown, string][] = [
      [() => readCertificates(join(dir, "none.pem")), "does not exist"],
      [() => readCertificates(big), `larger than the ${MAX_TLS_FILE_BYTES} allowed`],
      [() => readCertificates(f("txt", "hello")), "holds no PEM certificate"],
      [() => readCertificates(f("bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")), "certificate 1 does not parse"],
      [() => readPrivateKey(join(pki, "ca.pem")), "is not a usable unencrypted PEM private key"],
      [() => readSecretFile(f("empty", "\n")), "is empty (expected the secret)"],
      [() => readSecretFile((mkdirSync(join(dir, "d"), { recursive: true }), join(dir, "d"))), "is not a regular file"],
    ];
    for (const [run, says] of cases) {
      let err: unknown;
      try {
        run();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TlsFileError);
      expect((err as Error).message).toContain(says);
    }
  });

  test("checkTlsFile: undefined when fine; an expired certificate with its date; a key file that is a certificate", () => {
    expect(checkTlsFile({ key: "k", file: join(pki, "ca.pem"), kind: "ca" })).toBeUndefined();
    expect(checkTlsFile({ key: "k", file: join(pki, "client.key"), kind: "key" })).toBeUndefined();
    expect(checkTlsFile({ key: "k", file: join(pki, "expired.pem"), kind: "cert" })).toBe(
      `${join(pki, "expired.pem")}: certificate "CN=localhost" expired on Jan  2 00:00:00 2020 GMT`,
    );
    expect(checkTlsFile({ key: "k", file: join(pki, "ca.pem"), kind: "ca" }, new Date("2019-01-01"))).toContain("is not valid before");
    expect(checkTlsFile({ key: "k", file: join(pki, "server.pem"), kind: "key" })).toContain("not a usable unencrypted PEM private key");
  });
});

test("oneSecret: exactly one of the inline secret and its file", () => {
  const S = z.object({ password: z.string().optional(), password_file: z.string().optional() }).superRefine(oneSecret("password"));
  expect(S.safeParse({ password: "x" }).success).toBe(true);
  expect(S.safeParse({ password_file: "/f" }).success).toBe(true);
  expect(S.safeParse({}).error?.issues.map((i) => i.path.join("."))).toEqual(["password"]);
  expect(S.safeParse({ password: "x", password_file: "/f" }).error?.issues[0]?.message).toEndWith("found both");
});

describe("tlsFailure: handshake failures by code or message, wrapped or not", () => {
  test.each([
    [{ code: "SELF_SIGNED_CERT_IN_CHAIN", message: "self signed certificate in certificate chain" }, "SELF_SIGNED_CERT_IN_CHAIN", "not signed by a trusted CA"],
    [{ message: "unable to verify the first certificate" }, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "not signed by a trusted CA"],
    [{ message: "x", cause: { code: "CERT_HAS_EXPIRED", message: "certificate has expired" } }, "CERT_HAS_EXPIRED", "has expired"],
    [
      { name: "KafkaJSNumberOfRetriesExceeded", message: "Connection error: y", cause: { code: "ERR_TLS_CERT_ALTNAME_INVALID" } },
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "does not name this host",
    ],
    [{ message: "nope (ERR_TLS_FINGERPRINT_MISMATCH): want AB" }, "ERR_TLS_FINGERPRINT_MISMATCH", "configured fingerprint"],
  ])("%o → %s", (err, code, says) => {
    const t = tlsFailure(err);
    expect(t?.code).toBe(code);
    expect(t?.reason).toStartWith("TLS: ");
    expect(t?.reason).toContain(says);
  });

  test("other errors, cycles and non-objects are not TLS failures", () => {
    const loop: Record<string, unknown> = { message: "ECONNREFUSED" };
    loop.cause = loop;
    for (const e of [new Error("connect ECONNREFUSED 127.0.0.1:1"), loop, "self signed", undefined, null, 42]) expect(tlsFailure(e)).toBeUndefined();
  });
});
