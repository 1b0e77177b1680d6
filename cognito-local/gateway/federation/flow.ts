/**
 * A sign-in through an outside identity provider, as Cognito runs it:
 * `/oauth2/authorize?identity_provider=…` sends the browser to the provider
 * (begin), the provider sends it back to `/oauth2/idpresponse` (finish),
 * where the emulator redeems the code, checks the provider's ID token, maps
 * the claims and finds, updates or creates the user the identity signs in
 * as. What happens next (a code for the app) is the Hosted UI's.
 *
 * Each sign-in is a flow kept in memory for 5 minutes (AWS: "cancels
 * authentication requests that do not complete within 5 minutes"), used once,
 * and bound to the browser that began it by an HttpOnly cookie: its `state`
 * is useless in another browser.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { AttributeType } from "@aws-sdk/client-cognito-identity-provider";
import type { AuthorizeRequest, ErrorPage } from "../authorize-request.ts";
import { errorRedirect, s256 } from "../authorize-request.ts";
import { AwsError, toAwsError } from "../errors.ts";
import { ExpiringStore } from "../expiring-store.ts";
import type { Jwk } from "../jwt.ts";
import type { Upstream } from "../upstream.ts";
import { AttributeMappingError, mapAttributes } from "./attribute-mapping.ts";
import { IdTokenRejected, verifyIdToken } from "./id-token.ts";
import type { Identity } from "./identities.ts";
import { type Discovery, EMULATED_TYPES, type ProviderEndpoints, resolveEndpoints } from "./provider-details.ts";
import type { FederatedUsers, IdentityProviders, StoredProvider } from "./stores.ts";

/** AWS: authentication requests not completed within 5 minutes are cancelled. */
export const FLOW_TTL_MS = 5 * 60 * 1000;
/** The cookie binding a flow to the browser that began it. */
export const BINDING_COOKIE = "cognito_local_federation";
export const IDP_RESPONSE_PATH = "/oauth2/idpresponse";
/** How long the emulator waits for a provider's token, userinfo or key endpoint. */
const PROVIDER_TIMEOUT_MS = 10_000;
/** Most a provider's answer may weigh. */
const MAX_PROVIDER_RESPONSE_BYTES = 256 * 1024;

interface Flow {
  poolId: string;
  providerName: string;
  request: AuthorizeRequest;
  bindingHash: string;
  nonce: string;
  verifier: string;
  expiresAt: number;
}

/** The user a provider sign-in signs in as. */
export interface FederatedSignIn {
  /** The name cognito-local files the user under (for its API). */
  upstreamUsername: string;
  /** The name AWS gives the user: `Google_<sub>` for a federated user, the user's own for a linked one. */
  username: string;
  /** The user's identities (its own, and the ones linked to it), for the `identities` claim. */
  identities: Identity[];
}

export type BeginOutcome = { redirect: string; setCookie?: string } | { page: ErrorPage };

export type FinishOutcome =
  | { page: ErrorPage }
  | { redirect: string }
  | { signedIn: FederatedSignIn; request: AuthorizeRequest };

export interface FederationOptions {
  up: Upstream;
  providers: IdentityProviders;
  users: FederatedUsers;
  /** The gateway's public URL: the provider sends the browser to `<publicUrl>/oauth2/idpresponse`. */
  publicUrl: string;
  /** The issuer standing in for Google (the local provider); unset: Google sign-ins are not emulated. */
  googleIssuer?: string;
  /** Most flows under way at once. */
  capacity: number;
  now?: () => number;
  log: (line: string) => void;
}

const notAvailable = (): ErrorPage => ({
  status: 400,
  title: "Login option is not available",
  message: "Login option is not available. Please try another one.",
});

export class Federation {
  private readonly flows: ExpiringStore<Flow>;
  private readonly now: () => number;
  private readonly keyCache = new Map<string, { keys: Jwk[]; fetchedAt: number }>();

  constructor(private readonly options: FederationOptions) {
    this.now = options.now ?? Date.now;
    this.flows = new ExpiringStore("provider sign-ins", options.capacity, this.now);
  }

  get size(): number {
    return this.flows.size;
  }

  sweep(): void {
    this.flows.sweep();
  }

  /** The provider an authorize request names (`identity_provider`, else `idp_identifier`), if any. */
  requestedProvider(params: URLSearchParams): { name?: string; identifier?: string } | null {
    const name = params.get("identity_provider");
    if (name !== null && name.toUpperCase() !== "COGNITO") return { name };
    const identifier = params.get("idp_identifier");
    if (name === null && identifier !== null) return { identifier };
    return null;
  }

