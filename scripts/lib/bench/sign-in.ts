/**
 * Custom-form sign-in latency: POST /login on the app (InitiateAuth
 * USER_PASSWORD_AUTH at the emulator, verification of both tokens, sealing
 * the cookie, the redirect) against the bare InitiateAuth call the app makes,
 * sent straight to the same emulator with the same client. One request at a
 * time, so this is latency, not queueing.
 */
import { type CognitoIdentityProviderClient, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { CookieJar, expectRedirect } from "../http.ts";
import { alternate } from "./load.ts";
import { percentile } from "./stats.ts";

export interface Credentials {
  username: string;
  password: string;
}

/** One sign-in through the app's form; returns the Set-Cookie values and the jar holding the session. */
export async function formSignIn(appUrl: string, credentials: Credentials, redirectTo = "/dashboard") {
  const jar = new CookieJar();
  const started = performance.now();
  // Origin, as a browser sends with every form post (the app checks it against CSRF).
  const response = await jar.post(
    `${appUrl}/login`,
    { ...credentials, redirectTo },
    { headers: { Origin: new URL(appUrl).origin } },
  );
  const ms = performance.now() - started;
  await response.body?.cancel();
  expectRedirect(response, redirectTo, "form sign-in");
  return { ms, setCookies: response.headers.getSetCookie(), jar };
}

export async function bareInitiateAuth(
  client: CognitoIdentityProviderClient,
  clientId: string,
  credentials: Credentials,
) {
  const started = performance.now();
  const result = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: credentials.username, PASSWORD: credentials.password },
    }),
  );
  const ms = performance.now() - started;
  if (!result.AuthenticationResult?.AccessToken) throw new Error("InitiateAuth returned no tokens");
  return { ms, tokens: result.AuthenticationResult };
}

export interface SignInLatency {
  form: { p50: number; p99: number; samples: number };
  bare: { p50: number; p99: number; samples: number };
  /** Per-round medians, in run order per side. */
  formRoundP50: number[];
  bareRoundP50: number[];
}

export async function measureSignInLatency(options: {
  appUrl: string;
  client: CognitoIdentityProviderClient;
  clientId: string;
  credentials: Credentials;
  rounds: number;
  perRound: number;
  warmup: number;
}): Promise<SignInLatency> {
  const { appUrl, client, clientId, credentials, perRound } = options;
  const series = async (one: () => Promise<{ ms: number }>, n: number) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) samples.push((await one()).ms);
    return samples;
  };
  const form = () => formSignIn(appUrl, credentials);
  const bare = () => bareInitiateAuth(client, clientId, credentials);
  await series(form, options.warmup);
  await series(bare, options.warmup);
  const rounds = await alternate(
    options.rounds,
    () => series(form, perRound),
    () => series(bare, perRound),
  );
  const all = (r: number[][]) => r.flat();
  return {
    form: { p50: percentile(all(rounds.a), 50), p99: percentile(all(rounds.a), 99), samples: all(rounds.a).length },
    bare: { p50: percentile(all(rounds.b), 50), p99: percentile(all(rounds.b), 99), samples: all(rounds.b).length },
    formRoundP50: rounds.a.map((r) => percentile(r, 50)),
    bareRoundP50: rounds.b.map((r) => percentile(r, 50)),
  };
}
