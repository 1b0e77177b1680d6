/**
 * Idempotent seeding of a Cognito user pool through the AWS SDK v3.
 *
 * Everything is found by name before it is created, so running it twice
 * creates nothing the second time and returns the same IDs. It talks to the
 * emulator endpoint only (it refuses to run without one): seeding demo users
 * with known passwords into a real pool would be a security hole.
 */
import fs from "node:fs";
import path from "node:path";
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateIdentityProviderCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  DescribeIdentityProviderCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  type ExplicitAuthFlowsType,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  UpdateIdentityProviderCommand,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type UserPoolClientType,
  type UserPoolType,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { generateSync } from "otplib";
import {
  PASSWORDLESS_SEED_USERS,
  type PasswordlessSeedUser,
  SEED_USERS,
  type SeedUser,
} from "../../app/dev/demo-accounts.server.ts";
import { LOCAL_IDP_CLIENTS, type LocalIdpClient } from "../../app/dev/local-idp-people.server.ts";
import { ROOT } from "./root.ts";

export const POOL_NAME = "remix-cognito-local";

// The user list lives in the app (its development home page shows it).
export {
  PASSWORDLESS_SEED_USERS,
  type PasswordlessSeedUser,
  SEED_USERS,
  type SeedUser,
} from "../../app/dev/demo-accounts.server.ts";

/** The first factors the local pool allows (Policies.SignInPolicy). */
export const SEED_SIGN_IN_FACTORS = ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"] as const;

/**
 * Passkeys must prove the user (a PIN or biometric), not only presence: they also serve as
 * step-up, and with "preferred" a security key without a PIN left plugged in would pass for its
 * owner with one touch.
 */
export const SEED_PASSKEY_USER_VERIFICATION = "required";

/**
 * What every seeded app client may do: the app's form (password, SRP or
 * choice-based) and refresh. SRP is on as in a client AWS creates with
 * default settings, so clients that sign in with it (Amplify,
 * amazon-cognito-identity-js, the app with COGNITO_PASSWORD_AUTH=srp) work.
 */
export const SEED_AUTH_FLOWS: ExplicitAuthFlowsType[] = [
  "ALLOW_USER_SRP_AUTH",
  "ALLOW_USER_PASSWORD_AUTH",
  "ALLOW_USER_AUTH",
  "ALLOW_REFRESH_TOKEN_AUTH",
];

/**
 * The OAuth scopes every seeded client allows: the app's Hosted UI sign-in asks
 * for all four (aws.cognito.signin.user.admin so its access token works on the
 * account pages' user API calls).
 */
export const SEED_OAUTH_SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"];

/** TOTP parameters Cognito uses: SHA-1, 6 digits, 30-second steps. */
export function totpCode(secret: string, at = Date.now()): string {
  return generateSync({ secret, algorithm: "sha1", digits: 6, period: 30, epoch: Math.floor(at / 1000) });
}

export function readTotpSecrets(file: string): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    return {};
  }
}

const SEED_PASSWORD_POLICY = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
  TemporaryPasswordValidityDays: 7,
};

/**
 * The app's API as a resource server (its identifier is the app's API_RESOURCE_SERVER default),
 * and the scopes its endpoints check (app/api/).
 */
export const SEED_RESOURCE_SERVER = {
  identifier: "remix-cognito",
  name: "remix-cognito API",
  scopes: [
    { ScopeName: "users.read", ScopeDescription: "List the app's users (GET /api/v1/users)" },
    { ScopeName: "sessions.write", ScopeDescription: "End a user's sessions (POST /api/v1/users/{username}/sign-out)" },
  ],
};

