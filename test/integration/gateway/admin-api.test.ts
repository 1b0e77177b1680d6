/**
 * The administrator's API as AWS answers it: usernames as the pool defines
 * them, every Admin* call by any of the user's names, AdminInitiateAuth and
 * AdminRespondToAuthChallenge with the client's flows, SECRET_HASH and
 * challenges, CreateGroup duplicates, AdminCreateUser's invitation, and the
 * lists' pagination. The AWS SDK v3 against real cognito-local.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteGroupCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  GroupExistsException,
  InitiateAuthCommand,
  InvalidParameterException,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  NotAuthorizedException,
  ResourceNotFoundException,
  SetUserMFAPreferenceCommand,
  UnsupportedUserStateException,
  UpdateGroupCommand,
  UserNotFoundException,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import {
  createClient,
  createUser,
  decodePayload,
  expectAwsError,
  secretHash,
  suiteStack,
  totpCode,
  uniqueEmail,
} from "./support.ts";

const stack = suiteStack();

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

/** A pool as CreateUserPool makes it with only these settings, and a public client with these flows. */
async function poolWith(settings: { AliasAttributes?: ("email" | "preferred_username")[] } = {}) {
  const { UserPool } = await stack.sdk.send(new CreateUserPoolCommand({ PoolName: unique("pool"), ...settings }));
  const poolId = UserPool!.Id!;
  const { UserPoolClient } = await stack.sdk.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "admin",
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  return { poolId, clientId: UserPoolClient!.ClientId! };
}

async function confirmedUser(poolId: string, username: string, attributes: Record<string, string> = {}) {
  const password = `Passw0rd!${unique("x")}`;
  await stack.sdk.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: "SUPPRESS",
      TemporaryPassword: password,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  await stack.sdk.send(
    new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }),
  );
  return password;
}

describe("usernames as the pool defines them", () => {
  it("AWS: a pool created without UsernameAttributes signs in by plain username (it is no email pool)", async () => {
    const { poolId, clientId } = await poolWith();
    const { UserPool } = await stack.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(UserPool?.UsernameAttributes ?? []).toEqual([]);
    const password = await confirmedUser(poolId, "alice");
    const user = await stack.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "alice" }));
    expect(user.Username).toBe("alice");
    const { AuthenticationResult } = await stack.sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "alice", PASSWORD: password },
      }),
    );
    expect(decodePayload(AuthenticationResult!.AccessToken!).username).toBe("alice");
  });

  it("AWS: with AliasAttributes, every Admin* call and sign-in take a verified email or a preferred_username", async () => {
    const { poolId, clientId } = await poolWith({ AliasAttributes: ["email", "preferred_username"] });
    const email = uniqueEmail("alias");
    const handle = unique("handle");
    const password = await confirmedUser(poolId, unique("user"), {
      email,
      email_verified: "true",
      preferred_username: handle,
    });
    const group = unique("group");
    await stack.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: group }));
    await stack.sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: handle, GroupName: group }));
    for (const name of [email, handle]) {
      const { Groups } = await stack.sdk.send(
        new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: name }),
      );
      expect(Groups?.map((g) => g.GroupName)).toEqual([group]);
      const got = await stack.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: name }));
      expect(got.UserAttributes?.find((a) => a.Name === "email")?.Value).toBe(email);
      const signedIn = await stack.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: name, PASSWORD: password },
        }),
      );
      expect(signedIn.AuthenticationResult?.AccessToken).toBeTruthy();
    }
    // An email that is not verified is no alias.
    const unverified = uniqueEmail("unverified");
    await confirmedUser(poolId, unique("user"), { email: unverified, email_verified: "false" });
    await expectAwsError(
      stack.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: unverified })),
      UserNotFoundException,
    );
  });

  it("AWS: in an email pool, AdminListGroupsForUser and AdminUpdateUserAttributes take the email", async () => {
    const user = await createUser(stack);
    const group = unique("group");
    await stack.sdk.send(new CreateGroupCommand({ UserPoolId: stack.poolId, GroupName: group }));
    await stack.sdk.send(
      new AdminAddUserToGroupCommand({ UserPoolId: stack.poolId, Username: user.email, GroupName: group }),
    );
    const { Groups } = await stack.sdk.send(
      new AdminListGroupsForUserCommand({ UserPoolId: stack.poolId, Username: user.email }),
    );
    expect(Groups?.map((g) => g.GroupName)).toContain(group);
    await stack.sdk.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: stack.poolId,
        Username: user.email,
        UserAttributes: [{ Name: "name", Value: "Renamed" }],
      }),
    );
    const got = await stack.sdk.send(new AdminGetUserCommand({ UserPoolId: stack.poolId, Username: user.username }));
    expect(got.UserAttributes?.find((a) => a.Name === "name")?.Value).toBe("Renamed");
  });
});

