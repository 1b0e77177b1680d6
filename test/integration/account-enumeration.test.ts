/**
 * Answers that must not tell accounts apart (README, security: user enumeration), through the app
 * and the real emulator, behind a proxy that counts the Cognito calls each answer costs: an
 * unknown address, a confirmed account, one waiting for confirmation, one with a temporary
 * password and one without a verified email each get the same status and page (their address
 * aside), after the same Cognito calls. Sign-up is the exception Cognito makes (README).
 */
import { randomUUID } from "node:crypto";
import { SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminClient } from "../support/app.ts";
import { type CountingProxy, startCountingProxy } from "../support/counting-proxy.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar } from "../support/http.ts";
import { createUserAuthClient, PASSWORDLESS_TEST_PASSWORD } from "../support/passwordless.ts";
import { addUser } from "../support/users.ts";

let proxy: CountingProxy;
let clientId: string;
beforeAll(async () => {
  proxy = await startCountingProxy(inject("emulatorUrl"));
  clientId = await createUserAuthClient();
});
afterAll(async () => {
  await proxy?.close();
});
const app = suiteApp(async () => ({
  env: { COGNITO_ENDPOINT: proxy.url, COGNITO_CLIENT_ID: clientId, COGNITO_USER_AUTH: "1" },
}));

/** Every address starts with the same letter, so that masked forms of them (e***@e***) match too. */
const address = (kind: string) => `e-${kind}-${randomUUID()}@example.com`;

type Kind = "unknown" | "confirmed" | "waiting" | "temporary" | "unverified";

async function account(kind: Kind): Promise<string> {
  const email = address(kind);
  if (kind === "unknown") return email;
  if (kind === "waiting") {
    await adminClient().send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: PASSWORDLESS_TEST_PASSWORD,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    return email;
  }
  await addUser({
    email,
    password: PASSWORDLESS_TEST_PASSWORD,
    temporary: kind === "temporary",
    emailVerified: kind !== "unverified",
  });
  return email;
}

/** What one request showed: status, where it led, the page (the account's address blanked), the Cognito calls. */
async function observe(email: string, request: () => Promise<Response>) {
  const before = proxy.calls.length;
  const res = await request();
  const body = (await res.text())
    .replaceAll(email, "EMAIL")
    .replaceAll(encodeURIComponent(email), "EMAIL")
    .replace(/nonce="[^"]+"/g, 'nonce="…"'); // a fresh one per page
  return {
    status: res.status,
    location: res.headers.get("Location"),
    body,
    cognito: proxy.calls.slice(before),
  };
}

describe("answers that tell no account apart", () => {
  it("'Email me a code': an unknown address and accounts that get no code (temporary password, unverified email) read like a real one, code tries and all", async () => {
    const transcript = async (kind: Kind) => {
      const email = await account(kind);
      const jar = new CookieJar();
      const steps = [
        await observe(email, () => jar.post(`${app.url}/login`, { username: email, intent: "email-code" })),
        await observe(email, () => jar.fetch(`${app.url}/login/code`)),
      ];
      // Three wrong codes, then the code is spent, then a new one is sent.
      for (let i = 0; i < 4; i++) {
        steps.push(
          await observe(email, () => jar.post(`${app.url}/login/code`, { intent: "verify", code: "00000000" })),
        );
      }
      steps.push(await observe(email, () => jar.post(`${app.url}/login/code`, { intent: "resend" })));
      steps.push(await observe(email, () => jar.post(`${app.url}/login/code`, { intent: "verify", code: "00000000" })));
      return steps;
    };
    const real = await transcript("confirmed");
    expect(real[0]).toMatchObject({ status: 302, location: "/login/code", cognito: ["InitiateAuth"] });
    expect(real[1]!.body).toContain("We sent a sign-in code for <strong>EMAIL</strong> to e***@e***");
    expect(real.slice(2, 5).map((s) => [s.status, s.cognito])).toEqual(
      Array(3).fill([400, ["RespondToAuthChallenge"]]),
    );
    expect(real[2]!.body).toContain("That code is not correct");
    expect(real[5]).toMatchObject({ status: 400, cognito: [] });
    expect(real[5]!.body).toContain("This code has expired or can no longer be used");
    expect(real[6]).toMatchObject({ status: 200, cognito: ["InitiateAuth"] });
    expect(real[7]).toMatchObject({ status: 400, cognito: ["RespondToAuthChallenge"] });

    for (const kind of ["unknown", "temporary", "unverified"] as const) {
      expect(await transcript(kind), kind).toEqual(real);
    }
  });

  it("'Send a new code' on /confirm: confirmed, waiting, temporary-password and unknown addresses get one answer", async () => {
    const answer = async (kind: Kind) => {
      const email = await account(kind);
      return observe(email, () => new CookieJar().post(`${app.url}/confirm`, { intent: "resend", username: email }));
    };
    const waiting = await answer("waiting");
    expect(waiting).toMatchObject({ status: 200, cognito: ["ResendConfirmationCode"] });
    expect(waiting.body).toContain(
      "We sent a new code to that address, if it has an account waiting for confirmation.",
    );
    for (const kind of ["confirmed", "temporary", "unknown"] as const) {
      expect(await answer(kind), kind).toEqual(waiting);
    }
  });

  it("codes for an account (/confirm, /reset-password) read like a wrong code for every kind of address", async () => {
    const answers = async (kind: Kind) => {
      const email = await account(kind);
      return [
        await observe(email, () =>
          new CookieJar().post(`${app.url}/confirm`, { intent: "confirm", username: email, code: "000000" }),
        ),
        await observe(email, () =>
          new CookieJar().post(`${app.url}/reset-password`, {
            username: email,
            code: "000000",
            password: "N3w-Passw0rd!",
            confirm: "N3w-Passw0rd!",
          }),
        ),
      ];
    };
    const waiting = await answers("waiting");
    expect(waiting.map((a) => a.status)).toEqual([400, 400]);
    for (const a of waiting) expect(a.body).toContain("That code is not correct");
    for (const kind of ["confirmed", "temporary", "unknown"] as const) {
      expect(await answers(kind), kind).toEqual(waiting);
    }
  });

  it("'Sign in with a passkey' for an account with none reads like an unknown address", async () => {
    const answer = async (kind: Kind) => {
      const email = await account(kind);
      return observe(email, () =>
        new CookieJar().post(`${app.url}/login/passkey`, { intent: "start", username: email }),
      );
    };
    const unknown = await answer("unknown");
    expect(unknown).toMatchObject({ status: 400, cognito: ["InitiateAuth"] });
    for (const kind of ["confirmed", "temporary", "unverified"] as const) {
      expect(await answer(kind), kind).toEqual(unknown);
    }
  });
});
