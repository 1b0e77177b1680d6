/**
 * Calling the app's JSON API as its clients do: a user's access token from a sign-in (what a
 * mobile app holds), a machine's from the client_credentials grant, and requests with it — every
 * answer checked for the one thing no API answer may carry, a cookie.
 */
import http from "node:http";
import { InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { expect, inject } from "vitest";
import { adminClient } from "./app.ts";

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A user's access token, as an app signs in (USER_PASSWORD_AUTH) with `clientId`. */
export async function userAccessToken(
  user: { username: string; password: string },
  clientId = inject("webClientId"),
): Promise<{ access: string; id: string; refresh: string }> {
  const res = await adminClient().send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    }),
  );
  const tokens = res.AuthenticationResult!;
  return { access: tokens.AccessToken!, id: tokens.IdToken!, refresh: tokens.RefreshToken! };
}

/** A machine's access token from the emulator's token endpoint (client_credentials), the seeded machine's by default. */
export async function machineAccessToken(
  client = { clientId: inject("machineClientId"), clientSecret: inject("machineClientSecret") },
  scope?: string,
): Promise<string> {
  const form = new URLSearchParams({ grant_type: "client_credentials" });
  if (scope) form.set("scope", scope);
  const res = await fetch(`${inject("emulatorUrl")}/oauth2/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`,
    },
    body: form,
  });
  const body = (await res.json()) as { access_token?: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.access_token!;
}

/** One API request (a bearer token when given); asserts the answer sets no cookie and is JSON when it has a body. */
export async function callApi(
  url: string,
  init: { token?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set("Authorization", `Bearer ${init.token}`);
  const res = await fetch(url, { method: init.method ?? "GET", headers, redirect: "manual" });
  return answerOf(res.status, res.headers, await res.text());
}

/**
 * A request with headers exactly as given — names in any case, the same name twice — which
 * fetch cannot send (it merges repeated names). Over node:http, whose client sends an array
 * value as one header line per element.
 */
export function rawApiRequest(url: string, headers: Record<string, string | string[]>): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "GET", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : [value ?? ""]) answer.append(name, v);
        }
        try {
          resolve(answerOf(res.statusCode ?? 0, answer, text));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on("error", reject);
    req.end();
  });
}

function answerOf(status: number, headers: Headers, text: string): ApiAnswer {
  expect(headers.getSetCookie(), "an API answer never sets a cookie").toEqual([]);
  if (text === "") return { status, headers, body: {} };
  expect(headers.get("content-type")).toMatch(/^application\/json/);
  return { status, headers, body: JSON.parse(text) as Record<string, unknown> };
}
