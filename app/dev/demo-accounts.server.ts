/**
 * The demo accounts the seed creates in the local emulator: the one list that
 * the seed (scripts/lib/seed.ts), `npm run dev`'s console and the development
 * home page read. It lives in the app because the app shows it; scripts use
 * the app, never the other way round.
 *
 * Plain data with no imports, so the server bundle carries it without the AWS
 * SDK or the seeding code, and `.server` keeps it out of the browser bundle.
 * The passwords are published fixtures of the local emulator (also in the
 * README), never real credentials: `seed()` refuses to run without an
 * emulator endpoint, and the home page shows them only in development
 * against the emulator (local-guide.server.ts).
 */

export interface SeedUser {
  email: string;
  password: string;
  groups: string[];
  attributes?: Record<string, string>;
  /** `temporary`: left in FORCE_CHANGE_PASSWORD (must choose a password at first sign-in). */
  status?: "confirmed" | "temporary";
  /** Enrol a TOTP authenticator; its secret goes to the secrets file. */
  totp?: boolean;
  /** What signing in as this account shows, in one sentence (dev console and home page). */
  demonstrates: string;
}

export const SEED_USERS: SeedUser[] = [
  {
    email: "demo@example.com",
    password: "DemoPassw0rd!",
    groups: ["users"],
    attributes: { name: "Demo User" },
    demonstrates:
      "An ordinary account: the dashboard, your account pages, and a 403 at /admin. Also signs in with an emailed code.",
  },
  {
    email: "admin@example.com",
    password: "AdminPassw0rd!",
    groups: ["admins", "users"],
    attributes: { name: "Admin User" },
    demonstrates: "A member of the admins group: the /admin page opens.",
  },
  {
    email: "newhire@example.com",
    password: "TempPassw0rd!",
    groups: ["users"],
    attributes: { name: "New Hire" },
    status: "temporary",
    demonstrates: "A temporary password: you choose a new one at first sign-in.",
  },
  {
    email: "mfa@example.com",
    password: "MfaPassw0rd!",
    groups: ["users"],
    attributes: { name: "MFA User" },
    totp: true,
    demonstrates: "Two-step sign-in: after the password, a code from an authenticator app (TOTP).",
  },
];

/** A demo account with no password: it signs in with an emailed code, or a passkey once added. */
export type PasswordlessSeedUser = Pick<SeedUser, "email" | "groups" | "attributes" | "demonstrates">;

export const PASSWORDLESS_SEED_USERS: PasswordlessSeedUser[] = [
  {
    email: "passwordless@example.com",
    groups: ["users"],
    attributes: { name: "Passwordless User" },
    demonstrates: "No password at all: sign in with an emailed code, then add a passkey and sign in with that.",
  },
];

/** How to try the accounts with no password (see passwordlessGuide). */
export interface PasswordlessGuide {
  accounts: { email: string; demonstrates: string }[];
  /** The host name passkeys are bound to: APP_URL's, the seed's relying party. */
  passkeyHost: string;
}

/**
 * What to tell a newcomer about the passwordless accounts, or null where the
 * app cannot offer them: choice-based sign-in (COGNITO_USER_AUTH=1) must be on
 * and the app's own form allowed (not AUTH_FLOW=hosted). The home page's guide
 * and `npm run dev`'s console both read it, so they say the same.
 */
export function passwordlessGuide(options: {
  userAuth: boolean | undefined;
  customAllowed: boolean;
  appUrl: string;
}): PasswordlessGuide | null {
  if (!options.userAuth || !options.customAllowed) return null;
  return {
    accounts: PASSWORDLESS_SEED_USERS.map(({ email, demonstrates }) => ({ email, demonstrates })),
    passkeyHost: new URL(options.appUrl).hostname,
  };
}

/** The command that prints a TOTP-enrolled demo user's current code. */
export function totpCommand(email: string): string {
  return `npm run totp -- ${email}`;
}
