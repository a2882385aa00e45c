import { expect, test } from "bun:test";
import { isSha256Fingerprint, normalizeFingerprint } from "./pinning.ts";

const HEX = "7DE7A2011BDACE793DC58E97D17AB0B899BE68FDCF66FD72DA22DD04BB7FC146";

test("fingerprints: with or without colons, any case, normalised to AB:CD:…", () => {
  const colons = HEX.match(/.{2}/g)!.join(":");
  expect(normalizeFingerprint(HEX.toLowerCase())).toBe(colons);
  expect(normalizeFingerprint(colons)).toBe(colons);
  expect(isSha256Fingerprint(HEX)).toBe(true);
  expect(isSha256Fingerprint(colons.toLowerCase())).toBe(true);
});

test("not a SHA-256 fingerprint: short, SHA-1 length, non-hex, stray separators", () => {
  for (const bad of ["AB:CD", HEX.slice(0, 40), `${HEX.slice(0, 62)}ZZ`, `${HEX}:`, `:${HEX}`, HEX.replace(/(.{2})/g, "$1::"), ""]) {
    expect({ bad, ok: isSha256Fingerprint(bad) }).toEqual({ bad, ok: false });
  }
});