/** The machine client's scopes: every scope of the app's API. */
export const SEED_MACHINE_SCOPES = SEED_RESOURCE_SERVER.scopes.map(
  (s) => `${SEED_RESOURCE_SERVER.identifier}/${s.ScopeName}`,
);

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
  /** Where TOTP secrets of enrolled seed users are kept (git-ignored). */
  totpSecretsFile?: string;
  /**
   * The local identity provider's issuer: the seed then creates the pool's
   * `Google` and `ExampleCorp` providers (the emulator's Google is the
   * stand-in it was started with) and allows them on the `web` client.
   */
  identityProviderIssuer?: string;
  log?: (line: string) => void;
}

export interface SeedResult {
  userPoolId: string;
  clients: {
    web: { clientId: string };
    "web-confidential": { clientId: string; clientSecret: string };
    /** A machine (client_credentials, with a secret) allowed every scope of the app's API. */
    machine: { clientId: string; clientSecret: string };
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
        UserPoolTier: "ESSENTIALS",
        Policies: {
          PasswordPolicy: SEED_PASSWORD_POLICY,
          SignInPolicy: { AllowedFirstAuthFactors: [...SEED_SIGN_IN_FACTORS] },
        },
      }),
    );
    userPoolId = res.UserPool!.Id!;
    note(`user pool ${POOL_NAME} (${userPoolId})`, true);
  }

  // --- choice-based sign-in (a pool seeded before it existed gets it added)
  const { UserPool: pool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  const factors = pool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors ?? [];
  if (!SEED_SIGN_IN_FACTORS.every((f) => factors.includes(f))) {
    await client.send(
      new UpdateUserPoolCommand({
        ...poolUpdateFrom(pool!),
        Policies: {
          ...pool?.Policies,
          SignInPolicy: { AllowedFirstAuthFactors: [...SEED_SIGN_IN_FACTORS] },
        },
      }),
    );
    note(`sign-in policy (${SEED_SIGN_IN_FACTORS.join(", ")})`, true);
  }

  // --- app clients
  const callbackURLs = appUrls.map((u) => `${u}/auth/callback`);
  const logoutURLs = appUrls.map((u) => `${u}/`);
  const existingClients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));

  // --- identity providers (before the clients that allow them)
  const providers = options.identityProviderIssuer
    ? await ensureIdentityProviders(client, userPoolId, options.identityProviderIssuer, note)
    : [];

  const ensureClient = async (
    name: string,
    generateSecret: boolean,
    identityProviders: string[] = [],
  ): Promise<UserPoolClientType> => {
    const summary = existingClients.UserPoolClients?.find((c) => c.ClientName === name);
    const settings = {
      ExplicitAuthFlows: SEED_AUTH_FLOWS,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: SEED_OAUTH_SCOPES,
      SupportedIdentityProviders: ["COGNITO", ...identityProviders],
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
      const missingFlows = SEED_AUTH_FLOWS.filter((f) => !current.ExplicitAuthFlows?.includes(f));
      const missingProviders = identityProviders.filter((p) => !current.SupportedIdentityProviders?.includes(p));
      const missingScopes = SEED_OAUTH_SCOPES.filter((s) => !current.AllowedOAuthScopes?.includes(s));
      const missing = [...missingCallbacks, ...missingLogouts, ...missingFlows, ...missingProviders, ...missingScopes];
      if (missing.length > 0) {
        // A new app URL, auth flow, identity provider or scope: add it, keeping the URLs already registered.
        await client.send(
          new UpdateUserPoolClientCommand({
            ...settings,
            UserPoolId: userPoolId,
            ClientId: current.ClientId,
            ClientName: name,
            CallbackURLs: [...(current.CallbackURLs ?? []), ...missingCallbacks],
            LogoutURLs: [...(current.LogoutURLs ?? []), ...missingLogouts],
            SupportedIdentityProviders: [
              ...new Set([...(current.SupportedIdentityProviders ?? ["COGNITO"]), ...identityProviders]),
            ],
          }),
        );
        log(`updated app client ${name}: added ${missing.join(", ")}`);
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
  const web = await ensureClient("web", false, providers);
  const confidential = await ensureClient("web-confidential", true);

  // --- the app's API: its resource server (a pool seeded before it gets its missing scopes), and a
  // machine client that gets tokens with the client_credentials grant
  await ensureResourceServer(client, userPoolId, note);
  const machineSummary = existingClients.UserPoolClients?.find((c) => c.ClientName === "machine");
  let machine: UserPoolClientType;
  if (machineSummary) {
    const described = await client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: machineSummary.ClientId }),
    );
    machine = described.UserPoolClient!;
    note(`app client machine (${machine.ClientId})`, false);
  } else {
    const res = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: "machine",
        GenerateSecret: true,
        ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlows: ["client_credentials"],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: SEED_MACHINE_SCOPES,
        SupportedIdentityProviders: ["COGNITO"],
        EnableTokenRevocation: true,
        AccessTokenValidity: 60,
        TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
      }),
    );
    machine = res.UserPoolClient!;
    note(`app client machine (${machine.ClientId})`, true);
  }

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

  // --- MFA: optional, TOTP only (what AWS allows without SMS set up);
  // passkeys for the app's host (the WebAuthn relying party must be the
  // host the browser shows: localhost for http://localhost:3000)
  const relyingPartyId = new URL(appUrls[0]!).hostname;
  const mfa = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: userPoolId }));
  if (
    mfa.MfaConfiguration !== "OPTIONAL" ||
    !mfa.SoftwareTokenMfaConfiguration?.Enabled ||
    mfa.WebAuthnConfiguration?.RelyingPartyId !== relyingPartyId ||
    mfa.WebAuthnConfiguration?.UserVerification !== SEED_PASSKEY_USER_VERIFICATION
  ) {
    await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: userPoolId,
        MfaConfiguration: "OPTIONAL",
        SoftwareTokenMfaConfiguration: { Enabled: true },
        WebAuthnConfiguration: { RelyingPartyId: relyingPartyId, UserVerification: SEED_PASSKEY_USER_VERIFICATION },
      }),
    );
    note(
      `MFA configuration (optional, TOTP) and passkeys for ${relyingPartyId} (user verification ${SEED_PASSKEY_USER_VERIFICATION})`,
      true,
    );
  }

  // --- users
  const secretsFile = options.totpSecretsFile ?? path.join(ROOT, ".totp-secrets.json");
  for (const user of [...SEED_USERS, ...PASSWORDLESS_SEED_USERS]) {
    await ensureUser(client, userPoolId, web.ClientId!, user, note, secretsFile);
  }

  return {
    userPoolId,
    clients: {
      web: { clientId: web.ClientId! },
      "web-confidential": { clientId: confidential.ClientId!, clientSecret: confidential.ClientSecret! },
      machine: { clientId: machine.ClientId!, clientSecret: machine.ClientSecret! },
    },
    created,
    found,
  };
}