  /**
   * Sends the browser to the provider, or explains why not: a provider the
   * pool does not have or the client does not allow ("Login option is not
   * available"), one the emulator does not sign in with, a Google with no
   * stand-in configured.
   */
  async begin(
    request: AuthorizeRequest,
    wanted: { name?: string; identifier?: string },
    options: { prompt?: string; cookieHeader?: string },
  ): Promise<BeginOutcome> {
    const poolId = request.client.UserPoolId;
    const provider = wanted.name
      ? this.options.providers.get(poolId, wanted.name)
      : this.options.providers.byIdentifier(poolId, wanted.identifier ?? "");
    if (!provider || !(request.client.SupportedIdentityProviders ?? []).includes(provider.ProviderName)) {
      return { page: notAvailable() };
    }
    if (!EMULATED_TYPES.includes(provider.ProviderType)) {
      return {
        page: {
          status: 501,
          title: `${provider.ProviderType} sign-in is not emulated`,
          message: `The local emulator keeps ${provider.ProviderType} identity providers and checks their settings, but cannot sign anyone in through them: only Google (through a local stand-in) and OpenID Connect providers are emulated. On AWS, ${provider.ProviderName} works as configured.`,
        },
      };
    }
    let endpoints: ProviderEndpoints;
    try {
      endpoints = await this.endpointsOf(poolId, provider);
    } catch (error) {
      return {
        page: { status: 502, title: "The identity provider cannot be reached", message: (error as Error).message },
      };
    }

    const cookies = parseCookies(options.cookieHeader);
    const binding =
      cookies[BINDING_COOKIE] && /^[A-Za-z0-9_-]{43}$/.test(cookies[BINDING_COOKIE]!)
        ? cookies[BINDING_COOKIE]!
        : randomBytes(32).toString("base64url");
    const state = randomBytes(32).toString("base64url");
    const flow: Flow = {
      poolId,
      providerName: provider.ProviderName,
      request,
      bindingHash: hash(binding),
      nonce: randomBytes(32).toString("base64url"),
      verifier: randomBytes(32).toString("base64url"),
      expiresAt: this.now() + FLOW_TTL_MS,
    };
    this.flows.set(state, flow);

    const url = new URL(endpoints.authorizeUrl);
    url.searchParams.set("client_id", provider.details.client_id!);
    url.searchParams.set("redirect_uri", this.redirectUri);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("scope", provider.details.authorize_scopes!);
    url.searchParams.set("state", state);
    url.searchParams.set("nonce", flow.nonce);
    url.searchParams.set("code_challenge", s256(flow.verifier));
    url.searchParams.set("code_challenge_method", "S256");
    if (options.prompt === "login") url.searchParams.set("prompt", "login");
    this.options.log(`sign-in through ${provider.ProviderName} for client ${request.client.ClientId}`);
    return {
      redirect: url.toString(),
      setCookie: `${BINDING_COOKIE}=${binding}; Path=${IDP_RESPONSE_PATH}; HttpOnly; SameSite=Lax; Max-Age=${FLOW_TTL_MS / 1000}${this.options.publicUrl.startsWith("https:") ? "; Secure" : ""}`,
    };
  }

