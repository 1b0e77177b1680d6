/**
 * The remix-auth Authenticator with both Cognito strategies, wired from the
 * validated configuration. Both resolve to the same AuthSession.
 */
import { Authenticator } from "remix-auth";
import { CognitoAccountApi } from "~/cognito/account.server";
import { type AuthSession, createAuthSession } from "~/cognito/auth-session.server";
import { getCognitoClient } from "~/cognito/client.server";
import { cognitoEndpoints } from "~/cognito/config.server";
import { CognitoHostedStrategy } from "~/cognito/strategies/hosted-strategy.server";
import { CognitoPasswordStrategy } from "~/cognito/strategies/password-strategy.server";
import { CognitoTokenApi } from "~/cognito/tokens.server";
import { getTokenVerifiers, type TokenVerifiers } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { describeFlowChoice } from "./flow.server";
import { hostedStateCookieName } from "./hosted.server";

interface AuthServices {
  authenticator: Authenticator<AuthSession>;
  api: CognitoTokenApi;
  account: CognitoAccountApi;
  verifiers: TokenVerifiers;
  /** Present when the Hosted UI may be used. */
  hosted?: CognitoHostedStrategy<AuthSession>;
  hostedLogoutUrl?: string;
}

let services: AuthServices | undefined;

export function getAuthServices(): AuthServices {
  if (services) return services;
  const env = getEnv();
  const verifiers = getTokenVerifiers();
  const api = new CognitoTokenApi(getCognitoClient(), env.cognito);
  const authenticator = new Authenticator<AuthSession>();

  authenticator.use(
    new CognitoPasswordStrategy({ api }, ({ tokens }) => createAuthSession(verifiers, tokens, "custom")),
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
  services = { authenticator, api, account, verifiers, hosted, hostedLogoutUrl: endpoints.hosted?.logoutUrl };
  return services;
}
