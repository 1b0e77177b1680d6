/**
 * Signing in with an identity provider ("Continue with Google"), and one
 * account per person (docs/decisions/022-federated-sign-in.md).
 *
 * A provider sign-in is a Hosted UI sign-in that skips Cognito's page
 * (`identity_provider=`). Cognito makes a user for each new outside identity;
 * AWS's documented way to keep that person to one account is a pre sign-up
 * Lambda that links the identity to the existing user with the same address
 * (AdminLinkProviderForUser). The app does the same right after the sign-in,
 * with the same calls, when the identity's user was made by this very
 * sign-in:
 *
 *  - the provider verified the address, and so has the existing account: the
 *    new user is deleted, the identity linked to the existing account, and
 *    the provider sign-in started again, which now lands in that account;
 *  - the provider did not verify it: nothing links (an unverified address
 *    never does), the new user is deleted, nobody is signed in, and the login
 *    page says to sign in to the existing account and link the provider there.
 *
 * Linking from the account page proves both sides: a recent sign-in (or the
 * password) for the account, a fresh provider sign-in for the identity, tied
 * together by a sealed cookie naming the account; and the provider account
 * must have the account's own address, verified (Cognito would otherwise
 * write the provider's address over it at every sign-in).
 */
import { redirect } from "@remix-run/node";
import { type AuthSession, federatedProvider, type LinkedIdentity } from "~/cognito/auth-session.server";
import { getEnv } from "~/env.server";
import { getCognitoServices } from "./cognito-services.server";
import { COOKIE_PATH, cookieName } from "./cookie-names.server";
import { describeFlowChoice } from "./flow.server";
import { createSealedCookieStore, type SealedCookieStore } from "./sealed-cookie.server";

/** A provider sign-in takes a few minutes at most (Cognito cancels its own after 5). */
const ROUND_TRIP_SECONDS = 10 * 60;
/**
 * How far Cognito's clock may be behind the app's when it dates a new user.
 * A user dated earlier than the round trip's start minus this was made by an
 * earlier sign-in (at the provider, the person takes seconds at least).
 */
export const CLOCK_SLACK_MS = 1_000;

/** The identity providers the sign-in page offers, when the Hosted UI may be used. */
export function signInProviders(): string[] {
  const env = getEnv();
  return describeFlowChoice(env).hostedAvailable ? env.identityProviders : [];
}

/**
 * The extra authorization parameters a request to start a sign-in may ask
 * for: `identity_provider` (one of COGNITO_IDENTITY_PROVIDERS) and
 * `prompt=login`. Anything else in the request is ignored.
 */
export function providerAuthorizationParams(request: Request): Record<string, string> {
  const query = new URL(request.url).searchParams;
  const provider = query.get("provider");
  const params: Record<string, string> = {};
  if (provider && getEnv().identityProviders.includes(provider)) params.identity_provider = provider;
  if (query.get("prompt") === "login") params.prompt = "login";
  return params;
}

/**
 * A Hosted UI round trip under way: when it began (a federated user dated
 * after that was made by this sign-in, not an earlier one), and, for a link
 * asked for on the account page, which account and provider. Sealed: the
 * browser carries it, and cannot change it.
 */
interface RoundTrip {
  startedAt: number;
  link?: { sub: string; provider: string };
}

let roundTrips: SealedCookieStore<RoundTrip> | undefined;
function roundTripStore(): SealedCookieStore<RoundTrip> {
  if (!roundTrips) {
    const env = getEnv();
    roundTrips = createSealedCookieStore<RoundTrip>({
      name: cookieName("round_trip"),
      secrets: env.sessionSecrets,
      secure: env.isProduction,
      maxAgeSeconds: ROUND_TRIP_SECONDS,
      path: COOKIE_PATH,
    });
  }
  return roundTrips;
}

/**
 * Marks the start of a Hosted UI round trip (startHostedSignIn). A link asked
 * for on the account page, still under way, is kept.
 */
export function beginRoundTrip(request: Request, headers: Headers): void {
  const cookie = request.headers.get("Cookie");
  const link = roundTripStore().read(cookie)?.link;
  for (const value of roundTripStore().write({ startedAt: Date.now(), link }, cookie))
    headers.append("Set-Cookie", value);
}

/**
 * Starts linking `provider` to the signed-in account: the sealed intent, then
 * a fresh sign-in with the provider (`prompt=login`: the person proves the
 * provider account now). Returns to /account/sign-in-methods.
 */
export function startLinkingProvider(request: Request, sub: string, provider: string, headers: Headers): never {
  const round: RoundTrip = { startedAt: Date.now(), link: { sub, provider } };
  for (const cookie of roundTripStore().write(round, request.headers.get("Cookie")))
    headers.append("Set-Cookie", cookie);
  const query = new URLSearchParams({ provider, prompt: "login", redirectTo: "/account/sign-in-methods" });
  throw redirect(`/auth/hosted?${query}`, { headers });
}