  /** `/oauth2/idpresponse`: the provider's answer, checked and turned into the user it signs in as. */
  async finish(params: URLSearchParams, cookieHeader: string | undefined): Promise<FinishOutcome> {
    const state = params.get("state") ?? "";
    const flow = this.flows.get(state);
    if (!flow || flow.expiresAt <= this.now()) {
      if (flow) this.flows.delete(state);
      return {
        page: {
          status: 400,
          title: "This sign-in has expired",
          message: "This sign-in has expired or was already used. Start it again from the app.",
        },
      };
    }
    const binding = parseCookies(cookieHeader)[BINDING_COOKIE];
    if (!binding || !sameHash(hash(binding), flow.bindingHash)) {
      // Left in place: the browser that began it can still finish it.
      return {
        page: {
          status: 400,
          title: "This sign-in belongs to another browser",
          message:
            "This sign-in was started in another browser, or this browser's cookies were cleared. Start it again from the app.",
        },
      };
    }
    this.flows.delete(state);
    const { request } = flow;
    const back = (error: string, description: string): FinishOutcome => ({
      redirect: errorRedirect(request.redirectUri, error, description, request.state),
    });

    const providerError = params.get("error");
    if (providerError !== null) {
      // The provider's own answer goes back to the app as it came (length-capped, one word).
      const word = /^[\w.-]{1,64}$/.test(providerError) ? providerError : "invalid_request";
      return back(word, (params.get("error_description") ?? providerError).slice(0, 512));
    }
    const provider = this.options.providers.get(flow.poolId, flow.providerName);
    if (!provider)
      return back("invalid_request", `${flow.providerName} is no longer an identity provider of this pool`);
    const code = params.get("code");
    if (!code) return back("invalid_request", "The identity provider returned no code");

    try {
      const endpoints = await this.endpointsOf(flow.poolId, provider);
      const tokens = await this.redeem(provider, endpoints, code, flow.verifier);
      const claims = await verifyIdToken(
        tokens.id_token,
        {
          issuer: endpoints.issuer,
          clientId: provider.details.client_id!,
          nonce: flow.nonce,
          now: Math.floor(this.now() / 1000),
        },
        (o) => this.keys(endpoints.jwksUri, o.refresh),
      );
      const userinfo =
        endpoints.attributesUrl && tokens.access_token
          ? await this.userinfo(provider, endpoints.attributesUrl, tokens.access_token)
          : {};
      if (userinfo.sub !== undefined && userinfo.sub !== claims.sub) {
        return back("invalid_request", `${provider.ProviderName} Error - user info is about another subject`);
      }
      const attributes = mapAttributes(provider.AttributeMapping, { ...claims, ...userinfo, sub: claims.sub });
      const signedIn = await this.signInAs(flow.poolId, provider, endpoints, claims.sub, attributes);
      return { signedIn, request };
    } catch (error) {
      if (error instanceof ProviderCallError) return back("invalid_request", error.message);
      if (error instanceof IdTokenRejected) {
        this.options.log(`refused ${provider.ProviderName}'s ID token: ${error.message}`);
        return back("invalid_request", `Invalid id_token: ${error.message}`);
      }
      if (error instanceof AttributeMappingError) return back("invalid_request", error.message);
      if (error instanceof AwsError) return back("invalid_request", error.message);
      throw error;
    }
  }

  private get redirectUri(): string {
    return `${this.options.publicUrl}${IDP_RESPONSE_PATH}`;
  }

  /** Google: the stand-in's endpoints (read again if the stand-in moved); OIDC: as resolved at create or update. */
  private async endpointsOf(poolId: string, provider: StoredProvider): Promise<ProviderEndpoints> {
    if (provider.ProviderType === "Google") {
      const issuer = this.options.googleIssuer;
      if (!issuer) {
        throw new Error(
          "Google sign-in needs a local stand-in: start the emulator with googleIssuer (npm run dev and the tests start the local identity provider and pass it).",
        );
      }
      if (provider.endpoints?.issuer === issuer) return provider.endpoints;
      const endpoints = await resolveEndpoints(issuer, {}, (i) => this.discover(i));
      this.options.providers.put(poolId, { ...provider, endpoints });
      return endpoints;
    }
    if (provider.endpoints) return provider.endpoints;
    const endpoints = await resolveEndpoints(provider.details.oidc_issuer!, provider.details, (i) => this.discover(i));
    this.options.providers.put(poolId, { ...provider, endpoints });
    return endpoints;
  }

