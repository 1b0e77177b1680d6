/**
 * Test users created in the shared test pool through the admin API.
 */
import { randomUUID } from "node:crypto";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { inject } from "vitest";
import { adminClient } from "./app.ts";

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
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId,
      Username: user.username,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: user.username },
        { Name: "email_verified", Value: "true" },
        { Name: "name", Value: "Large Token User With A Rather Long Display Name" },
      ],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({ UserPoolId, Username: user.username, Password: user.password, Permanent: true }),
  );
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
