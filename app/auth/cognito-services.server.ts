/**
 * The app's Cognito services, wired once per process from the validated
 * configuration: the sign-in API behind the app's own form, the account API,
 * the token verifiers, and — when the Hosted UI may be used — its remix-auth
 * strategy (registered on the Authenticator). Every sign-in resolves to the
 * same AuthSession.
 */
import { Authenticator } from "remix-auth";
import { CognitoAccountApi } from "~/cognito/account.server";
import { CognitoAdminApi } from "~/cognito/admin.server";
import { type AuthSession, createAuthSession } from "~/cognito/auth-session.server";
import { getCognitoClient } from "~/cognito/client.server";
import { cognitoEndpoints } from "~/cognito/config.server";
import { CognitoPasswordlessApi } from "~/cognito/passwordless.server";
import { CognitoSignInApi } from "~/cognito/sign-in-api.server";
import { CognitoHostedStrategy } from "~/cognito/strategies/hosted-strategy.server";
import { CognitoPasswordStrategy } from "~/cognito/strategies/password-strategy.server";
import { getTokenVerifiers, type TokenVerifiers } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { describeFlowChoice } from "./flow.server";
import { hostedStateCookieName } from "./hosted.server";

export interface CognitoServices {
  /** remix-auth, with the password strategy and (when available) the Hosted UI strategy. */
  authenticator: Authenticator<AuthSession>;
  /** Password sign-in, refresh and revocation (InitiateAuth, RevokeToken). */
  signInApi: CognitoSignInApi;
  /** Choice-based sign-in (USER_AUTH), passwordless sign-up, passkeys; present when COGNITO_USER_AUTH=1. */
  passwordless?: CognitoPasswordlessApi;
  /** Sign-up, confirmation, password reset, challenges and the user's own account. */
  account: CognitoAccountApi;
  /** Admin* operations on other users (IAM-authorized on AWS). */
  admin: CognitoAdminApi;
  verifiers: TokenVerifiers;
  /** Present when the Hosted UI may be used. */
  hosted?: CognitoHostedStrategy<AuthSession>;
  /** The Hosted UI's logout endpoint, when a domain is configured. */
  hostedLogoutUrl?: string;
}

let services: CognitoServices | undefined;

export function getCognitoServices(): CognitoServices {
  if (services) return services;
  const env = getEnv();
  const verifiers = getTokenVerifiers();
  const signInApi = new CognitoSignInApi(getCognitoClient(), { ...env.cognito, refreshRotation: env.refreshRotation });
  const authenticator = new Authenticator<AuthSession>();

  authenticator.use(
    new CognitoPasswordStrategy({ api: signInApi }, ({ tokens }) => createAuthSession(verifiers, tokens, "custom")),
  );

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
      },
      ({ tokens }) => createAuthSession(verifiers, tokens, "hosted"),
    );
    authenticator.use(hosted);
  }
  const account = new CognitoAccountApi(getCognitoClient(), env.cognito);
  services = {
    authenticator,
    signInApi,
    account,
    passwordless: env.userAuth ? new CognitoPasswordlessApi(getCognitoClient(), env.cognito) : undefined,
    admin: new CognitoAdminApi(getCognitoClient(), env.cognito),
    verifiers,
    hosted,
    hostedLogoutUrl: endpoints.hosted?.logoutUrl,
  };
  return services;
}
