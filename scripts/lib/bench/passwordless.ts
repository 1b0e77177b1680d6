/**
 * Passwordless sign-in latency (USER_AUTH's first factors): an emailed code and a
 * passkey, each through the app against the bare Cognito calls the app makes
 * for it, sent straight to the same local Cognito with the same client.
 *
 *   email code   app:  POST /login (intent=email-code) → 302 /login/code; POST /login/code → 302
 *                bare: InitiateAuth USER_AUTH (EMAIL_OTP) → RespondToAuthChallenge EMAIL_OTP
 *   passkey      app:  POST /login/passkey start → options; the authenticator signs; POST finish
 *                bare: InitiateAuth USER_AUTH (WEB_AUTHN) → the authenticator signs → RespondToAuthChallenge
 *
 * Both sides of the passkey flow sign with the same software authenticator
 * (a P-256 signature: the browser's work, the same on both sides). One sign-in
 * at a time, so this is latency, not queueing.
 */
import {
  type CognitoIdentityProviderClient,
  CompleteWebAuthnRegistrationCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  StartWebAuthnRegistrationCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { CookieJar, expectRedirect } from "../http.ts";
import type { SoftwareAuthenticator } from "../webauthn-authenticator.ts";
import { alternate } from "./load.ts";
import { percentile } from "./stats.ts";

export interface PasswordlessUser {
  username: string;
  /** The code the local Cognito sends (its fixed `CODE`). */
  code: string;
  authenticator: SoftwareAuthenticator;
  /** The origin the "browser" is on for WebAuthn: the relying party's host (localhost), the app's port. */
  webauthnOrigin: string;
}

const REDIRECT_TO = "/dashboard";

/** Registers a passkey for `username` (signed in with its password) on `authenticator`. */
export async function registerPasskey(
  client: CognitoIdentityProviderClient,
  clientId: string,
  credentials: { username: string; password: string },
  authenticator: SoftwareAuthenticator,
  origin: string,
): Promise<void> {
  const signedIn = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: credentials.username, PASSWORD: credentials.password },
    }),
  );
  const AccessToken = signedIn.AuthenticationResult!.AccessToken!;
  const { CredentialCreationOptions } = await client.send(new StartWebAuthnRegistrationCommand({ AccessToken }));
  const credential = authenticator.register(
    CredentialCreationOptions as unknown as PublicKeyCredentialCreationOptionsJSON,
    origin,
  );
  await client.send(new CompleteWebAuthnRegistrationCommand({ AccessToken, Credential: credential as never }));
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Email-code sign-in through the app's two form posts, ending in the redirect with a session. */
export function appEmailCodeSignIn(appUrl: string, user: PasswordlessUser): Promise<number> {
  const origin = { headers: { Origin: new URL(appUrl).origin } };
  return timed(async () => {
    const jar = new CookieJar();
    const ask = await jar.post(
      `${appUrl}/login`,
      { username: user.username, intent: "email-code", redirectTo: REDIRECT_TO },
      origin,
    );
    await ask.body?.cancel();
    expectRedirect(ask, "/login/code", "email-code sign-in (asking for a code)");
    const answer = await jar.post(`${appUrl}/login/code`, { intent: "verify", code: user.code }, origin);
    await answer.body?.cancel();
    expectRedirect(answer, REDIRECT_TO, "email-code sign-in (the code)");
  });
}

/**
 * A bare USER_AUTH sign-in: InitiateAuth with `challenge` preferred, then
 * RespondToAuthChallenge with what `respond` makes of Cognito's challenge —
 * the same two calls the app makes.
 */
function bareChallengeSignIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  user: PasswordlessUser,
  challenge: "EMAIL_OTP" | "WEB_AUTHN",
  respond: (parameters: Record<string, string>) => Record<string, string>,
): Promise<number> {
  return timed(async () => {
    const started = await client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_AUTH",
        AuthParameters: { USERNAME: user.username, PREFERRED_CHALLENGE: challenge },
      }),
    );
    if (started.ChallengeName !== challenge) throw new Error(`expected ${challenge}, got ${started.ChallengeName}`);
    const done = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: challenge,
        Session: started.Session,
        ChallengeResponses: { USERNAME: user.username, ...respond(started.ChallengeParameters ?? {}) },
      }),
    );
    if (!done.AuthenticationResult?.AccessToken) throw new Error(`the ${challenge} answer gave no tokens`);
  });
}

/** The two Cognito calls behind an email-code sign-in. */
export function bareEmailCodeSignIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  user: PasswordlessUser,
): Promise<number> {
  return bareChallengeSignIn(client, clientId, user, "EMAIL_OTP", () => ({ EMAIL_OTP_CODE: user.code }));
}

/** Passkey sign-in through the app's JSON endpoint, as the sign-in page's script drives it. */
export function appPasskeySignIn(appUrl: string, user: PasswordlessUser): Promise<number> {
  const origin = { headers: { Origin: new URL(appUrl).origin } };
  return timed(async () => {
    const jar = new CookieJar();
    const start = await jar.post(
      `${appUrl}/login/passkey`,
      { intent: "start", username: user.username, redirectTo: REDIRECT_TO },
      origin,
    );
    const started = (await start.json()) as { options?: PublicKeyCredentialRequestOptionsJSON; error?: string };
    if (start.status !== 200 || !started.options) {
      throw new Error(`passkey sign-in start answered ${start.status}: ${started.error ?? "no options"}`);
    }
    const credential = user.authenticator.authenticate(started.options, user.webauthnOrigin);
    const finish = await jar.post(
      `${appUrl}/login/passkey`,
      { intent: "finish", credential: JSON.stringify(credential) },
      origin,
    );
    const finished = (await finish.json()) as { redirectTo?: string; error?: string };
    if (
      finish.status !== 200 ||
      finished.redirectTo !== REDIRECT_TO ||
      !jar.names().some((n) => /session\.0$/.test(n))
    ) {
      throw new Error(`passkey sign-in finish answered ${finish.status}: ${finished.error ?? "no session"}`);
    }
  });
}

/** The Cognito calls behind a passkey sign-in, with the same authenticator's signature in between. */
export function barePasskeySignIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  user: PasswordlessUser,
): Promise<number> {
  return bareChallengeSignIn(client, clientId, user, "WEB_AUTHN", (parameters) => {
    const options = JSON.parse(parameters.CREDENTIAL_REQUEST_OPTIONS!) as PublicKeyCredentialRequestOptionsJSON;
    return { CREDENTIAL: JSON.stringify(user.authenticator.authenticate(options, user.webauthnOrigin)) };
  });
}

export interface FlowLatency {
  app: { p50: number; p99: number; samples: number };
  bare: { p50: number; p99: number; samples: number };
  appRoundP50: number[];
  bareRoundP50: number[];
  /** HTTP requests the app side sends to the app per sign-in. */
  appRequests: number;
  /**
   * p50 of each empty request (`floors`, e.g. GET /healthz through the app), measured in the same
   * rounds: what each of the app side's requests costs before any sign-in work.
   */
  floorP50: Record<string, number>;
  /** The app's CPU time (user + system) per sign-in through it, µs, when `serverCpuMs` was given. */
  appCpuUsPerSignIn?: number;
  /**
   * The app's CPU time per request of each floor, µs, when `serverCpuMs` was given: for the empty
   * request through the app, what any request costs it one at a time (the others, served elsewhere,
   * show its background work).
   */
  floorAppCpuUs?: Record<string, number>;
  /**
   * This process's CPU time per bare sign-in, µs: the client side of the bare Cognito calls (the
   * SDK's work: the app does the same for the same calls), plus, for a passkey, the signature.
   */
  bareCpuUsPerSignIn: number;
}

