/**
 * What every operation handler is given: cognito-local (`up`), the gateway's
 * own stores, the token services and the two sign-in flows with state of
 * their own. Made once per gateway.
 */
import { AccessTokens } from "../access-tokens.ts";
import { CognitoLocalData } from "../cognito-local-data.ts";
import { Federation } from "../federation/flow.ts";
import { FederatedUsers, IdentityProviders } from "../federation/stores.ts";
import { claim } from "../jwt.ts";
import { Passkeys } from "../passkeys.ts";
import { PasswordlessUsers } from "../passwordless-users.ts";
import { PoolSettings } from "../pool-settings.ts";
import { ResourceServers } from "../resource-servers.ts";
import { CHALLENGE_SESSION_MS, ChallengeSessions } from "../sessions.ts";
import { SrpSignIn } from "../srp/sign-in.ts";
import { TokenFamilies } from "../token-families.ts";
import { TokenIssuer } from "../token-issuer.ts";
import type { AppClient, Upstream } from "../upstream.ts";
import { UserAuth } from "../user-auth.ts";
import { WebAuthn } from "../webauthn.ts";
import { preventsUserExistenceErrors } from "./app-client.ts";
import { passwordSignIn } from "./sign-in.ts";

/** What the gateway keeps that cognito-local cannot. */
export interface GatewayStores {
  /** Pool and client settings cognito-local drops (durable). */
  settings: PoolSettings;
  /** Users' passkeys (durable). */
  passkeys: Passkeys;
  /** Users who signed up without a password (durable). */
  passwordless: PasswordlessUsers;
  /** Every sign-in's token family and refresh tokens, revocations included (durable). */
  families: TokenFamilies;
  /** The pools' resource servers and custom scopes (durable). */
  resourceServers: ResourceServers;
  /** Challenge `Session`s handed out and not yet answered (in memory, bounded). */
  challenges: ChallengeSessions;
}

export interface OperationContext {
  /** cognito-local, behind the gateway. */
  up: Upstream;
  stores: GatewayStores;
  /** Mints every token the gateway hands out. */
  issuer: TokenIssuer;
  /** Verifies access tokens as AWS does. */
  accessTokens: AccessTokens;
  /** Choice-based sign-in (USER_AUTH). */
  userAuth: UserAuth;
  /** Passkey registration and the WEB_AUTHN challenge. */
  webAuthn: WebAuthn;
  /** Identity providers, the users they sign in as, and sign-ins through them. */
  federation: FederationContext;
  /** SRP sign-in (USER_SRP_AUTH, PASSWORD_SRP). */
  srp: SrpSignIn;
  /** cognito-local's CODE: every code, and temporary passwords the gateway makes, are this. */
  fixedCode?: string;
  log: (line: string) => void;
}

export interface FederationContext {
  /** Each pool's identity providers (durable). */
  providers: IdentityProviders;
  /** Users made by provider sign-ins, and identities linked to users (durable). */
  users: FederatedUsers;
  /** Sign-ins through a provider under way, and how they are checked. */
  flow: Federation;
  /** The issuer standing in for Google; unset: Google sign-ins are not emulated. */
  googleIssuer?: string;
}

export interface ContextOptions {
  upstream: Upstream;
  /** The gateway's public base URL: the issuer domain of every token. */
  publicUrl: string;
  log: (line: string) => void;
  /**
   * Where the gateway keeps what cognito-local cannot (passkeys, settings it
   * drops, the token families): `<dataDir>/.gateway`. Without it that state
   * lives in memory and is lost on restart.
   */
  stateDir?: string;
  /**
   * cognito-local's data directory (`<dataDir>/.cognito/db`), where SRP reads
   * the passwords it makes verifiers from (ADR 020). Without it SRP sign-in
   * is refused.
   */
  cognitoDataDir?: string;
  /** Every email sign-in code is this (cognito-local's `CODE`), instead of random. */
  fixedCode?: string;
  /** Challenge session lifetime. Default 3 minutes, as on AWS; tests shorten it. */
  challengeTtlMs?: number;
  /** Most challenge sessions (and passkey registrations) held at once; then new ones are refused. */
  challengeSessionLimit: number;
  /** The issuer standing in for Google (the local identity provider). */
  googleIssuer?: string;
  /** Most provider sign-ins under way at once. */
  federationLimit: number;
  /** The clock of provider sign-ins (tests move it). */
  now?: () => number;
}

export function createContext(options: ContextOptions): OperationContext {
  const up = options.upstream;
  const log = options.log;
  const stores: GatewayStores = {
    settings: new PoolSettings(options.stateDir),
    passkeys: new Passkeys(options.stateDir),
    passwordless: new PasswordlessUsers(options.stateDir),
    families: new TokenFamilies(options.stateDir),
    resourceServers: new ResourceServers(options.stateDir),
    challenges: new ChallengeSessions(options.challengeSessionLimit, options.challengeTtlMs ?? CHALLENGE_SESSION_MS),
  };
  const providers = new IdentityProviders(options.stateDir);
  const federatedUsers = new FederatedUsers(options.stateDir);
  const federation: FederationContext = {
    providers,
    users: federatedUsers,
    googleIssuer: options.googleIssuer,
    flow: new Federation({
      up,
      providers,
      users: federatedUsers,
      publicUrl: options.publicUrl,
      googleIssuer: options.googleIssuer,
      capacity: options.federationLimit,
      now: options.now,
      log,
    }),
  };
  const issuer = new TokenIssuer({
    up,
    families: stores.families,
    publicUrl: options.publicUrl,
    // A federated user's tokens carry its AWS name and identities (and a linked user's, its identities).
    presentation: (poolId, username) => {
      const federated = federatedUsers.byUpstream(poolId, username);
      return { username: federated?.username ?? username, identities: federatedUsers.identitiesOf(poolId, username) };
    },
  });
  const accessTokens = new AccessTokens({ up, families: stores.families, publicUrl: options.publicUrl, log });
  const webAuthn = new WebAuthn({
    up,
    settings: stores.settings,
    passkeys: stores.passkeys,
    verifyAccessToken: async (token) => {
      const { jwt, poolId, username } = await accessTokens.verify(token);
      return { poolId, username, clientId: claim(jwt, "client_id") ?? "" };
    },
    pendingLimit: options.challengeSessionLimit,
    log,
  });
  const passwordSignInAs = (client: AppClient, username: string, password: string) =>
    passwordSignIn(
      ctx,
      client,
      {
        ClientId: client.ClientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: username, PASSWORD: password },
      },
      { checkSecretHash: false },
    );
  const srp = new SrpSignIn({
    up,
    data: new CognitoLocalData(options.cognitoDataDir),
    sessions: stores.challenges,
    stateDir: options.stateDir,
    passwordSignIn: passwordSignInAs,
    preventsUserExistenceErrors,
  });
  const userAuth = new UserAuth({
    passkeySignIn: webAuthn,
    up,
    settings: stores.settings,
    sessions: stores.challenges,
    passkeys: stores.passkeys,
    passwordless: stores.passwordless,
    fixedCode: options.fixedCode,
    log,
    passwordSignIn: passwordSignInAs,
    srpSignIn: (client, username, srpA) => srp.initiate(client, { username, srpA, userAuth: true }),
    issueTokens: (client, user) => issuer.signIn(client, user),
    preventsUserExistenceErrors,
  });
  // (userAuth's password sign-in runs through this context, once made)
  const ctx: OperationContext = {
    up,
    stores,
    issuer,
    accessTokens,
    userAuth,
    webAuthn,
    federation,
    srp,
    fixedCode: options.fixedCode,
    log,
  };
  return ctx;
}