describe("AdminInitiateAuth and AdminRespondToAuthChallenge", () => {
  const adminAuth = (clientId: string, username: string, password: string, extra: Record<string, string> = {}) =>
    stack.sdk.send(
      new AdminInitiateAuthCommand({
        UserPoolId: stack.poolId,
        ClientId: clientId,
        AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: username, PASSWORD: password, ...extra },
      }),
    );

  it("AWS: the client must allow ALLOW_ADMIN_USER_PASSWORD_AUTH → InvalidParameterException", async () => {
    const user = await createUser(stack);
    await expectAwsError(
      adminAuth(stack.web.clientId, user.email, user.password),
      InvalidParameterException,
      "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client",
    );
  });

  it("AWS: SECRET_HASH is required from a client with a secret; a wrong password is NotAuthorizedException", async () => {
    const user = await createUser(stack);
    const admin = await createClient(stack, {
      ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH"],
      GenerateSecret: true,
    });
    await expectAwsError(adminAuth(admin.clientId, user.email, user.password), NotAuthorizedException);
    const hash = { SECRET_HASH: secretHash(user.email, admin.clientId, admin.clientSecret!) };
    await expectAwsError(
      adminAuth(admin.clientId, user.email, `${user.password}x`, hash),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    const ok = await adminAuth(admin.clientId, user.email, user.password, hash);
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS: a client of another pool → ResourceNotFoundException", async () => {
    const other = await poolWith();
    const user = await createUser(stack);
    await expectAwsError(adminAuth(other.clientId, user.email, user.password), ResourceNotFoundException);
  });

  it("AWS: a temporary password → NEW_PASSWORD_REQUIRED, answered with AdminRespondToAuthChallenge", async () => {
    const user = await createUser(stack, { temporary: true });
    const admin = await createClient(stack, { ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH"] });
    const challenge = await adminAuth(admin.clientId, user.email, user.password);
    expect(challenge.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const done = await stack.sdk.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: stack.poolId,
        ClientId: admin.clientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: user.username, NEW_PASSWORD: `${user.password}New1!` },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS: TOTP MFA follows the password (SOFTWARE_TOKEN_MFA); a wrong code is CodeMismatchException, the right one signs in", async () => {
    const user = await createUser(stack);
    const admin = await createClient(stack, { ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH"] });
    const first = (await adminAuth(admin.clientId, user.email, user.password)).AuthenticationResult!;
    const { SecretCode } = await stack.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken: first.AccessToken }));
    await stack.sdk.send(
      new VerifySoftwareTokenCommand({ AccessToken: first.AccessToken, UserCode: totpCode(SecretCode!) }),
    );
    await stack.sdk.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: first.AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const challenge = await adminAuth(admin.clientId, user.email, user.password);
    expect(challenge.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
    const respond = (code: string) =>
      stack.sdk.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: stack.poolId,
          ClientId: admin.clientId,
          ChallengeName: "SOFTWARE_TOKEN_MFA",
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: user.username, SOFTWARE_TOKEN_MFA_CODE: code },
        }),
      );
    const wrong = String((Number(totpCode(SecretCode!)) + 500_000) % 1_000_000).padStart(6, "0");
    await expect(respond(wrong)).rejects.toMatchObject({ name: "CodeMismatchException" });
    expect((await respond(totpCode(SecretCode!))).AuthenticationResult?.AccessToken).toBeTruthy();
  });
});

