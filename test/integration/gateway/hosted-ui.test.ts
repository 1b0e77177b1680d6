/**
 * Parity of the gateway's Hosted UI pages with AWS's managed
 * login, driven like a browser: real cognito-local behind the gateway, no mocks.
 */
import {
  AdminDisableUserCommand,
  AdminUserGlobalSignOutCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { addUser } from "../../support/users.ts";
import {
  APP,
  authorizeUrl,
  browse,
  CALLBACK,
  CookieJar,
  callbackParams,
  codeSentTo,
  createUser,
  decodePayload,
  enrolAuthenticator,
  hiddenFields,
  hostedSignIn,
  openSignInPage,
  openSignInPageAt,
  pkce,
  postForm,
  stackPool,
  suiteStack,
  tokenRequest,
  totpCode,
  uniqueEmail,
  wrongTotpCode,
} from "./support.ts";

const stack = suiteStack();

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };

describe("the Hosted UI: /oauth2/authorize and /login", () => {
  it("AWS's /oauth2/authorize sends the browser to its sign-in page and back to redirect_uri with a code and the state; the gateway does too", async () => {
    const jar = new CookieJar();
    const { verifier, challenge } = pkce();
    const { html, flow, response } = await openSignInPage(
      stack,
      { clientId: stack.web.clientId, challenge, state: "s-1" },
      jar,
    );
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(flow).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    const signedIn = await postForm(stack, "/login", { flow, username: DEMO.username, password: DEMO.password }, jar);
    const { code, state } = callbackParams(signedIn);
    expect(state).toBe("s-1");
    expect(code).toMatch(/^[0-9a-f-]{36}$/);
    const tokens = await tokenRequest(stack, { code: code!, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(tokens.status).toBe(200);
    expect(html).toContain("Sign in");
  });

  it("AWS's sign-in page is accessible (lang, title, labelled fields, autocomplete); the gateway's is too", async () => {
    const { html } = await openSignInPage(stack, { clientId: stack.web.clientId }, new CookieJar());
    expect(html).toMatch(/^<!doctype html>\s*<html lang="en">/);
    expect(html).toMatch(/<title>Sign in · cognito-local<\/title>/);
    expect(html).toContain('<label for="username">Email</label>');
    expect(html).toMatch(/<input id="username" name="username" type="text" autocomplete="username"[^>]* required/);
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toMatch(
      /<input id="password" name="password" type="password" autocomplete="current-password" required/,
    );
    expect(html).toContain('<h1 id="page-title">Sign in</h1>');
    // Links to the gateway's own sign-up and forgot-password pages, keeping the request.
    expect(html).toMatch(/<a href="\/forgotPassword\?client_id=[^"]+">Forgot your password\?<\/a>/);
    expect(html).toMatch(/<a href="\/signup\?client_id=[^"]+">Create an account<\/a>/);
  });

  it("AWS keeps the authorization request and Cognito session on its side; the gateway's pages carry only an opaque flow id", async () => {
    const { html } = await openSignInPage(stack, { clientId: stack.confidential.clientId }, new CookieJar());
    expect(Object.keys(hiddenFields(html))).toEqual(["flow"]);
    expect(html).not.toContain(stack.confidential.clientSecret);
  });

  it("AWS echoes nothing from the request as markup (no reflected XSS); the gateway escapes state and every other value", async () => {
    const evil = `"><script>alert(1)</script>`;
    const jar = new CookieJar();
    const { html, flow, response } = await openSignInPage(stack, { clientId: stack.web.clientId, state: evil }, jar);
    expect(html).not.toContain("<script");
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'/);

    // A username with markup comes back in the form escaped.
    const failed = await postForm(
      stack,
      "/login",
      { flow, username: `<img src=x onerror=alert(1)>`, password: "x" },
      jar,
    );
    const failedHtml = await failed.text();
    expect(failedHtml).not.toContain("<img");
    expect(failedHtml).toContain("&lt;img src=x onerror=alert(1)&gt;");

    // …and the state goes back to the app exactly as it came.
    const ok = await postForm(stack, "/login", { flow, ...DEMO }, jar);
    expect(callbackParams(ok).state).toBe(evil);
  });

  it("AWS shows an error page for an unknown client_id or an unregistered redirect_uri, never redirecting there; the gateway does too", async () => {
    const jar = new CookieJar();
    const unknownClient = await browse(authorizeUrl(stack, { clientId: "nosuchclient" }), jar);
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.headers.get("location")).toBeNull();
    expect(await unknownClient.text()).toContain("Unknown app client");

    const evil = await browse(
      authorizeUrl(stack, { clientId: stack.web.clientId, redirectUri: "https://evil.example/cb" }),
      jar,
    );
    expect(evil.status).toBe(400);
    expect(evil.headers.get("location")).toBeNull();
    expect(await evil.text()).toContain("redirect_mismatch");
  });

  it("AWS's /oauth2/authorize takes GET only; the gateway's does too, so cognito-local's own unchecked form is unreachable", async () => {
    const response = await fetch(`${stack.url}/oauth2/authorize`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: stack.web.clientId,
        redirect_uri: CALLBACK,
        response_type: "code",
        ...DEMO,
      }).toString(),
      redirect: "manual",
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("location")).toBeNull();
  });

  it("AWS sends other authorize errors back to redirect_uri as error= with the state; the gateway does too", async () => {
    const jar = new CookieJar();
    const cases: Array<[Record<string, string>, string]> = [
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ scope: "openid admin" }, "invalid_scope"],
      [{ code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge: "" }, "invalid_request"],
    ];
    for (const [override, error] of cases) {
      const url = new URL(authorizeUrl(stack, { clientId: stack.web.clientId, state: "st" }));
      for (const [k, v] of Object.entries(override)) {
        if (v) url.searchParams.set(k, v);
        else url.searchParams.delete(k);
      }
      const response = await browse(url.toString(), jar);
      expect(response.status, JSON.stringify(override)).toBe(302);
      const back = new URL(response.headers.get("location")!);
      expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
      expect(back.searchParams.get("error"), JSON.stringify(override)).toBe(error);
      expect(back.searchParams.get("state")).toBe("st");
      expect(back.searchParams.get("code")).toBeNull();
    }
  });

  it("AWS answers a wrong password and an unknown user alike: 'Incorrect username or password.'; the gateway's page does too", async () => {
    const jar = new CookieJar();
    const { flow } = await openSignInPage(stack, { clientId: stack.web.clientId }, jar);
    const wrong = await (
      await postForm(stack, "/login", { flow, username: DEMO.username, password: "Wr0ng!pass" }, jar)
    ).text();
    const unknown = await (
      await postForm(stack, "/login", { flow, username: "nobody@example.com", password: "Wr0ng!pass" }, jar)
    ).text();
    for (const html of [wrong, unknown]) {
      expect(html).toContain('<div class="error" role="alert" id="form-error">Incorrect username or password.</div>');
      expect(html).toContain('aria-describedby="form-error" aria-invalid="true"');
    }
  });

  it("AWS refuses a disabled user: 'User is disabled.'; the gateway's page does too", async () => {
    const user = await createUser(stack);
    await stack.sdk.send(new AdminDisableUserCommand({ UserPoolId: stack.poolId, Username: user.email }));
    const jar = new CookieJar();
    const { flow } = await openSignInPage(stack, { clientId: stack.web.clientId }, jar);
    const response = await postForm(stack, "/login", { flow, username: user.email, password: user.password }, jar);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("User is disabled.");
  });
});

