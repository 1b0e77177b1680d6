/**
 * What the development home page tells a newcomer about the local setup: the
 * two ways to sign in and which one `/login` uses, and the seeded demo
 * accounts. Only in development against the emulator (`COGNITO_ENDPOINT`):
 * anywhere else it is null, so a production page never carries the demo
 * accounts, and the browser bundle never imports the seed's data (it reaches
 * the page through the loader).
 */
import { describeFlowChoice, type FlowChoice } from "~/auth/flow.server";
import type { AuthFlowSetting, Env } from "~/env.server";
import { type PasswordlessGuide, passwordlessGuide, SEED_USERS, totpCommand } from "./demo-accounts.server";
import { LOCAL_IDP_PEOPLE } from "./local-idp-people.server";

export interface DemoAccount {
  email: string;
  password: string;
  groups: string[];
  /** What signing in as this account shows. */
  demonstrates: string;
  /** The command printing its current TOTP code, for an account with an authenticator. */
  totpCommand: string | null;
}

export interface LocalGuide {
  /** The AUTH_FLOW setting and what it makes `/login` do. */
  authFlow: AuthFlowSetting;
  flow: FlowChoice;
  accounts: DemoAccount[];
  /**
   * How to try an emailed code and a passkey (COGNITO_USER_AUTH=1 and the
   * app's form allowed), or null: the seeded accounts with no password, and
   * the host name passkeys are bound to (APP_URL's, the seed's relying party).
   */
  passwordless: PasswordlessGuide | null;
  /**
   * "Continue with …" through the local identity provider (COGNITO_IDENTITY_PROVIDERS set and the
   * Hosted UI available), or null: the providers offered and the people who can sign in there.
   */
  providers: { names: string[]; people: { email: string; password: string; demonstrates: string }[] } | null;
  /** The README section on moving from the emulator to a real user pool. */
  realUserPoolHref: string;
}

export const REAL_USER_POOL_HREF = "/dev/readme#switching-to-a-real-user-pool";

/** The guide, or null outside development-with-the-emulator. */
export function localGuide(
  env: Pick<Env, "isProduction" | "authFlow" | "cognito" | "userAuth" | "appUrl" | "identityProviders">,
): LocalGuide | null {
  if (env.isProduction || !env.cognito.endpoint) return null;
  const flow = describeFlowChoice(env);
  return {
    authFlow: env.authFlow,
    flow,
    accounts: SEED_USERS.map((user) => ({
      email: user.email,
      password: user.password,
      groups: user.groups,
      demonstrates: user.demonstrates,
      totpCommand: user.totp ? totpCommand(user.email) : null,
    })),
    passwordless: passwordlessGuide({ userAuth: env.userAuth, customAllowed: flow.customAllowed, appUrl: env.appUrl }),
    providers:
      flow.hostedAvailable && env.identityProviders.length > 0
        ? {
            names: env.identityProviders,
            people: LOCAL_IDP_PEOPLE.map(({ email, password, demonstrates }) => ({ email, password, demonstrates })),
          }
        : null,
    realUserPoolHref: REAL_USER_POOL_HREF,
  };
}