async function ensureResourceServer(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  note: (what: string, created: boolean) => void,
) {
  const { identifier, name, scopes } = SEED_RESOURCE_SERVER;
  const what = `resource server ${identifier} (${scopes.map((s) => s.ScopeName).join(", ")})`;
  let current: { ScopeName?: string }[] | undefined;
  try {
    const found = await client.send(
      new DescribeResourceServerCommand({ UserPoolId: userPoolId, Identifier: identifier }),
    );
    current = found.ResourceServer?.Scopes ?? [];
  } catch (error) {
    if ((error as Error).name !== "ResourceNotFoundException") throw error;
  }
  if (!current) {
    await client.send(
      new CreateResourceServerCommand({ UserPoolId: userPoolId, Identifier: identifier, Name: name, Scopes: scopes }),
    );
    note(what, true);
    return;
  }
  const missing = scopes.filter((s) => !current.some((c) => c.ScopeName === s.ScopeName));
  if (missing.length > 0) {
    const kept = current.filter((c) => !scopes.some((s) => s.ScopeName === c.ScopeName));
    await client.send(
      new UpdateResourceServerCommand({
        UserPoolId: userPoolId,
        Identifier: identifier,
        Name: name,
        Scopes: [...(kept as typeof scopes), ...scopes],
      }),
    );
  }
  note(what, missing.length > 0);
}

