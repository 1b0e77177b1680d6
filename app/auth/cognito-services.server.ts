/**
 * The app's Cognito services, wired once per process from the validated
 * configuration: the sign-in API behind the app's own form, the account API,
 * the token verifiers, and — when the Hosted UI may be used — its remix-auth
 * strategy. Every sign-in resolves to the same AuthSession (sign-in.server.ts).
 *
 * Password sign-in is a direct call (signInApi), not a remix-auth strategy: it
 * is one SDK call, and a strategy would have to read the form body a second
 * time. The Hosted UI keeps remix-auth-oauth2, which carries real protocol
 * work (state, PKCE, the code exchange). See docs/decisions/006-form-replies.md.
 */
import { CognitoAccountApi } from "~/cognito/account.server";
import { CognitoAdminApi } from "~/cognito/admin.server";
import { type AuthSession, createAuthSession } from "~/cognito/auth-session.server";
import { getCognitoClient } from "~/cognito/client.server";
import { cognitoEndpoints } from "~/cognito/config.server";
import { CognitoPasswordlessApi } from "~/cognito/passwordless.server";
import { CognitoSignInApi } from "~/cognito/sign-in-api.server";
import { CognitoHostedStrategy } from "~/cognito/strategies/hosted-strategy.server";
import { getTokenVerifiers, type TokenVerifiers } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { providerAuthorizationParams } from "./federation.server";
import { describeFlowChoice } from "./flow.server";
import { hostedStateCookieName } from "./hosted.server";

export interface CognitoServices {
  /** Password sign-in, refresh and revocation (InitiateAuth, RevokeToken). */
  signInApi: CognitoSignInApi;
  /** Choice-based sign-in (USER_AUTH), passwordless sign-up, passkeys; present when COGNITO_USER_AUTH=1. */
  passwordless?: CognitoPasswordlessApi;
  /** Sign-up, confirmation, password reset, challenges and the user's own account. */
  account: CognitoAccountApi;
  /** Admin* operations on other users (IAM-authorized on AWS). */
  admin: CognitoAdminApi;
  verifiers: TokenVerifiers;
  /** The Hosted UI's remix-auth strategy: `authenticate(request)` starts the round trip or completes it. Present when the Hosted UI may be used. */
  hosted?: CognitoHostedStrategy<AuthSession>;
  /** The Hosted UI's logout endpoint, when a domain is configured. */
  hostedLogoutUrl?: string;
}

let services: CognitoServices | undefined;

export function getCognitoServices(): CognitoServices {
  if (services) return services;
  const env = getEnv();
  const verifiers = getTokenVerifiers();
  const settings = { ...env.cognito, srp: env.passwordAuth === "srp" };
  const signInApi = new CognitoSignInApi(getCognitoClient(), { ...settings, refreshRotation: env.refreshRotation });
  const endpoints = cognitoEndpoints(env.cognito);
  let hosted: CognitoHostedStrategy<AuthSession> | undefined;
  if (endpoints.hosted && describeFlowChoice(env).hostedAvailable) {
    hosted = new CognitoHostedStrategy(
      {
        clientId: env.cognito.clientId,
        clientSecret: env.cognito.clientSecret ?? null,
        authorizeUrl: endpoints.hosted.authorizeUrl,
        tokenUrl: endpoints.hosted.tokenUrl,
        revokeUrl: endpoints.hosted.revokeUrl,
        redirectUri: `${env.appUrl}/auth/callback`,
        stateCookieName: hostedStateCookieName(),
        secureCookie: env.isProduction,
        authorizationParams: providerAuthorizationParams,
      },
      ({ tokens }) => createAuthSession(verifiers, tokens, "hosted"),
    );
  }
  const account = new CognitoAccountApi(getCognitoClient(), env.cognito);
  services = {
    signInApi,
    account,
    passwordless: env.userAuth ? new CognitoPasswordlessApi(getCognitoClient(), settings) : undefined,
    admin: new CognitoAdminApi(getCognitoClient(), env.cognito),
    verifiers,
    hosted,
    hostedLogoutUrl: endpoints.hosted?.logoutUrl,
  };
  return services;
}
