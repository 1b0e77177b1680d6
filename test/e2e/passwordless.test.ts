/**
 * Passkeys and emailed codes in Chromium, through the app's own
 * pages. Passkeys with a CDP virtual authenticator (WebAuthn.enable +
 * WebAuthn.addVirtualAuthenticator: CTAP2, internal transport, resident key,
 * user verification): sign in, add a passkey on the account page, sign out,
 * sign in with the passkey, remove it. The emailed code with JavaScript on and
 * off. One browser for the file; the app is on http://localhost:<port>, the
 * test pool's WebAuthn relying party.
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { screenshot } from "../support/browser.ts";
import { suiteAppAndBrowser } from "../support/fixtures.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";
import {
  createPasswordlessTestUser,
  createUserAuthClient,
  PASSWORDLESS_TEST_PASSWORD,
} from "../support/passwordless.ts";

const { app, browser } = suiteAppAndBrowser(async () => ({
  env: { COGNITO_CLIENT_ID: await createUserAuthClient(), COGNITO_USER_AUTH: "1" },
  urlHost: "localhost",
}));

/** A platform passkey authenticator (like Touch ID / Windows Hello) that always verifies the user. */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

async function signOut(page: Page) {
  await page.goto(`${app.url}/logout`);
  await page.getByRole("main").getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/logout"));
}

describe("passkeys in Chromium with a virtual authenticator", () => {
  let context: BrowserContext;
  afterAll(async () => {
    await context?.close();
  });

  it("signs in, adds a passkey on the account page, signs out, signs in with it, and removes it", async () => {
    const email = await createPasswordlessTestUser("e2e-passkey");
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORDLESS_TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${app.url}/dashboard`);

    await page.goto(`${app.url}/account/passkeys`);
    await expect(page.getByText("You have no passkeys yet.").count()).resolves.toBe(1);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.waitForURL(`${app.url}/account/passkeys?notice=added`);
    await expect(page.getByText("Passkey added. You can now sign in with it.").count()).resolves.toBe(1);
    await expect(page.locator(".passkey-list li").count()).resolves.toBe(1);
    await screenshot(page, "passkeys-added-desktop");
    // The credential lives in the virtual authenticator, as a discoverable (resident) key.
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    expect(credentials[0]!.rpId).toBe("localhost");

    await signOut(page);
    await page.goto(`${app.url}/login?redirectTo=%2Faccount%2Fpasskeys`);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL(`${app.url}/account/passkeys`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Passkeys");
    const signCount = (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials[0]!.signCount;
    expect(signCount).toBeGreaterThan(0);

    // Just signed in with the passkey: removing it needs nothing more.
    await page.getByRole("button", { name: /^Remove passkey / }).click();
    await page.waitForURL(`${app.url}/account/passkeys?notice=deleted`);
    // A client-side navigation: the URL changes before React has rendered the page it leads to.
    await page.getByText("Passkey removed.").waitFor();
    await expect(page.getByText("Passkey removed.").count()).resolves.toBe(1);
    await expect(page.getByText("You have no passkeys yet.").count()).resolves.toBe(1);

    // The authenticator still holds it, but the account no longer accepts it.
    await signOut(page);
    await page.goto(`${app.url}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByRole("alert").waitFor();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("There is no passkey for this account");
    expect(new URL(page.url()).pathname).toBe("/login");
    await screenshot(page, "passkey-sign-in-refused-desktop");
  });
});

describe("an emailed code in Chromium", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`signs in with the code, JavaScript ${javaScriptEnabled ? "on" : "off"}`, async () => {
      const email = await createPasswordlessTestUser(`e2e-code-${javaScriptEnabled ? "js" : "nojs"}`);
      const context = await browser.newContext({ viewport: { width: 375, height: 800 }, javaScriptEnabled });
      try {
        const page = await context.newPage();
        await page.goto(`${app.url}/login?redirectTo=%2Faccount`);
        // The passkey button needs the script: it appears once the page has hydrated, never without it.
        const passkeyButton = page.getByRole("button", { name: "Sign in with a passkey" });
        if (javaScriptEnabled) await passkeyButton.waitFor();
        else await expect(passkeyButton.count()).resolves.toBe(0);
        await page.getByLabel("Email").fill(email);
        await page.getByRole("button", { name: "Email me a code" }).click();
        await page.waitForURL(`${app.url}/login/code`);
        await page.getByRole("heading", { name: "Check your email" }).waitFor();

        await page.getByLabel("Code").fill("000000");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByText("That code is not correct").waitFor();
        expect(page.url()).toBe(`${app.url}/login/code`);

        await page.getByLabel("Code").fill(TEST_CONFIRMATION_CODE);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(`${app.url}/account`);
        // The code page names the address too: wait for the account page itself (with JS on, the URL
        // changes before it renders), then read the address from its profile.
        await page.getByRole("heading", { level: 1, name: "Your account" }).waitFor();
        await expect(page.getByTestId("profile-email").textContent()).resolves.toBe(email);
        await screenshot(page, `email-code-signed-in-${javaScriptEnabled ? "js" : "no-js"}`);
      } finally {
        await context.close();
      }
    });
  }
});