async function ensureUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
  user: SeedUser | PasswordlessSeedUser,
  note: (what: string, created: boolean) => void,
  secretsFile: string,
) {
  // A user with a password (and maybe TOTP), or none for a passwordless one.
  const password = "password" in user ? user : undefined;
  // Look the user up with ListUsers rather than AdminGetUser, so that "not
  // there yet" is an empty list instead of an error the emulator logs loudly.
  const existing = await client.send(
    new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${user.email}"`, Limit: 1 }),
  );
  let exists = (existing.Users?.length ?? 0) > 0;
  if (
    exists &&
    password?.totp &&
    !(await totpSecretWorks(client, clientId, password, readTotpSecrets(secretsFile)[user.email]))
  ) {
    // Enrolled, but the stored secret is missing or stale (secrets file
    // deleted or overwritten): nobody could sign in as it. Start that user over.
    await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: user.email }));
    exists = false;
  }
  if (!exists && !password) {
    await createPasswordlessUser(client, userPoolId, clientId, user);
  } else if (!exists && password) {
    const attributes = { email: user.email, email_verified: "true", ...user.attributes };
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        MessageAction: "SUPPRESS",
        TemporaryPassword: password.password,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    if (password.status !== "temporary") {
      // Confirmed with a permanent password: ready to sign in.
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: userPoolId,
          Username: user.email,
          Password: password.password,
          Permanent: true,
        }),
      );
    }
    if (password.totp) await enrolTotp(client, clientId, password, secretsFile);
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

/**
 * A user without a password, made as a person would make one: SignUp with
 * no password (the gateway records that, and the pool allows it), then
 * confirmed and the email marked verified by an administrator, so email
 * codes can be sent to it.
 */
async function createPasswordlessUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
  user: PasswordlessSeedUser,
) {
  const attributes = { email: user.email, ...user.attributes };
  await client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: user.email,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: user.email }));
  await client.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: userPoolId,
      Username: user.email,
      // cognito-local wants the address with the flag it verifies.
      UserAttributes: [
        { Name: "email", Value: user.email },
        { Name: "email_verified", Value: "true" },
      ],
    }),
  );
}

/** What each provider maps from the provider's claims: the address with its verified flag, the name, the subject. */
const PROVIDER_ATTRIBUTE_MAPPING = {
  email: "email",
  email_verified: "email_verified",
  name: "name",
  given_name: "given_name",
  family_name: "family_name",
  username: "sub",
};

function providerDetails(provider: LocalIdpClient, issuer: string): Record<string, string> {
  const common = {
    client_id: provider.clientId,
    client_secret: provider.clientSecret,
    authorize_scopes: "openid email profile",
  };
  return provider.providerType === "OIDC"
    ? { ...common, oidc_issuer: issuer, attributes_request_method: "GET" }
    : common;
}

/**
 * The local identity provider's two clients as the pool's providers: created,
 * or updated when the provider moved (another port) or its client changed.
 * Returns their names.
 */