describe("the Hosted UI's follow-up pages", () => {
  it("AWS asks a user with a temporary password for a new one (NEW_PASSWORD_REQUIRED), checking the policy; the gateway's pages do too", async () => {
    const user = await createUser(stack, { temporary: true });
    const jar = new CookieJar();
    const { verifier, challenge } = pkce();
    const { flow } = await openSignInPage(stack, { clientId: stack.confidential.clientId, challenge }, jar);

    // cognito-local skips the temporary password check; AWS (and the gateway) do not.
    const wrong = await postForm(stack, "/login", { flow, username: user.email, password: "Not-the-temp-0" }, jar);
    expect(await wrong.text()).toContain("Incorrect username or password.");

    const page = await (
      await postForm(stack, "/login", { flow, username: user.email, password: user.password }, jar)
    ).text();
    expect(page).toContain('<h1 id="page-title">Change your password</h1>');
    expect(page).toMatch(
      /<label for="new-password">New password<\/label>\s*<input id="new-password" name="newPassword" type="password" autocomplete="new-password"/,
    );
    expect(page).toContain('<label for="confirm-password">Confirm new password</label>');
    expect(page).toContain(
      "At least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol.",
    );
    expect(Object.keys(hiddenFields(page))).toEqual(["flow"]);

    const mismatch = await postForm(
      stack,
      "/challenge",
      { flow, newPassword: "NewPassw0rd!", confirmPassword: "NewPassw0rd?" },
      jar,
    );
    expect(await mismatch.text()).toContain("Passwords do not match.");
    const weak = await postForm(
      stack,
      "/challenge",
      { flow, newPassword: "NewPassw0rd", confirmPassword: "NewPassw0rd" },
      jar,
    );
    expect(await weak.text()).toContain("Password did not conform with policy: Password must have symbol characters");

    const done = await postForm(
      stack,
      "/challenge",
      { flow, newPassword: "NewPassw0rd!", confirmPassword: "NewPassw0rd!" },
      jar,
    );
    const { code } = callbackParams(done);
    const tokens = await tokenRequest(stack, {
      code: code!,
      verifier,
      clientId: stack.confidential.clientId,
      clientSecret: stack.confidential.clientSecret,
      auth: "basic",
    });
    expect(tokens.status).toBe(200);
    // The refresh token from a challenge sign-in refreshes (cognito-local alone would not store it).
    const refreshed = await tokenRequest(stack, {
      grantType: "refresh_token",
      refreshToken: tokens.body.refresh_token as string,
      clientId: stack.confidential.clientId,
      clientSecret: stack.confidential.clientSecret,
      auth: "basic",
    });
    expect(refreshed.status).toBe(200);
    // And the new password is the password now.
    const signIn = await stack.sdk.send(
      new InitiateAuthCommand({
        ClientId: stack.web.clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: user.email, PASSWORD: "NewPassw0rd!" },
      }),
    );
    expect(signIn.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS asks a user with an authenticator app for its code (SOFTWARE_TOKEN_MFA); the gateway's pages do too", async () => {
    const user = await createUser(stack);
    const SecretCode = await enrolAuthenticator(stack, user);

    const jar = new CookieJar();
    const { verifier, challenge } = pkce();
    const { flow } = await openSignInPage(stack, { clientId: stack.web.clientId, challenge }, jar);
    const page = await (
      await postForm(stack, "/login", { flow, username: user.email, password: user.password }, jar)
    ).text();
    expect(page).toContain('<h1 id="page-title">Enter your code</h1>');
    expect(page).toContain("(Test phone)");
    expect(page).toMatch(
      /<label for="code">Code<\/label>\s*<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"/,
    );

    const wrong = await postForm(stack, "/challenge", { flow, code: wrongTotpCode(SecretCode) }, jar);
    expect(await wrong.text()).toContain("Invalid code received for user");

    const done = await postForm(stack, "/challenge", { flow, code: totpCode(SecretCode) }, jar);
    const { code } = callbackParams(done);
    const tokens = await tokenRequest(stack, { code: code!, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toBeTruthy();
  });

  it("AWS's sign-up page creates the account, asks for the emailed code, then signs the user in; the gateway's does too", async () => {
    const email = uniqueEmail("signup");
    const jar = new CookieJar();
    const { html } = await openSignInPage(stack, { clientId: stack.confidential.clientId, state: "after-signup" }, jar);
    const signUpHref = /<a href="(\/signup\?[^"]+)">/.exec(html)![1]!.replace(/&amp;/g, "&");
    const page = await browse(`${stack.url}${signUpHref}`, jar);
    const pageHtml = await page.text();
    expect(pageHtml).toContain('<label for="email">Email</label>');
    expect(pageHtml).toMatch(/<input id="password" name="password" type="password" autocomplete="new-password"/);
    const { flow } = hiddenFields(pageHtml);

    const weak = await postForm(stack, "/signup", { flow: flow!, email, password: "short1!" }, jar);
    expect(await weak.text()).toContain("Password did not conform with policy: Password not long enough");

    const mark = stack.logs.length;
    const confirm = await (
      await postForm(stack, "/signup", { flow: flow!, email, password: "SignUpPassw0rd!" }, jar)
    ).text();
    expect(confirm).toContain('<h1 id="page-title">Confirm your account</h1>');
    expect(confirm).toContain(`We sent a confirmation code to s***@e***.`);
    const wrongCode = await postForm(stack, "/confirm", { flow: flow!, code: "not-it" }, jar);
    expect(await wrongCode.text()).toContain("Invalid verification code provided, please try again.");

    const done = await postForm(stack, "/confirm", { flow: flow!, code: await codeSentTo(stack, email, mark) }, jar);
    expect(callbackParams(done).state).toBe("after-signup");
  });

  it("AWS sends a user who has not confirmed their account to the confirmation page with a new code; the gateway does too", async () => {
    const email = uniqueEmail("unconfirmed");
    await stack.sdk.send(
      new SignUpCommand({ ClientId: stack.web.clientId, Username: email, Password: "Unconf1rmed!" }),
    );
    const jar = new CookieJar();
    const { flow } = await openSignInPage(stack, { clientId: stack.web.clientId }, jar);
    const mark = stack.logs.length;
    const page = await (
      await postForm(stack, "/login", { flow, username: email, password: "Unconf1rmed!" }, jar)
    ).text();
    expect(page).toContain("Your account is not confirmed yet.");
    const done = await postForm(stack, "/confirm", { flow, code: await codeSentTo(stack, email, mark) }, jar);
    expect(callbackParams(done).code).toBeTruthy();
  });

  it("AWS's forgot-password pages reset the password and return to sign-in; the gateway's do too", async () => {
    const user = await createUser(stack);
    const jar = new CookieJar();
    const { html } = await openSignInPage(stack, { clientId: stack.web.clientId }, jar);
    const forgotHref = /<a href="(\/forgotPassword\?[^"]+)">/.exec(html)![1]!.replace(/&amp;/g, "&");
    const forgot = await (await browse(`${stack.url}${forgotHref}`, jar)).text();
    const { flow } = hiddenFields(forgot);
    const mark = stack.logs.length;
    const confirm = await (await postForm(stack, "/forgotPassword", { flow: flow!, username: user.email }, jar)).text();
    expect(confirm).toContain('<h1 id="page-title">Choose a new password</h1>');
    const code = await codeSentTo(stack, user.email, mark);

    const mismatch = await postForm(
      stack,
      "/confirmForgotPassword",
      { flow: flow!, code, newPassword: "Reset-Passw0rd", confirmPassword: "x" },
      jar,
    );
    expect(await mismatch.text()).toContain("Passwords do not match.");
    const weak = await postForm(
      stack,
      "/confirmForgotPassword",
      { flow: flow!, code, newPassword: "reset-passw0rd", confirmPassword: "reset-passw0rd" },
      jar,
    );
    expect(await weak.text()).toContain(
      "Password did not conform with policy: Password must have uppercase characters",
    );

    const login = await (
      await postForm(
        stack,
        "/confirmForgotPassword",
        { flow: flow!, code, newPassword: "Reset-Passw0rd", confirmPassword: "Reset-Passw0rd" },
        jar,
      )
    ).text();
    expect(login).toContain("Your password has been reset. Sign in with your new password.");
    const done = await postForm(
      stack,
      "/login",
      { flow: flow!, username: user.email, password: "Reset-Passw0rd" },
      jar,
    );
    expect(callbackParams(done).code).toBeTruthy();
  });
});

