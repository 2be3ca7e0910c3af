import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { decryptSecret, encryptSecret } from "@/lib/secrets/encrypt-secret";
import { parseSecretKey } from "@/lib/secrets/parse-secret-key";
import { loadSecretKey } from "@/lib/secrets/load-secret-key";
import { maskUrl, scrubSecrets } from "@/lib/secrets/mask-url";
import { resolveEnvironmentUrl } from "@/lib/secrets/resolve-environment-url";

/** The user-facing message of what `fn` throws. */
function userMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { userMessage?: string }).userMessage ?? String(e);
  }
  throw new Error("expected an error");
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-secrets-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("encryption at rest", () => {
  const key = randomBytes(32);
  const url = "postgresql://app:s3cr3t!@db.internal:5432/shop";

  it("round-trips and never stores the plaintext", () => {
    const blob = encryptSecret(url, key);
    expect(blob.startsWith("v1.")).toBe(true);
    expect(blob).not.toContain("s3cr3t");
    expect(decryptSecret(blob, key)).toBe(url);
    expect(encryptSecret(url, key)).not.toBe(blob); // fresh IV each time
  });

  it("detects tampering with the ciphertext, the tag or the IV", () => {
    const blob = encryptSecret(url, key);
    const parts = blob.split(".");
    for (const i of [1, 2, 3]) {
      const p = [...parts];
      const bytes = Buffer.from(p[i]!, "base64url");
      bytes[0] = bytes[0]! ^ 1;
      p[i] = bytes.toString("base64url");
      expect(userMessage(() => decryptSecret(p.join("."), key))).toMatch(/could not be decrypted.*altered/);
    }
    expect(userMessage(() => decryptSecret(blob, randomBytes(32)))).toMatch(/CAIRN_SECRET_KEY changed/);
    expect(userMessage(() => decryptSecret("plain text", key))).toMatch(/encrypted format/);
  });

  it("parses hex and base64 keys and explains a bad one", () => {
    const k = randomBytes(32);
    expect(parseSecretKey(k.toString("hex")).equals(k)).toBe(true);
    expect(parseSecretKey(k.toString("base64")).equals(k)).toBe(true);
    expect(userMessage(() => parseSecretKey("too-short"))).toMatch(/64 hex characters or base64 of 32 bytes.*openssl rand/);
    expect(userMessage(() => parseSecretKey(randomBytes(16).toString("hex")))).toMatch(/CAIRN_SECRET_KEY is not a valid encryption key/);
  });

  it("requires CAIRN_SECRET_KEY for a shared store, generates a 0600 key file for the embedded demo", () => {
    expect(userMessage(() => loadSecretKey({ dataDir: tmp, allowGeneratedKey: false }))).toMatch(/CAIRN_SECRET_KEY is not set/);
    const dir = path.join(tmp, "data");
    const first = loadSecretKey({ dataDir: dir, allowGeneratedKey: true });
    const file = path.join(dir, "secret.key");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ dataDir: dir, allowGeneratedKey: true }).equals(first)).toBe(true);
    const explicit = randomBytes(32);
    expect(loadSecretKey({ secretKey: explicit.toString("hex"), dataDir: dir, allowGeneratedKey: true }).equals(explicit)).toBe(true);
  });
});

describe("masking and scrubbing", () => {
  it("masks the password and nothing else", () => {
    expect(maskUrl("postgresql://app:s3cret@db:5432/shop")).toBe("postgresql://app:****@db:5432/shop");
    expect(maskUrl("postgresql+psycopg2://app:p@ss/w:rd@db/shop")).toBe("postgresql+psycopg2://app:****@db/shop");
    expect(maskUrl("postgresql://app@db/shop")).toBe("postgresql://app@db/shop");
    expect(maskUrl("postgresql://db/shop?user=a&password=xyz&sslmode=require")).toBe("postgresql://db/shop?user=a&password=****&sslmode=require");
    expect(maskUrl("sqlite:///relative.db")).toBe("sqlite:///relative.db");
    expect(maskUrl("env:QA_DATABASE_URL")).toBe("env:QA_DATABASE_URL");
    expect(maskUrl("host=db password=xyz")).toBe("****");
  });

  it("scrubs raw and percent-decoded passwords and URLs from driver messages", () => {
    const url = "postgresql://app:p%40ssw0rd@db/shop";
    const msg = `connect to postgresql://app:p%40ssw0rd@db/shop failed: password "p@ssw0rd" rejected; also mysql://x:other@h/d`;
    const out = scrubSecrets(msg, [url]);
    expect(out).not.toMatch(/p%40ssw0rd|p@ssw0rd|other/);
    expect(out).toContain("postgresql://app:****@db/shop");
  });
});

describe("env: references", () => {
  it("resolves from the environment at read time and explains a missing variable", () => {
    expect(resolveEnvironmentUrl({ urlRef: "env:CAIRN_ENV_QA_DATABASE_URL" }, { env: { CAIRN_ENV_QA_DATABASE_URL: "sqlite:///x.db" } })).toEqual({ ok: true, url: "sqlite:///x.db" });
    expect(resolveEnvironmentUrl({ urlRef: "env:CAIRN_ENV_QA_DATABASE_URL" }, { env: {} })).toEqual({
      ok: false,
      reason: "environment variable not set",
      message: "environment variable CAIRN_ENV_QA_DATABASE_URL is not set",
    });
  });

  it("checks the env: policy again when resolving, not only at registration", () => {
    const env = { DATABASE_URL: "postgresql://cairn:St0re-pw@store/cairn", CAIRN_SECRET_KEY: "9f8e7d6c5b4a", QA_DATABASE_URL: "sqlite:///x.db" };
    for (const name of ["DATABASE_URL", "CAIRN_SECRET_KEY"]) {
      const r = resolveEnvironmentUrl({ urlRef: `env:${name}` }, { env });
      expect(r).toMatchObject({ ok: false, reason: "invalid url", message: expect.stringMatching(new RegExp(`^env:${name} names one of Cairn's own variables`)) });
      expect(JSON.stringify(r)).not.toContain(env[name as keyof typeof env]);
    }
    expect(resolveEnvironmentUrl({ urlRef: "env:QA_DATABASE_URL" }, { env })).toMatchObject({ ok: false, message: expect.stringMatching(/only names starting with CAIRN_ENV_ or listed in CAIRN_ENV_ALLOW/) });
    expect(resolveEnvironmentUrl({ urlRef: "env:QA_DATABASE_URL" }, { env: { ...env, CAIRN_ENV_ALLOW: "QA_DATABASE_URL" } })).toEqual({ ok: true, url: "sqlite:///x.db" });
  });

  it("decrypts stored literals and refuses without a key", () => {
    const key = randomBytes(32);
    const stored = { urlEncrypted: encryptSecret("sqlite:///a.db", key) };
    expect(resolveEnvironmentUrl(stored, { key })).toEqual({ ok: true, url: "sqlite:///a.db" });
    expect(resolveEnvironmentUrl(stored, {})).toMatchObject({ ok: false, message: expect.stringMatching(/CAIRN_SECRET_KEY/) });
  });
});