describe("groups", () => {
  it('AWS: CreateGroup with a name already taken → GroupExistsException "A group with the name already exists.", the group unchanged', async () => {
    const name = unique("group");
    await stack.sdk.send(new CreateGroupCommand({ UserPoolId: stack.poolId, GroupName: name, Description: "first" }));
    await expectAwsError(
      stack.sdk.send(new CreateGroupCommand({ UserPoolId: stack.poolId, GroupName: name, Description: "second" })),
      GroupExistsException,
      "A group with the name already exists.",
    );
    const { Group } = await stack.sdk.send(new GetGroupCommand({ UserPoolId: stack.poolId, GroupName: name }));
    expect(Group?.Description).toBe("first");
  });

  it("AWS: GetGroup, UpdateGroup and DeleteGroup of a group that does not exist → ResourceNotFoundException (also in a pool that never had one)", async () => {
    for (const poolId of [(await poolWith()).poolId, stack.poolId]) {
      const GroupName = unique("missing");
      await expectAwsError(
        stack.sdk.send(new GetGroupCommand({ UserPoolId: poolId, GroupName })),
        ResourceNotFoundException,
        "Group not found.",
      );
      await expectAwsError(
        stack.sdk.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName, Description: "x" })),
        ResourceNotFoundException,
      );
      await expectAwsError(
        stack.sdk.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName })),
        ResourceNotFoundException,
      );
    }
  });
});

describe("AdminCreateUser", () => {
  /** The invitation the emulator printed for this address (its temporary password), after log line `since`. */
  async function invitationTo(destination: string, since: number): Promise<string | undefined> {
    await new Promise((r) => setTimeout(r, 50));
    let seen = false;
    let code: string | undefined;
    for (const line of stack.logs.slice(since)) {
      if (line.includes("Invitation (AdminCreateUser)")) seen = false;
      if (line.includes(`Destination: ${destination}`)) seen = true;
      const m = /│ Code: (\S+)/.exec(line);
      if (m && seen) code = m[1];
    }
    return code;
  }

  it("AWS: without MessageAction an email-only user is invited by email (the temporary password in the log), and it signs in", async () => {
    const email = uniqueEmail("invited");
    const since = stack.logs.length;
    const { User } = await stack.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.poolId,
        Username: email,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    expect(User?.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    const temporary = await invitationTo(email, since);
    expect(temporary).toBeTruthy();
    const started = await stack.sdk.send(
      new InitiateAuthCommand({
        ClientId: stack.web.clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: email, PASSWORD: temporary! },
      }),
    );
    expect(started.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
  });

  it("AWS: SUPPRESS sends nothing; DesiredDeliveryMediums=[SMS] for a user with no phone is refused before anyone is created", async () => {
    const quiet = uniqueEmail("quiet");
    const since = stack.logs.length;
    await stack.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.poolId,
        Username: quiet,
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: "email", Value: quiet }],
      }),
    );
    expect(await invitationTo(quiet, since)).toBeUndefined();

    const noPhone = uniqueEmail("nophone");
    await expectAwsError(
      stack.sdk.send(
        new AdminCreateUserCommand({
          UserPoolId: stack.poolId,
          Username: noPhone,
          DesiredDeliveryMediums: ["SMS"],
          UserAttributes: [{ Name: "email", Value: noPhone }],
        }),
      ),
      InvalidParameterException,
      "User has no attribute matching desired delivery mediums",
    );
    await expectAwsError(
      stack.sdk.send(new AdminGetUserCommand({ UserPoolId: stack.poolId, Username: noPhone })),
      UserNotFoundException,
    );
    await expectAwsError(
      stack.sdk.send(
        new AdminCreateUserCommand({
          UserPoolId: stack.poolId,
          Username: uniqueEmail("bad"),
          MessageAction: "LOUD" as never,
        }),
      ),
      InvalidParameterException,
    );
  });

  it("AWS: RESEND sends a new temporary password to a user who has not signed in (the old one stops working); not to a confirmed user", async () => {
    const email = uniqueEmail("resend");
    const first = "Temp-Passw0rd!1";
    await stack.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.poolId,
        Username: email,
        TemporaryPassword: first,
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    const since = stack.logs.length;
    await stack.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.poolId,
        Username: email,
        MessageAction: "RESEND",
        DesiredDeliveryMediums: ["EMAIL"],
      }),
    );
    const second = await invitationTo(email, since);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const signIn = (password: string) =>
      stack.sdk.send(
        new InitiateAuthCommand({
          ClientId: stack.web.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
    await expectAwsError(signIn(first), NotAuthorizedException);
    expect((await signIn(second!)).ChallengeName).toBe("NEW_PASSWORD_REQUIRED");

    const confirmed = await createUser(stack);
    await expectAwsError(
      stack.sdk.send(
        new AdminCreateUserCommand({ UserPoolId: stack.poolId, Username: confirmed.email, MessageAction: "RESEND" }),
      ),
      UnsupportedUserStateException,
    );
  });
});

