/**
 * Test users, created through the admin API: in the run's shared pool unless a test names another.
 */
import { randomUUID } from "node:crypto";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { inject } from "vitest";
import { adminClient } from "./app.ts";

/** A user pool and an SDK client allowed to administer it. */
export interface Pool {
  cognito: CognitoIdentityProviderClient;
  poolId: string;
}

/** The run's shared pool (test/support/global-setup.ts). */
export function sharedPool(): Pool {
  return { cognito: adminClient(), poolId: inject("userPoolId") };
}

export interface NewUser {
  email: string;
  /** Its password: permanent (a confirmed user) unless `temporary`. */
  password: string;
  /** Leave `password` temporary: FORCE_CHANGE_PASSWORD, a new one at first sign-in. */
  temporary?: boolean;
  name?: string;
  /** Whether the email counts as verified. Default true. */
  emailVerified?: boolean;
}

/** Creates the user as an admin would (no invitation email), signed in by its email. */
export async function addUser(user: NewUser, { cognito, poolId }: Pool = sharedPool()): Promise<void> {
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: user.email,
      MessageAction: "SUPPRESS",
      TemporaryPassword: user.password,
      UserAttributes: [
        { Name: "email", Value: user.email },
        ...(user.emailVerified === false ? [] : [{ Name: "email_verified", Value: "true" }]),
        ...(user.name ? [{ Name: "name", Value: user.name }] : []),
      ],
    }),
  );
  if (user.temporary) return;
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: poolId,
      Username: user.email,
      Password: user.password,
      Permanent: true,
    }),
  );
}

export interface TestUser {
  username: string;
  password: string;
  groups: string[];
}

/**
 * A confirmed user in `groupCount` randomly named groups (random names: real
 * tokens compress poorly, and so must these), so the emulator's access and ID
 * tokens reach AWS sizes (> 2 KB each) and the session spans several cookies.
 */
export async function createLargeTokenUser(prefix: string, groupCount = 40): Promise<TestUser> {
  const cognito = adminClient();
  const UserPoolId = inject("userPoolId");
  const id = randomUUID();
  const user: TestUser = {
    username: `${prefix}-${id}@example.com`,
    // Its own password: another test user's must never open this account.
    password: `Large-${id.slice(0, 8)}-Passw0rd!`,
    groups: Array.from({ length: groupCount }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}-${randomUUID()}`),
  };
  await addUser({
    email: user.username,
    password: user.password,
    name: "Large Token User With A Rather Long Display Name",
  });
  for (const GroupName of user.groups) {
    await cognito.send(new CreateGroupCommand({ UserPoolId, GroupName }));
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: user.username, GroupName }));
  }
  return user;
}

/** A plain confirmed user (no groups), for tests that sign them out everywhere or change their password. */
export function createUser(prefix: string): Promise<TestUser> {
  return createLargeTokenUser(prefix, 0);
}
