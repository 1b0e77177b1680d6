/**
 * Fixtures for the passwordless tests: an app client that allows
 * USER_AUTH, and confirmed users with a verified email and a password.
 */
import { randomUUID } from "node:crypto";
import {
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { inject } from "vitest";
import { adminClient } from "./app.ts";
import { addUser } from "./users.ts";

export const PASSWORDLESS_TEST_PASSWORD = "Passwordless-Test-1!";

/**
 * An app client like the seeded `web` one: form sign-in, USER_AUTH and
 * refresh. `extra` overrides fields (token lifetimes, RefreshTokenRotation…).
 */
export async function createUserAuthClient(
  callbackBase = "http://127.0.0.1",
  extra: Partial<CreateUserPoolClientCommandInput> = {},
): Promise<string> {
  const res = await adminClient().send(
    new CreateUserPoolClientCommand({
      UserPoolId: inject("userPoolId"),
      ClientName: `passwordless-${randomUUID().slice(0, 8)}`,
      GenerateSecret: false,
      ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      CallbackURLs: [`${callbackBase}/auth/callback`],
      PreventUserExistenceErrors: "ENABLED",
      EnableTokenRevocation: true,
      ...extra,
    }),
  );
  return res.UserPoolClient!.ClientId!;
}

/** A confirmed user with a verified email and a permanent password. */
export async function createPasswordlessTestUser(
  prefix: string,
  password = PASSWORDLESS_TEST_PASSWORD,
): Promise<string> {
  const username = `${prefix}-${randomUUID()}@example.com`;
  await addUser({ email: username, password });
  return username;
}