/** Warm-up, then alternating rounds of one flow through the app and bare. */
export async function measureFlow(options: {
  app: () => Promise<number>;
  bare: () => Promise<number>;
  /** How many HTTP requests `app` sends to the app (for the note). */
  appRequests: number;
  /**
   * Empty requests (timed), by name: through the app, the floor each of `app`'s requests pays;
   * through less of the stack, what that floor is made of.
   */
  floors?: Record<string, () => Promise<number>>;
  /** Reads the app's CPU time in ms (e.g. AppProcess.cpuMs). */
  serverCpuMs?: () => number;
  warmup: number;
  rounds: number;
  perRound: number;
}): Promise<FlowLatency> {
  const series = async (one: () => Promise<number>, n: number) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) samples.push(await one());
    return samples;
  };
  const floors = Object.entries(options.floors ?? {});
  const floorSamples = new Map<string, number[]>(floors.map(([name]) => [name, []]));
  let appCpuMs = 0;
  const floorCpuMs = new Map<string, number>();
  // The floors are sampled right after each app series, so they see the same machine as the app
  // side; in turn first and last, so none of them always runs right after the sign-ins.
  let appRounds = 0;
  const appSeries = async () => {
    const before = options.serverCpuMs?.() ?? 0;
    const samples = await series(options.app, options.perRound);
    appCpuMs += (options.serverCpuMs?.() ?? 0) - before;
    const order = appRounds++ % 2 === 0 ? floors : [...floors].reverse();
    for (const [name, floor] of order) {
      const cpuBefore = options.serverCpuMs?.() ?? 0;
      floorSamples.get(name)!.push(...(await series(floor, options.perRound)));
      floorCpuMs.set(name, (floorCpuMs.get(name) ?? 0) + (options.serverCpuMs?.() ?? 0) - cpuBefore);
    }
    return samples;
  };
  await series(options.app, options.warmup);
  await series(options.bare, options.warmup);
  for (const [, floor] of floors) await series(floor, options.warmup);
  let bareCpuUs = 0;
  const bareSeries = async () => {
    const before = process.cpuUsage();
    const samples = await series(options.bare, options.perRound);
    const used = process.cpuUsage(before);
    bareCpuUs += used.user + used.system;
    return samples;
  };
  const rounds = await alternate(options.rounds, appSeries, bareSeries);
  const summary = (r: number[][]) => ({
    p50: percentile(r.flat(), 50),
    p99: percentile(r.flat(), 99),
    samples: r.flat().length,
  });
  return {
    app: summary(rounds.a),
    bare: summary(rounds.b),
    appRoundP50: rounds.a.map((r) => percentile(r, 50)),
    bareRoundP50: rounds.b.map((r) => percentile(r, 50)),
    appRequests: options.appRequests,
    floorP50: Object.fromEntries([...floorSamples].map(([name, samples]) => [name, percentile(samples, 50)])),
    appCpuUsPerSignIn: options.serverCpuMs ? (appCpuMs * 1000) / rounds.a.flat().length : undefined,
    floorAppCpuUs: options.serverCpuMs
      ? Object.fromEntries(
          [...floorCpuMs].map(([name, ms]) => [name, (ms * 1000) / (floorSamples.get(name)?.length || 1)]),
        )
      : undefined,
    bareCpuUsPerSignIn: bareCpuUs / rounds.b.flat().length,
  };
}

/** GET `url` and read the body: the time of one request that does no sign-in work. */
export function emptyRequest(url: string): () => Promise<number> {
  return () =>
    timed(async () => {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    });
}

/** This process's CPU per passkey signature (the browser's part of a passkey sign-in), µs: the fastest of a few rounds. */
export function signatureCpuUs(user: PasswordlessUser, iterations = 200, rounds = 5): number {
  const options = { challenge: "YmVuY2g", rpId: new URL(user.webauthnOrigin).hostname, allowCredentials: [] };
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) user.authenticator.authenticate(options, user.webauthnOrigin);
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / iterations);
  }
  return best;
}
