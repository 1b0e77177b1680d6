/**
 * Idempotent seeding of a Cognito user pool through the AWS SDK v3.
 *
 * Everything is found by name before it is created, so running it twice
 * creates nothing the second time and returns the same IDs. It talks to the
 * emulator endpoint only (it refuses to run without one): seeding demo users
 * with known passwords into a real pool would be a security hole.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  UpdateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  type UserPoolClientType,
} from "@aws-sdk/client-cognito-identity-provider";

export const POOL_NAME = "remix-cognito-local";

export interface SeedUser {
  email: string;
  password: string;
  groups: string[];
  attributes?: Record<string, string>;
}

export const SEED_USERS: SeedUser[] = [
  { email: "demo@example.com", password: "DemoPassw0rd!", groups: ["users"], attributes: { name: "Demo User" } },
  {
    email: "admin@example.com",
    password: "AdminPassw0rd!",
    groups: ["admins", "users"],
    attributes: { name: "Admin User" },
  },
];

export const SEED_GROUPS = [
  { name: "admins", description: "Administrators: may open /admin" },
  { name: "users", description: "Every signed-in person" },
];

export interface SeedOptions {
  /** Emulator API endpoint, e.g. http://localhost:9229. */
  endpoint: string;
  region?: string;
  /** Base URLs of the app; each gets `/auth/callback` and `/` registered on the clients. */
  appUrls?: string[];
  log?: (line: string) => void;
}

export interface SeedResult {
  userPoolId: string;
  clients: {
    web: { clientId: string };
    "web-confidential": { clientId: string; clientSecret: string };
  };
  created: string[];
  found: string[];
}

export async function seed(options: SeedOptions): Promise<SeedResult> {
  const log = options.log ?? (() => {});
  const appUrls = options.appUrls ?? ["http://localhost:3000"];
  const client = new CognitoIdentityProviderClient({
    endpoint: options.endpoint,
    region: options.region ?? "us-east-1",
    // The emulator ignores credentials, but the SDK insists on having some.
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const created: string[] = [];
  const found: string[] = [];
  const note = (what: string, wasCreated: boolean) => {
    (wasCreated ? created : found).push(what);
    log(`${wasCreated ? "created" : "found  "} ${what}`);
  };

  // --- user pool
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === POOL_NAME)?.Id;
  if (userPoolId) {
    note(`user pool ${POOL_NAME} (${userPoolId})`, false);
  } else {
    const res = await client.send(
      new CreateUserPoolCommand({
        PoolName: POOL_NAME,
        UsernameAttributes: ["email"],
        AutoVerifiedAttributes: ["email"],
        Policies: {
          PasswordPolicy: {
            MinimumLength: 8,
            RequireUppercase: true,
            RequireLowercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: 7,
          },
        },
      }),
    );
    userPoolId = res.UserPool!.Id!;
    note(`user pool ${POOL_NAME} (${userPoolId})`, true);
  }

  // --- app clients
  const callbackURLs = appUrls.map((u) => `${u}/auth/callback`);
  const logoutURLs = appUrls.map((u) => `${u}/`);
  const existingClients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));

  const ensureClient = async (name: string, generateSecret: boolean): Promise<UserPoolClientType> => {
    const summary = existingClients.UserPoolClients?.find((c) => c.ClientName === name);
    const settings = {
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "email", "profile"],
      SupportedIdentityProviders: ["COGNITO"],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: "ENABLED",
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
    } satisfies Partial<CreateUserPoolClientCommandInput>;
    if (summary) {
      const described = await client.send(
        new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: summary.ClientId }),
      );
      const current = described.UserPoolClient!;
      const missingCallbacks = callbackURLs.filter((u) => !current.CallbackURLs?.includes(u));
      const missingLogouts = logoutURLs.filter((u) => !current.LogoutURLs?.includes(u));
      if (missingCallbacks.length > 0 || missingLogouts.length > 0) {
        // A new app URL: add it, keeping the ones already registered.
        await client.send(
          new UpdateUserPoolClientCommand({
            ...settings,
            UserPoolId: userPoolId,
            ClientId: current.ClientId,
            ClientName: name,
            CallbackURLs: [...(current.CallbackURLs ?? []), ...missingCallbacks],
            LogoutURLs: [...(current.LogoutURLs ?? []), ...missingLogouts],
          }),
        );
        log(`updated app client ${name}: registered ${[...missingCallbacks, ...missingLogouts].join(", ")}`);
      }
      note(`app client ${name} (${current.ClientId})`, false);
      return current;
    }
    const res = await client.send(
      new CreateUserPoolClientCommand({
        ...settings,
        UserPoolId: userPoolId,
        ClientName: name,
        GenerateSecret: generateSecret,
        CallbackURLs: callbackURLs,
        LogoutURLs: logoutURLs,
      }),
    );
    note(`app client ${name} (${res.UserPoolClient!.ClientId})`, true);
    return res.UserPoolClient!;
  };
  const web = await ensureClient("web", false);
  const confidential = await ensureClient("web-confidential", true);

  // --- groups
  const groups = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
  for (const group of SEED_GROUPS) {
    if (groups.Groups?.some((g) => g.GroupName === group.name)) {
      note(`group ${group.name}`, false);
    } else {
      await client.send(
        new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group.name, Description: group.description }),
      );
      note(`group ${group.name}`, true);
    }
  }

  // --- users
  for (const user of SEED_USERS) {
    await ensureUser(client, userPoolId, user, note);
  }

  return {
    userPoolId,
    clients: {
      web: { clientId: web.ClientId! },
      "web-confidential": { clientId: confidential.ClientId!, clientSecret: confidential.ClientSecret! },
    },
    created,
    found,
  };
}

async function ensureUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  user: SeedUser,
  note: (what: string, created: boolean) => void,
) {
  // Look the user up with ListUsers rather than AdminGetUser, so that "not
  // there yet" is an empty list instead of an error the emulator logs loudly.
  const existing = await client.send(
    new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${user.email}"`, Limit: 1 }),
  );
  const exists = (existing.Users?.length ?? 0) > 0;
  if (!exists) {
    const attributes = { email: user.email, email_verified: "true", ...user.attributes };
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        MessageAction: "SUPPRESS",
        TemporaryPassword: user.password,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    // Confirmed with a permanent password: ready to sign in.
    await client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        Password: user.password,
        Permanent: true,
      }),
    );
  }
  note(`user ${user.email}`, !exists);

  // With email as the username attribute, Cognito's real username is the sub.
  // cognito-local 5.3.0 matches group membership on that exact name only, so
  // ask with it (AWS accepts either).
  const { Username: username } = await client.send(
    new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }),
  );
  const membership = await client.send(
    new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username }),
  );
  for (const group of user.groups) {
    if (!membership.Groups?.some((g) => g.GroupName === group)) {
      await client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }),
      );
    }
  }
}
