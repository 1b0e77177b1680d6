/**
 * The one CognitoIdentityProviderClient of this process.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { getEnv } from "~/env.server";
import type { CognitoSettings } from "./config.server";

export function createCognitoClient(settings: CognitoSettings): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: settings.region,
    endpoint: settings.endpoint,
    // The user-facing operations (InitiateAuth, RevokeToken, SignUp…) are
    // unauthenticated on AWS. The emulator still wants *some* credentials so
    // the SDK does not walk the default credential chain.
    ...(settings.endpoint ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    // Fail fast when Cognito is unreachable, so sign-in pages can say so
    // (503) instead of hanging; one retry covers a dropped connection.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  });
}

let client: CognitoIdentityProviderClient | undefined;
export function getCognitoClient(): CognitoIdentityProviderClient {
  client ??= createCognitoClient(getEnv().cognito);
  return client;
}
