/**
 * `npm run totp -- mfa@example.com`: the current 6-digit code for a seeded
 * user with a TOTP authenticator (secrets are in .totp-secrets.json, written
 * by the seed, git-ignored). Local development only.
 */
import path from "node:path";
import { ROOT } from "./lib/root.ts";
import { readTotpSecrets, totpCode } from "./lib/seed.ts";

const email = process.argv[2] ?? "mfa@example.com";
const secrets = readTotpSecrets(path.join(ROOT, ".totp-secrets.json"));
const secret = secrets[email];
if (!secret) {
  console.error(
    `No TOTP secret for ${email}. Seeded users with one: ${Object.keys(secrets).join(", ") || "none (run npm run seed)"}`,
  );
  process.exit(1);
}
const remaining = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${totpCode(secret)}  (${email}, valid for ${remaining}s more)`);