async function ensureIdentityProviders(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  issuer: string,
  note: (what: string, created: boolean) => void,
): Promise<string[]> {
  for (const provider of LOCAL_IDP_CLIENTS) {
    const wanted = providerDetails(provider, issuer);
    const current = await client
      .send(new DescribeIdentityProviderCommand({ UserPoolId: userPoolId, ProviderName: provider.providerName }))
      .then((r) => r.IdentityProvider)
      .catch((error: { name?: string }) => {
        if (error.name === "ResourceNotFoundException") return undefined;
        throw error;
      });
    if (!current) {
      await client.send(
        new CreateIdentityProviderCommand({
          UserPoolId: userPoolId,
          ProviderName: provider.providerName,
          ProviderType: provider.providerType,
          ProviderDetails: wanted,
          AttributeMapping: PROVIDER_ATTRIBUTE_MAPPING,
        }),
      );
      note(`identity provider ${provider.providerName} (${provider.providerType}, ${issuer})`, true);
      continue;
    }
    const stale = Object.entries(wanted).some(([key, value]) => current.ProviderDetails?.[key] !== value);
    if (stale) {
      await client.send(
        new UpdateIdentityProviderCommand({
          UserPoolId: userPoolId,
          ProviderName: provider.providerName,
          ProviderDetails: wanted,
          AttributeMapping: PROVIDER_ATTRIBUTE_MAPPING,
        }),
      );
    }
    note(`identity provider ${provider.providerName}${stale ? " (updated)" : ""}`, false);
  }
  return LOCAL_IDP_CLIENTS.map((p) => p.providerName);
}

/**
 * UpdateUserPool resets what it is not given (on AWS and in cognito-local),
 * so an update starts from everything the pool has now.
 */
function poolUpdateFrom(pool: UserPoolType) {
  return {
    UserPoolId: pool.Id!,
    Policies: pool.Policies,
    AutoVerifiedAttributes: pool.AutoVerifiedAttributes,
    MfaConfiguration: pool.MfaConfiguration,
    AdminCreateUserConfig: pool.AdminCreateUserConfig,
    AccountRecoverySetting: pool.AccountRecoverySetting,
    DeviceConfiguration: pool.DeviceConfiguration,
    EmailConfiguration: pool.EmailConfiguration,
    EmailVerificationMessage: pool.EmailVerificationMessage,
    EmailVerificationSubject: pool.EmailVerificationSubject,
    LambdaConfig: pool.LambdaConfig,
    SmsAuthenticationMessage: pool.SmsAuthenticationMessage,
    SmsConfiguration: pool.SmsConfiguration,
    SmsVerificationMessage: pool.SmsVerificationMessage,
    UserAttributeUpdateSettings: pool.UserAttributeUpdateSettings,
    UserPoolAddOns: pool.UserPoolAddOns,
    UserPoolTags: pool.UserPoolTags,
    VerificationMessageTemplate: pool.VerificationMessageTemplate,
    UserPoolTier: pool.UserPoolTier,
  };
}

/** Signs in as the user and enrols a TOTP authenticator, as a person would in /account/mfa. */
async function enrolTotp(client: CognitoIdentityProviderClient, clientId: string, user: SeedUser, secretsFile: string) {
  const auth = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  const accessToken = auth.AuthenticationResult!.AccessToken!;
  const { SecretCode: secret } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await client.send(
    new VerifySoftwareTokenCommand({
      AccessToken: accessToken,
      UserCode: totpCode(secret!),
      FriendlyDeviceName: "seed",
    }),
  );
  await client.send(
    new SetUserMFAPreferenceCommand({
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  const secrets = readTotpSecrets(secretsFile);
  secrets[user.email] = secret!;
  fs.writeFileSync(secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
}

/** Whether `secret` still answers the user's TOTP challenge (a sign-in, as a person would). */
async function totpSecretWorks(
  client: CognitoIdentityProviderClient,
  clientId: string,
  user: SeedUser,
  secret: string | undefined,
): Promise<boolean> {
  if (!secret) return false;
  try {
    const auth = await client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
      }),
    );
    if (auth.ChallengeName !== "SOFTWARE_TOKEN_MFA") return false;
    const done = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: "SOFTWARE_TOKEN_MFA",
        Session: auth.Session,
        ChallengeResponses: {
          USERNAME: auth.ChallengeParameters?.USER_ID_FOR_SRP ?? user.email,
          SOFTWARE_TOKEN_MFA_CODE: totpCode(secret),
        },
      }),
    );
    return Boolean(done.AuthenticationResult?.AccessToken);
  } catch {
    return false;
  }
}
