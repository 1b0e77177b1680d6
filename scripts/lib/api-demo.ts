/**
 * What `npm run api:demo` does (scripts/api-demo.ts), apart so a test can run it against its own
 * emulator and app: a machine's token from the client_credentials grant, then the API's calls
 * with it, each printed with its answer. Never prints the client secret, nor a token beyond its
 * first characters.
 */
import fs from "node:fs";
import dotenv from "dotenv";

export interface DemoSettings {
  /** The app's base URL. */
  appUrl: string;
  /** Cognito's token endpoint (the user pool's domain + /oauth2/token). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The API's resource server identifier: its scopes are `<this>/users.read` and `<this>/sessions.write`. */
  resourceServer: string;
}

/**
 * The settings from the environment and `.env` (`env`, as readLocalEnv gives them), then the
 * seed's `.env.local` for what they leave out (while COGNITO_ENDPOINT names an emulator, as the
 * app reads it); or what is missing, said plainly.
 */
export function demoSettings(env: Record<string, string>, envLocalFile?: string): DemoSettings | { problem: string } {
  const local =
    envLocalFile && env.COGNITO_ENDPOINT && env.ENV_FILES !== "none" && fs.existsSync(envLocalFile)
      ? dotenv.parse(fs.readFileSync(envLocalFile))
      : {};
  const value = (name: string) => env[name] || local[name] || undefined;
  const domain = value("COGNITO_DOMAIN");
  const clientId = value("API_MACHINE_CLIENT_ID");
  const clientSecret = value("API_MACHINE_CLIENT_SECRET");
  if (!domain) {
    return {
      problem: "COGNITO_DOMAIN is not set: the token endpoint is on the user pool's domain (see .env.example).",
    };
  }
  if (!clientId || !clientSecret) {
    return {
      problem:
        "no machine client: run `npm run seed` (or `npm run dev`), which writes API_MACHINE_CLIENT_ID and its secret to .env.local.",
    };
  }
  return {
    appUrl: (value("APP_URL") ?? `http://localhost:${value("PORT") ?? 3000}`).replace(/\/+$/, ""),
    tokenUrl: `${domain.replace(/\/+$/, "")}/oauth2/token`,
    clientId,
    clientSecret,
    resourceServer: value("API_RESOURCE_SERVER") ?? "remix-cognito",
  };
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Runs the demo, printing each step through `log`. True when every answer was the one expected. */
export async function apiDemo(s: DemoSettings, log: (line: string) => void): Promise<boolean> {
  const step = (n: number, what: string) => log(`[api:demo] ${n}. ${what}`);
  const detail = (text: string) => log(`           ${text}`);
  const expected: Array<[string, number, number]> = [];
  const check = (what: string, answer: Answer, status: number) => {
    expected.push([what, answer.status, status]);
    detail(`→ ${answer.status} ${summary(answer)}`);
  };

  step(1, `An access token for the machine client ${s.clientId} (client_credentials; its secret stays in .env.local)`);
  detail(`POST ${s.tokenUrl}  grant_type=client_credentials, the client ID and secret as HTTP Basic`);
  let token: Answer;
  try {
    token = await tokenRequest(s);
  } catch (error) {
    log(`[api:demo] cannot reach Cognito's token endpoint at ${s.tokenUrl}: start it with \`npm run dev\`.`);
    log(`           (${(error as Error).message})`);
    return false;
  }
  const access = typeof token.body.access_token === "string" ? token.body.access_token : "";
  check("the token", token, 200);
  if (!access) return report(expected, log);
  detail(`access_token ${abbreviated(access)}, sent from now on as "Authorization: Bearer …"`);
  detail(`its scopes: ${String(claimsOf(access).scope ?? "")}`);

  step(2, "Who is calling?");
  if (!(await reachable(s.appUrl))) {
    log(`[api:demo] the app does not answer at ${s.appUrl}: start it with \`npm run dev\`.`);
    return false;
  }
  check("/api/v1/me", await call(s, log, "GET", "/api/v1/me", access), 200);

  step(3, "A page of the app's users (the users.read scope)");
  const page = await call(s, log, "GET", "/api/v1/users?limit=2", access);
  check("/api/v1/users", page, 200);
  const cursor = typeof page.body.next_cursor === "string" ? page.body.next_cursor : null;
  if (cursor) {
    step(4, "The next page, from the cursor the first one gave");
    check(
      "the next page",
      await call(s, log, "GET", `/api/v1/users?limit=2&cursor=${encodeURIComponent(cursor)}`, access),
      200,
    );
  }

  step(5, "A token with the users.read scope only, asking to sign someone out (that needs sessions.write)");
  const reader = await tokenRequest(s, `${s.resourceServer}/users.read`);
  const readOnly = typeof reader.body.access_token === "string" ? reader.body.access_token : "";
  detail(`POST ${s.tokenUrl}  scope=${s.resourceServer}/users.read → ${reader.status}`);
  const refused = await call(s, log, "POST", "/api/v1/users/demo@example.com/sign-out", readOnly);
  check("the sign-out without its scope", refused, 403);
  detail(`WWW-Authenticate: ${refused.headers.get("www-authenticate")}`);

  step(6, "No token at all");
  check("no token", await call(s, log, "GET", "/api/v1/users", undefined), 401);
  return report(expected, log);
}

function report(expected: Array<[string, number, number]>, log: (line: string) => void): boolean {
  const wrong = expected.filter(([, got, want]) => got !== want);
  if (wrong.length === 0) {
    log("[api:demo] Done: every answer was the expected one. The same calls with curl: README, “The API”.");
    return true;
  }
  for (const [what, got, want] of wrong) log(`[api:demo] unexpected: ${what} answered ${got}, not ${want}`);
  return false;
}

async function tokenRequest(s: DemoSettings, scope?: string): Promise<Answer> {
  const form = new URLSearchParams({ grant_type: "client_credentials" });
  if (scope) form.set("scope", scope);
  const res = await fetch(s.tokenUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString("base64")}`,
    },
    body: form,
  });
  return answerOf(res);
}

/** One call to the app's API, printed as it goes out. */
async function call(
  s: DemoSettings,
  log: (line: string) => void,
  method: string,
  path: string,
  token: string | undefined,
): Promise<Answer> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  log(
    `           ${method} ${s.appUrl}${path.replace(/cursor=[^&]+/, "cursor=…")}${token ? "" : " (no Authorization)"}`,
  );
  return answerOf(await fetch(`${s.appUrl}${path}`, { method, headers }));
}

async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text: text.slice(0, 200) };
  }
  return { status: res.status, headers: res.headers, body };
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`);
    return true;
  } catch {
    return false;
  }
}

/** An answer in one line, tokens and cursors cut short. */
function summary(answer: Answer): string {
  const { access_token, ...rest } = answer.body;
  const shown = JSON.stringify(rest, (key, value) =>
    key === "next_cursor" && typeof value === "string" ? abbreviated(value) : value,
  );
  const text =
    access_token === undefined ? shown : `${shown.slice(0, -1)}${shown === "{}" ? "" : ","}"access_token":"…"}`;
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** A JWT's payload, unverified: only to show what the demo was given. */
function claimsOf(jwt: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The first characters of a token and its length: enough to tell tokens apart, never enough to use one. */
export function abbreviated(token: string): string {
  return `${token.slice(0, 10)}… (${token.length} characters)`;
}
