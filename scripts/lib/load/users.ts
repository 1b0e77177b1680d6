/**
 * Load-test users: confirmed, with a permanent password, created through the
 * admin API in parallel batches (the emulator writes its whole pool file on
 * every change, so unbounded parallelism only queues up there).
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";

export interface LoadUser {
  email: string;
  password: string;
}

export async function createUsers(
  admin: CognitoIdentityProviderClient,
  userPoolId: string,
  count: number,
  { batch = 16, prefix = "load" } = {},
): Promise<LoadUser[]> {
  const run = Date.now().toString(36);
  const users = Array.from({ length: count }, (_, i) => ({
    email: `${prefix}-${run}-${String(i).padStart(4, "0")}@example.com`,
    password: `Load-Passw0rd-${i}!`,
  }));
  for (let i = 0; i < users.length; i += batch) {
    await Promise.all(
      users.slice(i, i + batch).map(async (user) => {
        await admin.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: user.email,
            MessageAction: "SUPPRESS",
            TemporaryPassword: user.password,
            UserAttributes: [
              { Name: "email", Value: user.email },
              { Name: "email_verified", Value: "true" },
            ],
          }),
        );
        await admin.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: userPoolId,
            Username: user.email,
            Password: user.password,
            Permanent: true,
          }),
        );
      }),
    );
  }
  return users;
}