describe("the hosted session and /logout", () => {
  it("AWS skips the form while its hosted session lasts, and /logout ends it and returns to logout_uri; the gateway does too", async () => {
    const { jar } = await hostedSignIn(stack, { clientId: stack.web.clientId, ...DEMO });
    expect(jar.get("cognito_local_hosted")).toBeTruthy();

    // Signed in: straight back to the app with a new code, no form.
    const { verifier, challenge } = pkce();
    const again = await browse(authorizeUrl(stack, { clientId: stack.web.clientId, challenge, state: "sso" }), jar);
    const { code, state } = callbackParams(again);
    expect(state).toBe("sso");
    const tokens = await tokenRequest(stack, { code: code!, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toBeTruthy();

    const logout = await browse(
      `${stack.url}/logout?client_id=${stack.web.clientId}&logout_uri=${encodeURIComponent(`${APP}/`)}`,
      jar,
    );
    expect(logout.status).toBe(302);
    expect(logout.headers.get("location")).toBe(`${APP}/`);
    expect(jar.get("cognito_local_hosted")).toBeUndefined();

    const afterLogout = await browse(authorizeUrl(stack, { clientId: stack.web.clientId }), jar);
    expect(afterLogout.status).toBe(302);
    expect(new URL(afterLogout.headers.get("location")!, stack.url).pathname).toBe("/login");
  });

  /** Signed in again from the hosted session (no form): the tokens for the new code. */
  async function singleSignOn(jar: CookieJar, extra: Record<string, string> = {}) {
    const { verifier, challenge } = pkce();
    const again = await browse(authorizeUrl(stack, { clientId: stack.web.clientId, challenge, extra }), jar);
    const { code } = callbackParams(again);
    const tokens = await tokenRequest(stack, { code: code!, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(tokens.status).toBe(200);
    return tokens.body as Tokens;
  }

  type Tokens = { id_token: string; access_token: string; refresh_token: string };

  /** A new user signed in through the Hosted UI: their browser, first tokens, and when they signed in. */
  async function newHostedSignIn() {
    const user = await createUser(stack);
    const { code, verifier, jar } = await hostedSignIn(stack, {
      clientId: stack.web.clientId,
      // GlobalSignOut takes an access token only with this scope, as on AWS.
      scope: "openid email profile aws.cognito.signin.user.admin",
      ...user,
      username: user.email,
    });
    const first = await tokenRequest(stack, { code, verifier, clientId: stack.web.clientId, auth: "none" });
    const tokens = first.body as Tokens;
    return { user, jar, tokens, signedInAt: decodePayload(tokens.id_token).auth_time as number };
  }

  /** The token endpoint's refresh grant, for the web client. */
  function refreshGrant(refreshToken: string) {
    return tokenRequest(stack, {
      grantType: "refresh_token",
      refreshToken,
      clientId: stack.web.clientId,
      auth: "none",
    });
  }

  it("AWS's tokens from the hosted session carry the sign-in's auth_time (OIDC: when the End-User authenticated), also after a refresh; the gateway's do too", async () => {
    const { jar, signedInAt } = await newHostedSignIn();
    expect(Math.abs(signedInAt - Date.now() / 1000)).toBeLessThan(60);
    // auth_time counts seconds: come back in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const sso = await singleSignOn(jar);
    for (const token of [sso.id_token, sso.access_token]) {
      expect(decodePayload(token).auth_time).toBe(signedInAt);
      expect(decodePayload(token).iat as number).toBeGreaterThan(signedInAt);
    }
    const refreshed = await refreshGrant(sso.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(decodePayload(refreshed.body.id_token as string).auth_time).toBe(signedInAt);
  });

  it("AWS's prompt=login makes the user sign in again despite the hosted session, with a new auth_time; the gateway does too", async () => {
    const { user, jar, signedInAt } = await newHostedSignIn();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { verifier, challenge } = pkce();
    const { flow } = await openSignInPageAt(
      stack,
      authorizeUrl(stack, { clientId: stack.web.clientId, challenge, extra: { prompt: "login" } }),
      jar,
    );
    const signedIn = await postForm(stack, "/login", { flow, username: user.email, password: user.password }, jar);
    const { code } = callbackParams(signedIn);
    const tokens = await tokenRequest(stack, { code: code!, verifier, clientId: stack.web.clientId, auth: "none" });
    const authTime = decodePayload(tokens.body.id_token as string).auth_time as number;
    expect(authTime).toBeGreaterThan(signedInAt);
    expect(Math.abs(authTime - Date.now() / 1000)).toBeLessThan(2);
    // The new sign-in is the hosted session's from now on.
    expect(decodePayload((await singleSignOn(jar)).id_token).auth_time).toBe(authTime);
  });

  it("AWS's prompt=none signs in from the hosted session without a page, or answers error=login_required without one; the gateway does too", async () => {
    const none = await browse(
      authorizeUrl(stack, { clientId: stack.web.clientId, state: "quiet", extra: { prompt: "none" } }),
      new CookieJar(),
    );
    expect(none.status).toBe(302);
    const back = new URL(none.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    expect(back.searchParams.get("error")).toBe("login_required");
    expect(back.searchParams.get("state")).toBe("quiet");
    expect(back.searchParams.get("code")).toBeNull();

    const { jar } = await hostedSignIn(stack, { clientId: stack.web.clientId, ...DEMO });
    expect((await singleSignOn(jar, { prompt: "none" })).id_token).toBeTruthy();
  });

  const signOuts: [string, (accessToken: string, email: string) => Promise<unknown>][] = [
    ["GlobalSignOut", (accessToken) => stack.sdk.send(new GlobalSignOutCommand({ AccessToken: accessToken }))],
    [
      "AdminUserGlobalSignOut",
      (_, email) => stack.sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId: stack.poolId, Username: email })),
    ],
  ];

  it.each(signOuts)(
    "AWS's %s revokes tokens but leaves the managed login session (\"This operation doesn't clear the managed login session cookie.\"); the gateway does too",
    async (_, signOut) => {
      const { user, jar, tokens, signedInAt } = await newHostedSignIn();
      await signOut(tokens.access_token, user.email);
      expect((await refreshGrant(tokens.refresh_token)).status).toBe(400);
      // Still signed in at the Hosted UI: new tokens, no form, dated from the first sign-in.
      expect(decodePayload((await singleSignOn(jar)).id_token).auth_time).toBe(signedInAt);
    },
  );

  it("AWS refuses a logout_uri that is not one of the client's sign-out URLs with an error page; the gateway does too (400)", async () => {
    const { jar } = await hostedSignIn(stack, { clientId: stack.web.clientId, ...DEMO });
    const evil = await browse(
      `${stack.url}/logout?client_id=${stack.web.clientId}&logout_uri=${encodeURIComponent("https://evil.example/")}`,
      jar,
    );
    expect(evil.status).toBe(400);
    expect(evil.headers.get("location")).toBeNull();
    expect(await evil.text()).toContain("Invalid logout_uri");
    // Still signed in: the refused logout ended nothing.
    expect(jar.get("cognito_local_hosted")).toBeTruthy();

    const unknownClient = await browse(
      `${stack.url}/logout?client_id=nosuch&logout_uri=${encodeURIComponent(`${APP}/`)}`,
      jar,
    );
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.headers.get("location")).toBeNull();
  });
});

describe("the Hosted UI: email me a code (choice-based sign-in)", () => {
  /** Opens the sign-in page and asks for a code; returns the code page and the code from the log. */
  async function askForCode(email: string, jar: CookieJar, challenge?: string) {
    const { flow } = await openSignInPage(stack, { clientId: stack.web.clientId, challenge }, jar);
    const since = stack.logs.length;
    const page = await postForm(stack, "/login", { flow, username: email, action: "email-code" }, jar);
    expect(page.status).toBe(200);
    const html = await page.text();
    return { html, flow: hiddenFields(html).flow!, code: () => codeSentTo(stack, email, since) };
  }

  it("AWS's managed login offers 'Email me a code' where the pool allows email codes; the gateway's sign-in page does too, without JavaScript", async () => {
    const { html } = await openSignInPage(stack, { clientId: stack.web.clientId }, new CookieJar());
    // A second submit button in the same form: no script, the password field is skipped.
    expect(html).toMatch(
      /<button type="submit" name="action" value="email-code" class="secondary" formnovalidate aria-describedby="email-code-hint">Email me a code<\/button>/,
    );
    expect(html).not.toContain("<script");
  });

  it("AWS emails a code and signs in with it, back to redirect_uri with a code; the gateway's pages do too", async () => {
    const user = await createUser(stack);
    const jar = new CookieJar();
    const { verifier, challenge } = pkce();
    const asked = await askForCode(user.email, jar, challenge);
    expect(asked.html).toContain('<h1 id="page-title">Enter your sign-in code</h1>');
    expect(asked.html).toContain(`We emailed a sign-in code to ${user.email[0]}***@e***.`);
    expect(asked.html).toMatch(
      /<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"/,
    );
    const signedIn = await postForm(stack, "/challenge", { flow: asked.flow, code: await asked.code() }, jar);
    const { code } = callbackParams(signedIn);
    const tokens = await tokenRequest(stack, { code: code!, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(tokens.status).toBe(200);
    expect(tokens.body.id_token).toBeTruthy();
    // Its refresh token refreshes at the token endpoint, like a password sign-in's.
    const refreshed = await tokenRequest(stack, {
      grantType: "refresh_token",
      refreshToken: tokens.body.refresh_token as string,
      clientId: stack.web.clientId,
      auth: "none",
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).toBeTruthy();
  });

  it("AWS's code page says a wrong code is wrong and lets the user try again; the gateway's does too", async () => {
    const user = await createUser(stack);
    const jar = new CookieJar();
    const asked = await askForCode(user.email, jar);
    const code = await asked.code();
    const wrong = await postForm(
      stack,
      "/challenge",
      { flow: asked.flow, code: code === "00000000" ? "1" : "00000000" },
      jar,
    );
    expect(wrong.status).toBe(200);
    const html = await wrong.text();
    expect(html).toContain('<div class="error" role="alert" id="form-error">Invalid code received for user</div>');
    callbackParams(await postForm(stack, "/challenge", { flow: hiddenFields(html).flow!, code }, jar));
  });

  it("AWS keeps the user signed in to managed login after an email code too: the next authorize skips the form; the gateway does too", async () => {
    const user = await createUser(stack);
    const jar = new CookieJar();
    const asked = await askForCode(user.email, jar);
    callbackParams(await postForm(stack, "/challenge", { flow: asked.flow, code: await asked.code() }, jar));
    const { verifier, challenge } = pkce();
    const again = await browse(authorizeUrl(stack, { clientId: stack.web.clientId, challenge }), jar);
    const { code } = callbackParams(again);
    const tokens = await tokenRequest(stack, { code: code!, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(tokens.status).toBe(200);
  });

  it("AWS cannot send a code to an account without a verified email, and says so on the sign-in page; the gateway does too", async () => {
    const email = uniqueEmail("unverified");
    await addUser({ email, password: "Unverified-Passw0rd", emailVerified: false }, stackPool(stack));
    const jar = new CookieJar();
    const { flow } = await openSignInPage(stack, { clientId: stack.web.clientId }, jar);
    const page = await postForm(stack, "/login", { flow, username: email, action: "email-code" }, jar);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("We can&#39;t send a sign-in code to this account. Sign in with your password.");
    expect(html).toContain('<h1 id="page-title">Sign in</h1>');
  });
});
