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
  /** The app's CPU time (user + system) per form sign-in, µs, when `serverCpuMs` was given. */
  appCpuUsPerSignIn?: number;
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
  /** Reads the app's CPU time in ms (e.g. AppProcess.cpuMs). */
  serverCpuMs?: () => number;
}): Promise<SignInLatency> {
  const { appUrl, client, clientId, credentials, perRound } = options;
  const series = async (one: () => Promise<{ ms: number }>, n: number) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) samples.push((await one()).ms);
    return samples;
  };
  let formCpuMs = 0;
  const form = () => formSignIn(appUrl, credentials);
  const formSeries = async (n: number) => {
    const before = options.serverCpuMs?.() ?? 0;
    const samples = await series(form, n);
    formCpuMs += (options.serverCpuMs?.() ?? 0) - before;
    return samples;
  };
  const bare = () => bareInitiateAuth(client, clientId, credentials);
  await series(form, options.warmup);
  await series(bare, options.warmup);
  const rounds = await alternate(
    options.rounds,
    () => formSeries(perRound),
    () => series(bare, perRound),
  );
  const all = (r: number[][]) => r.flat();
  return {
    form: { p50: percentile(all(rounds.a), 50), p99: percentile(all(rounds.a), 99), samples: all(rounds.a).length },
    appCpuUsPerSignIn: options.serverCpuMs ? (formCpuMs * 1000) / all(rounds.a).length : undefined,
    bare: { p50: percentile(all(rounds.b), 50), p99: percentile(all(rounds.b), 99), samples: all(rounds.b).length },
    formRoundP50: rounds.a.map((r) => percentile(r, 50)),
    bareRoundP50: rounds.b.map((r) => percentile(r, 50)),
  };
}