  /** An OpenID issuer's discovery document. */
  async discover(issuer: string): Promise<Discovery> {
    const response = await providerFetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, {});
    if (!response.ok) throw new Error(`discovery answered ${response.status}`);
    return (await readJson(response)) as Discovery;
  }

  private async redeem(provider: StoredProvider, endpoints: ProviderEndpoints, code: string, verifier: string) {
    const credentials = `${encodeURIComponent(provider.details.client_id!)}:${encodeURIComponent(provider.details.client_secret ?? "")}`;
    let response: Response;
    try {
      response = await providerFetch(endpoints.tokenUrl, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Basic ${Buffer.from(credentials).toString("base64")}`,
        },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          redirect_uri: this.redirectUri,
          code_verifier: verifier,
        }),
      });
    } catch (error) {
      throw new ProviderCallError(
        (error as Error).name === "TimeoutError"
          ? "Timeout occurred in calling IdP token endpoint"
          : "Connection reset",
      );
    }
    const body = (await readJson(response).catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      // AWS's documented wording for a provider refusing the code.
      throw new ProviderCallError(
        provider.ProviderType === "Google"
          ? `Google Error - ${response.status} ${typeof body.error === "string" ? body.error : ""}`.trim()
          : `${provider.ProviderName} Error - ${response.status} error getting token`,
      );
    }
    if (typeof body.id_token !== "string")
      throw new ProviderCallError(`${provider.ProviderName} Error - no id_token in the token response`);
    return {
      id_token: body.id_token,
      access_token: typeof body.access_token === "string" ? body.access_token : undefined,
    };
  }

  private async userinfo(provider: StoredProvider, url: string, accessToken: string): Promise<Record<string, unknown>> {
    const post = provider.details.attributes_request_method === "POST";
    let response: Response;
    try {
      response = await providerFetch(url, {
        method: post ? "POST" : "GET",
        headers: { Authorization: `Bearer ${accessToken}` },
      });
    } catch {
      throw new ProviderCallError(`${provider.ProviderName} Error - user info endpoint unreachable`);
    }
    if (!response.ok)
      throw new ProviderCallError(`${provider.ProviderName} Error - ${response.status} error getting user info`);
    const body = await readJson(response).catch(() => null);
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      throw new ProviderCallError(`${provider.ProviderName} Error - user info is not a JSON object`);
    }
    return body as Record<string, unknown>;
  }

  /** The provider's keys, cached; fetched again for an unknown kid, at most every 30 seconds. */
  private async keys(jwksUri: string, refresh: boolean): Promise<Jwk[]> {
    const cached = this.keyCache.get(jwksUri);
    if (cached && (!refresh || this.now() - cached.fetchedAt < 30_000)) return cached.keys;
    let response: Response;
    try {
      response = await providerFetch(jwksUri, {});
    } catch {
      throw new ProviderCallError("Timeout in calling jwks uri");
    }
    const body = (await readJson(response).catch(() => ({}))) as { keys?: unknown };
    const keys = Array.isArray(body.keys) ? (body.keys as Jwk[]) : [];
    this.keyCache.set(jwksUri, { keys, fetchedAt: this.now() });
    return keys;
  }

  /**
   * The user this identity signs in as: the user it is linked to, else the
   * user an earlier sign-in made for it, else a new one. Mapped attributes
   * are written on every sign-in, as Cognito does.
   */
  private async signInAs(
    poolId: string,
    provider: StoredProvider,
    endpoints: ProviderEndpoints,
    sub: string,
    attributes: Record<string, string>,
  ): Promise<FederatedSignIn> {
    const { up, users } = this.options;
    const link = users.linkOf(poolId, provider.ProviderName, sub);
    if (link) {
      const user = await up.user(poolId, link.upstreamUsername);
      if (user) {
        await this.checkEnabled(user.Enabled);
        await this.updateAttributes(poolId, link.upstreamUsername, user.UserAttributes ?? [], attributes, true);
        return {
          upstreamUsername: link.upstreamUsername,
          username: link.upstreamUsername,
          identities: users.identitiesOf(poolId, link.upstreamUsername),
        };
      }
      users.forget(poolId, link.upstreamUsername);
    }

    const known = users.byIdentity(poolId, provider.ProviderName, sub);
    if (known) {
      const user = await up.user(poolId, known.upstreamUsername);
      if (user) {
        if (known.providerDisabled) throw new AwsError("NotAuthorizedException", "User is disabled.");
        await this.checkEnabled(user.Enabled);
        await this.updateAttributes(poolId, known.upstreamUsername, user.UserAttributes ?? [], attributes, false);
        return {
          upstreamUsername: known.upstreamUsername,
          username: known.username,
          identities: users.identitiesOf(poolId, known.upstreamUsername),
        };
      }
      users.forget(poolId, known.upstreamUsername);
    }

    const username = `${provider.ProviderName}_${sub}`;
    const upstreamUsername = await this.createUser(poolId, username, attributes);
    const identity: Identity = {
      userId: sub,
      providerName: provider.ProviderName,
      providerType: provider.ProviderType,
      issuer: provider.ProviderType === "OIDC" ? endpoints.issuer : null,
      primary: true,
      dateCreated: this.now(),
    };
    users.add({ poolId, username, upstreamUsername, identity });
    await this.joinProviderGroup(poolId, provider.ProviderName, upstreamUsername);
    this.options.log(`created federated user ${username}`);
    return { upstreamUsername, username, identities: [identity] };
  }

  private async checkEnabled(enabled: boolean | undefined): Promise<void> {
    if (enabled === false) throw new AwsError("NotAuthorizedException", "User is disabled.");
  }

  /**
   * Writes what the provider says. A user that signs in with the pool's own
   * sign-in (a linked one) keeps an address no other user has: when the
   * provider's address is someone else's, the sign-in fails and nothing is
   * written (AWS: "If Amazon Cognito can't update the attribute, it reports
   * an error").
   */
  private async updateAttributes(
    poolId: string,
    upstreamUsername: string,
    current: AttributeType[],
    attributes: Record<string, string>,
    signsInByAddress: boolean,
  ): Promise<void> {
    const changed = Object.entries(attributes).filter(
      ([name, value]) => current.find((a) => a.Name === name)?.Value !== value,
    );
    if (changed.length === 0) return;
    const email = attributes.email;
    if (signsInByAddress && email !== undefined && changed.some(([name]) => name === "email")) {
      const holders = await this.options.up.call("ListUsers", {
        UserPoolId: poolId,
        Filter: `email = "${email.replace(/["\\]/g, "")}"`,
      });
      // Federated users may share an address (AWS allows it: they do not sign in with it).
      const others = (holders.Users ?? []).filter(
        (u) => u.Username !== upstreamUsername && !this.options.users.byUpstream(poolId, u.Username ?? ""),
      );
      if (others.length > 0) {
        throw new AwsError("AliasExistsException", "An account with the given email already exists.");
      }
    }
    const update = Object.fromEntries(changed);
    // cognito-local wants the address with its verified flag.
    if (update.email_verified !== undefined && update.email === undefined && email !== undefined) update.email = email;
    await this.options.up.call("AdminUpdateUserAttributes", {
      UserPoolId: poolId,
      Username: upstreamUsername,
      UserAttributes: Object.entries(update).map(([Name, Value]) => ({ Name, Value })),
    });
  }

  /**
   * A new cognito-local user for the identity, with a password nobody is
   * told. In a pool that signs in by email cognito-local wants an address as
   * the username (and files the user under its sub): it is given a
   * placeholder, and no address is kept unless the provider gave one.
   */
  private async createUser(poolId: string, username: string, attributes: Record<string, string>): Promise<string> {
    const pool = await this.options.up.pool(poolId);
    const byEmail = (pool.UsernameAttributes ?? []).includes("email");
    const placeholder = `${randomBytes(12).toString("hex")}@federated.invalid`;
    const created = await this.options.up.call("AdminCreateUser", {
      UserPoolId: poolId,
      Username: byEmail ? placeholder : username,
      MessageAction: "SUPPRESS",
      TemporaryPassword: `${randomBytes(24).toString("base64url")}Aa1!`,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    });
    const upstreamUsername = created.User?.Username;
    if (!upstreamUsername) throw new AwsError("InternalErrorException", "cognito-local did not name the new user", 500);
    if (byEmail && attributes.email === undefined) {
      await this.options.up.call("AdminDeleteUserAttributes", {
        UserPoolId: poolId,
        Username: upstreamUsername,
        UserAttributeNames: ["email"],
      });
    }
    return upstreamUsername;
  }

  /** Cognito's `<poolId>_<ProviderName>` group, made the first time someone signs in with the provider. */
  private async joinProviderGroup(poolId: string, providerName: string, upstreamUsername: string): Promise<void> {
    const GroupName = `${poolId}_${providerName}`;
    try {
      await this.options.up.call("CreateGroup", {
        UserPoolId: poolId,
        GroupName,
        Description: `Autogenerated group for users who sign in using ${providerName}`,
      });
    } catch (error) {
      if (toAwsError(error).type !== "GroupExistsException") throw error;
    }
    await this.options.up.call("AdminAddUserToGroup", { UserPoolId: poolId, Username: upstreamUsername, GroupName });
  }
}

/** A provider endpoint failed: the message is what goes back to the app (AWS's wording where it has one). */
class ProviderCallError extends Error {}

function providerFetch(url: string, init: RequestInit): Promise<Response> {
  return fetch(url, {
    ...init,
    redirect: "error",
    headers: {
      ...(init.headers as Record<string, string>),
      "User-Agent": "Amazon/Cognito",
      Accept: "application/json",
    },
    signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
  });
}

/** The answer as JSON, read no further than MAX_PROVIDER_RESPONSE_BYTES. */
async function readJson(response: Response): Promise<unknown> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
    if (done || !value) break;
    size += value.byteLength;
    if (size > MAX_PROVIDER_RESPONSE_BYTES) {
      await reader?.cancel();
      throw new Error("answer too large");
    }
    chunks.push(value);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function hash(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}