describe("pagination and filters", () => {
  it("AWS: ListUsers pages with Limit and PaginationToken, every user once; a bad token or Limit is InvalidParameterException", async () => {
    const { poolId } = await poolWith();
    const names = ["u1", "u2", "u3", "u4", "u5"];
    for (const name of names) await confirmedUser(poolId, name);
    const seen: string[] = [];
    let PaginationToken: string | undefined;
    let pages = 0;
    do {
      const page = await stack.sdk.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 2, PaginationToken }));
      expect(page.Users!.length).toBeLessThanOrEqual(2);
      seen.push(...page.Users!.map((u) => u.Username!));
      PaginationToken = page.PaginationToken;
      pages++;
    } while (PaginationToken);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(names);
    await expectAwsError(
      stack.sdk.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken: "made-up" })),
      InvalidParameterException,
    );
    await expectAwsError(
      stack.sdk.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 61 })),
      InvalidParameterException,
    );
  });

  it('AWS: ListUsers Filter status = "Disabled" finds disabled users', async () => {
    const { poolId } = await poolWith();
    await confirmedUser(poolId, "on");
    await confirmedUser(poolId, "off");
    await stack.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "off" }));
    const { Users } = await stack.sdk.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'status = "Disabled"' }));
    expect(Users?.map((u) => u.Username)).toEqual(["off"]);
  });

  it("AWS: ListUserPools requires MaxResults (1–60) and pages; ListUserPoolClients pages", async () => {
    await expectAwsError(stack.sdk.send(new ListUserPoolsCommand({} as never)), InvalidParameterException);
    await expectAwsError(stack.sdk.send(new ListUserPoolsCommand({ MaxResults: 0 })), InvalidParameterException);
    await poolWith();
    const first = await stack.sdk.send(new ListUserPoolsCommand({ MaxResults: 1 }));
    expect(first.UserPools).toHaveLength(1);
    expect(first.NextToken).toBeTruthy();
    const second = await stack.sdk.send(new ListUserPoolsCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect(second.UserPools?.[0]?.Id).not.toBe(first.UserPools?.[0]?.Id);

    const { poolId } = await poolWith();
    await stack.sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "second" }));
    const clients = await stack.sdk.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 1 }));
    expect(clients.UserPoolClients).toHaveLength(1);
    const more = await stack.sdk.send(
      new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 1, NextToken: clients.NextToken }),
    );
    expect(more.UserPoolClients).toHaveLength(1);
    expect(more.NextToken).toBeUndefined();
  });

  it("AWS: ListGroups and AdminListGroupsForUser page with Limit and NextToken", async () => {
    const { poolId } = await poolWith();
    await confirmedUser(poolId, "member");
    const groups = ["g1", "g2", "g3"];
    for (const g of groups) {
      await stack.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: g }));
      await stack.sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: "member", GroupName: g }));
    }
    const first = await stack.sdk.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 2 }));
    expect(first.Groups).toHaveLength(2);
    const rest = await stack.sdk.send(
      new ListGroupsCommand({ UserPoolId: poolId, Limit: 2, NextToken: first.NextToken }),
    );
    expect([...first.Groups!, ...rest.Groups!].map((g) => g.GroupName).sort()).toEqual(groups);
    expect(rest.NextToken).toBeUndefined();
    const mine = await stack.sdk.send(
      new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: "member", Limit: 1 }),
    );
    expect(mine.Groups).toHaveLength(1);
    expect(mine.NextToken).toBeTruthy();
  });
});