/** What the app does with a Hosted UI sign-in that has just come back. */
export type FederatedOutcome =
  /** An ordinary sign-in: complete it. */
  | { kind: "complete" }
  /** The identity has just been linked to an existing account: sign in with the provider again. */
  | { kind: "sign-in-again"; provider: string }
  /** Refused: the address belongs to an account, and the provider did not verify it. */
  | { kind: "refused"; error: "account-exists" }
  /** A link from the account page ended: back there, the session unchanged. */
  | { kind: "linking-done"; result: LinkResult };

export type LinkResult = "provider-linked" | "already-linked" | "provider-in-use" | "email-differs" | "link-expired";

/** The browser's signed-in user, as far as linking needs it. */
export interface SignedInUser {
  sub: string;
  /** Cognito's username: the destination of a link. */
  username: string;
  email?: string;
}

/**
 * One person, one account, for a sign-in that has just come back verified.
 * `current` is the browser's signed-in user, if any (a link from the account
 * page must be theirs). Writes the Set-Cookie that clears a link intent into
 * `headers`.
 */
export async function settleFederatedSignIn(
  request: Request,
  session: AuthSession,
  current: SignedInUser | undefined,
  headers: Headers,
): Promise<FederatedOutcome> {
  const cookie = request.headers.get("Cookie");
  const round = roundTripStore().read(cookie);
  for (const value of roundTripStore().destroy(cookie)) headers.append("Set-Cookie", value);
  if (round?.link) return { kind: "linking-done", result: await linkFromAccount(session, round, current) };
  const own = round && justMade(session, round);
  if (!own || !session.user.email) return { kind: "complete" };
  const { admin } = getCognitoServices();
  const existing = await admin.nativeUsersWithEmail(session.user.email);
  if (existing.length === 0) return { kind: "complete" };
  if (!session.user.emailVerified) {
    await discard(session);
    return { kind: "refused", error: "account-exists" };
  }
  const verified = existing.filter((u) => u.emailVerified);
  // Someone holding the address without having verified it gets nothing linked to them;
  // the provider's verified user keeps an account of its own.
  if (verified.length !== 1) return { kind: "complete" };
  await discard(session);
  await admin.linkProvider(verified[0]!.username, own.providerName, own.userId);
  console.info(`[auth] linked a ${own.providerName} identity to an existing account by its verified address`);
  return { kind: "sign-in-again", provider: own.providerName };
}

/** The identity a federated user was made from, when this round trip's sign-in made it. */
function justMade(session: AuthSession, round: RoundTrip): LinkedIdentity | undefined {
  const own = session.user.identities?.find((i) => i.primary);
  return own && own.dateCreated >= round.startedAt - CLOCK_SLACK_MS ? own : undefined;
}

async function linkFromAccount(
  session: AuthSession,
  round: RoundTrip,
  current: SignedInUser | undefined,
): Promise<LinkResult> {
  const intent = round.link!;
  // The account must still be the one signed in here.
  if (!current || current.sub !== intent.sub) {
    await revoke(session);
    return "link-expired";
  }
  if (session.user.sub === current.sub) {
    await revoke(session);
    return "already-linked";
  }
  const own = justMade(session, round);
  if (!own || own.providerName !== intent.provider || federatedProvider(session.user) !== intent.provider) {
    // The identity has an account of its own here, or is linked to someone else: Cognito cannot merge users.
    await revoke(session);
    return "provider-in-use";
  }
  // Cognito writes the provider's mapped attributes over the account's at every sign-in: a
  // provider account with another (or an unconfirmed) address would change the address this
  // account signs in with. Only one that verifiably has the same address is linked.
  const sameAddress =
    session.user.emailVerified &&
    Boolean(current.email) &&
    session.user.email?.toLowerCase() === current.email?.toLowerCase();
  if (!sameAddress) {
    await discard(session);
    return "email-differs";
  }
  await discard(session);
  await getCognitoServices().admin.linkProvider(current.username, own.providerName, own.userId);
  console.info(`[auth] linked a ${own.providerName} identity from the account page user=sub:${current.sub}`);
  return "provider-linked";
}

/** The federated user this sign-in made is not kept: its tokens are revoked and the user deleted. */
async function discard(session: AuthSession): Promise<void> {
  await revoke(session);
  await getCognitoServices().admin.deleteUser(session.user.username);
}

async function revoke(session: AuthSession): Promise<void> {
  if (!session.tokens.refreshToken) return;
  await getCognitoServices()
    .signInApi.revoke(session.tokens.refreshToken)
    .catch((error: Error) =>
      console.warn(`[auth] could not revoke a set-aside sign-in's refresh token (${error.name})`),
    );
}
