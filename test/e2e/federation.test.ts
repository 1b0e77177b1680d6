/**
 * "Continue with Google" in a real browser (Chromium): the app's button, the
 * local identity provider's pages (the real provider the emulator's Google
 * is), back through the emulator to the dashboard; then linking a provider
 * from the account page and signing in either way into the same account.
 * Every page new with federation is audited with axe at desktop and phone
 * widths.
 */
import { randomUUID } from "node:crypto";
import { CreateIdentityProviderCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LocalIdpPerson } from "../../app/dev/local-idp-people.server.ts";
import { adminClient, type RunningApp, startApp } from "../support/app.ts";
import { audit, launchBrowser } from "../support/browser.ts";
import { PEOPLE, startTestIdp, type TestIdp } from "../support/local-idp.ts";
import { createUser } from "../support/users.ts";

const VIEWPORTS = [
  { label: "desktop", width: 1280, height: 800 },
  { label: "phone", width: 375, height: 740 },
] as const;

/** A provider of this file's own, for linking: its people are made here. */
const PARTNER = `Partner${randomUUID().slice(0, 6)}`;

let app: RunningApp;
let browser: Browser;
let partner: TestIdp;

beforeAll(async () => {
  partner = await startTestIdp({
    people: [],
    clients: [
      {
        clientId: "e2e-partner",
        clientSecret: "e2e-partner-secret",
        name: PARTNER,
        redirectUris: [`${inject("emulatorUrl")}/oauth2/idpresponse`],
      },
    ],
  });
  await adminClient().send(
    new CreateIdentityProviderCommand({
      UserPoolId: inject("userPoolId"),
      ProviderName: PARTNER,
      ProviderType: "OIDC",
      ProviderDetails: {
        client_id: "e2e-partner",
        client_secret: "e2e-partner-secret",
        authorize_scopes: "openid email profile",
        attributes_request_method: "GET",
        oidc_issuer: partner.issuer,
      },
      AttributeMapping: { email: "email", email_verified: "email_verified", name: "name" },
    }),
  );
  const providers = ["Google", "ExampleCorp", PARTNER];
  [app, browser] = await Promise.all([
    startApp({
      env: { COGNITO_DOMAIN: inject("emulatorUrl"), COGNITO_IDENTITY_PROVIDERS: providers.join(",") },
      client: { identityProviders: providers },
    }),
    launchBrowser(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await partner?.dispose();
});

/** Signs in on the provider's page shown, allowing access when it asks. */
async function signInAtProvider(page: Page, person: Pick<LocalIdpPerson, "email" | "password">, label: string) {
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await audit(page, `provider-sign-in-${label}`);
  await page.getByRole("button", { name: "Sign in" }).click();
  // First time for this browser and client: the consent page.
  const consent = page.getByRole("button", { name: "Allow" });
  if (await consent.isVisible().catch(() => false)) {
    await audit(page, `provider-consent-${label}`);
    await consent.click();
  }
}

describe("Continue with Google, in Chromium", () => {
  for (const viewport of VIEWPORTS) {
    it(`signs in at the stand-in Google and lands on the dashboard (${viewport.label})`, async () => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${app.url}/login?flow=custom`);
      await audit(page, `sign-in-with-providers-${viewport.label}`);
      await page.getByRole("link", { name: "Continue with Google" }).click();
      await page.waitForURL((url) => url.origin === new URL(inject("idpIssuer")).origin);
      await signInAtProvider(page, PEOPLE.newcomer, `google-${viewport.label}`);
      await page.waitForURL(`${app.url}/dashboard`);
      await expect(page.getByTestId("email").textContent()).resolves.toBe(PEOPLE.newcomer.email);

      await page.goto(`${app.url}/account/sign-in-methods`);
      await expect(page.getByTestId("signs-in-with").isVisible()).resolves.toBe(true);
      await audit(page, `sign-in-methods-federated-${viewport.label}`);
      await page.goto(`${app.url}/account`);
      await expect(page.getByTestId("provider-managed").isVisible()).resolves.toBe(true);
      await audit(page, `account-federated-${viewport.label}`);
      await context.close();
    });
  }

  it("the emulator's own sign-in page has a button per provider, and refuses one the app does not allow", async () => {
    for (const viewport of VIEWPORTS) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${app.url}/auth/hosted`);
      await page.waitForURL(/\/login\?/);
      await expect(page.getByRole("link", { name: "Continue with Google" }).isVisible()).resolves.toBe(true);
      await audit(page, `hosted-ui-with-providers-${viewport.label}`);
      const refused = new URL(page.url().replace("/login?", "/oauth2/authorize?"));
      refused.searchParams.set("identity_provider", "NotAllowed");
      await page.goto(refused.toString());
      await expect(page.getByText("Login option is not available").first().isVisible()).resolves.toBe(true);
      await audit(page, `hosted-ui-login-option-not-available-${viewport.label}`);
      await context.close();
    }
  });
});

describe("linking a provider from the account page, in Chromium", () => {
  it("links it, then either way in is the same account", async () => {
    const owner = await createUser("e2e-link");
    const person: LocalIdpPerson = {
      sub: `e2e-${randomUUID()}`,
      email: owner.username,
      emailVerified: true,
      name: "Linked Person",
      givenName: "Linked",
      familyName: "Person",
      password: `Partner-${randomUUID().slice(0, 8)}!`,
      demonstrates: "",
    };
    partner.addPerson(person);

    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    await page.goto(`${app.url}/login?flow=custom`);
    await page.getByLabel("Email").fill(owner.username);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    const sub = await page.getByTestId("sub").textContent();

    await page.goto(`${app.url}/account/sign-in-methods`);
    await audit(page, "sign-in-methods-native-desktop");
    await page.setViewportSize(VIEWPORTS[1]);
    await audit(page, "sign-in-methods-native-phone");
    await page.setViewportSize(VIEWPORTS[0]);
    await page.getByRole("button", { name: `Link ${PARTNER}` }).click();
    await page.waitForURL((url) => url.origin === new URL(partner.issuer).origin);
    await signInAtProvider(page, person, "partner-desktop");
    await page.waitForURL(`${app.url}/account/sign-in-methods?notice=provider-linked`);
    await expect(page.getByRole("button", { name: `Unlink ${PARTNER}` }).isVisible()).resolves.toBe(true);
    await context.close();

    // Another browser, through the provider only: the same account.
    const other = await browser.newContext({ viewport: VIEWPORTS[0] });
    const second = await other.newPage();
    await second.goto(`${app.url}/login?flow=custom`);
    await second.getByRole("link", { name: `Continue with ${PARTNER}` }).click();
    await second.waitForURL((url) => url.origin === new URL(partner.issuer).origin);
    await signInAtProvider(second, person, "partner-again-desktop");
    await second.waitForURL(`${app.url}/dashboard`);
    await expect(second.getByTestId("sub").textContent()).resolves.toBe(sub);
    await other.close();
  });
});
