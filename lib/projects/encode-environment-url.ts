import "server-only";
import { AppError } from "@/lib/errors";
import { encryptSecret } from "@/lib/secrets/encrypt-secret";
import { maskUrl } from "@/lib/secrets/mask-url";
import { isEnvRef, parseEnvRef } from "@/lib/secrets/resolve-environment-url";
import { envRefRefusal, rawAtInPassword } from "@/lib/secrets/check-database-url";
import { z } from "zod";

/** The stored columns for a URL: `env:` references kept as is, literals only encrypted. */
export function encodeEnvironmentUrl(url: string, key: Buffer | undefined, where: string): { urlRef: string | null; urlEncrypted: string | null; urlMasked: string } {
  const value = url.trim();
  // Also checked here, on the server, for every way in (form, API, config sync): the env: policy
  // depends on the server's own variables, which the shared form schema cannot see.
  const refusal = isEnvRef(value) ? envRefRefusal(parseEnvRef(value) ?? "") : rawAtInPassword(value);
  if (refusal) throw new z.ZodError([{ code: "custom", path: ["url"], message: `${where}: ${refusal}`, input: undefined }]);
  if (isEnvRef(value)) return { urlRef: value, urlEncrypted: null, urlMasked: value };
  if (!key) {
    throw new AppError(
      "config",
      `no secret key to encrypt the URL of ${where}`,
      `Cairn cannot store the literal URL of ${where}: CAIRN_SECRET_KEY is not set. Set it (openssl rand -hex 32), or use an env:VARIABLE_NAME reference instead.`,
    );
  }
  return { urlRef: null, urlEncrypted: encryptSecret(value, key), urlMasked: maskUrl(value) };
}
