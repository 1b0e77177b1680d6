/**
 * The local-development defaults: which Hosted UI URL the app gets next to the
 * emulator (fresh and older .env files alike, hand-set values winning, never
 * anything for AWS), what `npm run dev` says about the flow, the development
 * home page's guide, and the README page it links to.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeFlowChoice } from "~/auth/flow.server";
import { PASSWORDLESS_SEED_USERS, SEED_USERS } from "~/dev/demo-accounts.server";
import { localGuide, REAL_USER_POOL_HREF } from "~/dev/local-guide.server";
import { LOCAL_IDP_PEOPLE } from "~/dev/local-idp-people.server";
import { headingAnchor, readmeSections, readReadme } from "~/dev/readme.server";
import { collectEnv, parseEnv } from "~/env.server";
import { type ReadyInfo, readyLines } from "../../scripts/lib/dev-console.ts";
import { envLocalContents, localHostedDomain } from "../../scripts/lib/local-env.ts";
import { ROOT } from "../../scripts/lib/root.ts";

const EMULATOR = "http://localhost:9229";
const SEEDED = {
  userPoolId: "local_AbC123",
  clients: {
    web: { clientId: "webclient123" },
    "web-confidential": { clientId: "confclient456", clientSecret: "s3cret" },
    machine: { clientId: "machineclient789", clientSecret: "m4chine-s3cret" },
  },
  created: [],
  found: [],
};

/** The lines of the .env.example this change replaces that matter here (COGNITO_DOMAIN was empty). */
const OLD_DOT_ENV = [
  "AUTH_FLOW=auto",
  "PORT=3000",
  "APP_URL=http://localhost:3000",
  "SESSION_SECRET=",
  "COGNITO_REGION=us-east-1",
  "COGNITO_USER_POOL_ID=",
  "COGNITO_CLIENT_ID=",
  "COGNITO_CLIENT_SECRET=",
  "COGNITO_DOMAIN=",
  "COGNITO_ENDPOINT=http://localhost:9229",
  "COGNITO_LOGOUT_URL=",
].join("\n");

/** What the app would run with, from a folder holding .env (and the seed's .env.local). */
function appEnvFrom(files: Record<string, string>, processEnv: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-dev-test-"));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return parseEnv(collectEnv(processEnv, dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("the Hosted UI is configured by default next to the emulator", () => {
  it("a fresh .env (copied from .env.example) signs in through the emulator's Hosted UI", () => {
    const env = appEnvFrom({
      ".env": fs.readFileSync(path.join(ROOT, ".env.example"), "utf8"),
      ".env.local": envLocalContents(SEEDED, EMULATOR),
    });
    expect(env.cognito.domain).toBe(EMULATOR);
    expect(describeFlowChoice(env)).toMatchObject({ flow: "hosted", reason: "AUTH_FLOW=auto and COGNITO_DOMAIN set" });
    expect(env.cognito.userPoolId).toBe("local_AbC123");
  });

  it("an older .env with COGNITO_DOMAIN empty gets the emulator's Hosted UI from .env.local", () => {
    const env = appEnvFrom({ ".env": OLD_DOT_ENV, ".env.local": envLocalContents(SEEDED, EMULATOR) });
    expect(env.cognito.domain).toBe(EMULATOR);
    expect(describeFlowChoice(env).flow).toBe("hosted");
    // ...and without the seed's file it is the form, as before (nothing invented).
    const unseeded = appEnvFrom({
      ".env": OLD_DOT_ENV.replace("COGNITO_USER_POOL_ID=", "COGNITO_USER_POOL_ID=local_x").replace(
        "COGNITO_CLIENT_ID=",
        "COGNITO_CLIENT_ID=abc",
      ),
    });
    expect(unseeded.cognito.domain).toBeUndefined();
    expect(describeFlowChoice(unseeded).flow).toBe("custom");
  });

  it("hand-set values win: AUTH_FLOW=custom keeps the form, a hand-set domain is kept", () => {
    const local = envLocalContents(SEEDED, EMULATOR);
    const custom = appEnvFrom({ ".env": `${OLD_DOT_ENV}\nAUTH_FLOW=custom`, ".env.local": local });
    expect(describeFlowChoice(custom)).toMatchObject({ flow: "custom", hostedAvailable: false });
    const own = appEnvFrom({
      ".env": OLD_DOT_ENV.replace("COGNITO_DOMAIN=", "COGNITO_DOMAIN=http://127.0.0.1:9999"),
      ".env.local": local,
    });
    expect(own.cognito.domain).toBe("http://127.0.0.1:9999");
    const fromShell = appEnvFrom(
      { ".env": OLD_DOT_ENV, ".env.local": local },
      { COGNITO_DOMAIN: "http://127.0.0.1:1" },
    );
    expect(fromShell.cognito.domain).toBe("http://127.0.0.1:1");
  });

  it("an .env pointing at AWS (no COGNITO_ENDPOINT) gets no Hosted UI domain from the emulator's file", () => {
    const aws = [
      "COGNITO_REGION=eu-west-1",
      "COGNITO_USER_POOL_ID=eu-west-1_AbCdEf123",
      "COGNITO_CLIENT_ID=awsclient",
      "COGNITO_DOMAIN=",
      "COGNITO_ENDPOINT=",
    ].join("\n");
    const env = appEnvFrom({ ".env": aws, ".env.local": envLocalContents(SEEDED, EMULATOR) });
    expect(env.cognito.domain).toBeUndefined();
    expect(describeFlowChoice(env).flow).toBe("custom");
  });

  it("npm run dev: the emulator's own URL for an empty value, its real port for a local one, others kept", () => {
    const target = { url: "http://localhost:40123", port: 40123 };
    expect(localHostedDomain({}, target)).toEqual({ url: target.url, source: "emulator" });
    expect(localHostedDomain({ COGNITO_DOMAIN: "http://localhost:9229" }, target)).toEqual({
      url: target.url,
      source: "env",
    });
    expect(localHostedDomain({ COGNITO_DOMAIN: "https://x.auth.eu-west-1.amazoncognito.com" }, target)).toEqual({
      url: "https://x.auth.eu-west-1.amazoncognito.com",
      source: "env",
    });
  });
});

describe("npm run dev's ready block", () => {
  const appUrl = "http://localhost:3000";
  const emulator = { url: EMULATOR, domain: { url: EMULATOR, source: "env" as const }, users: SEED_USERS };
  const lines = (
    authFlow: "auto" | "hosted" | "custom",
    domain?: string,
    userAuth?: "1",
    idp?: NonNullable<ReadyInfo["emulator"]>["idp"],
  ) => {
    const env = parseEnv({
      COGNITO_USER_AUTH: userAuth,
      COGNITO_REGION: "us-east-1",
      COGNITO_USER_POOL_ID: "local_x",
      COGNITO_CLIENT_ID: "abc",
      COGNITO_ENDPOINT: EMULATOR,
      COGNITO_DOMAIN: domain,
      AUTH_FLOW: authFlow,
    });
    return readyLines({
      seconds: 3,
      appUrl,
      flow: { setting: env.authFlow, choice: describeFlowChoice(env), userAuth: env.userAuth },
      emulator: { ...emulator, idp },
    }).join("\n");
  };

  it("gives URLs for both ways in, the flow /login uses and why, and how to switch", () => {
    const text = lines("auto", EMULATOR);
    expect(text).toContain(`${appUrl}/auth/hosted`);
    expect(text).toContain(`${appUrl}/login?flow=custom`);
    expect(text).toContain("/login uses the Cognito Hosted UI (AUTH_FLOW=auto and COGNITO_DOMAIN set)");
    expect(text).toContain("set AUTH_FLOW=custom in .env");
    expect(lines("custom", EMULATOR)).toMatch(/Hosted UI\s+off \(AUTH_FLOW=custom\)[\s\S]*set AUTH_FLOW=auto/);
    expect(lines("hosted", EMULATOR)).toMatch(/form\s+off \(AUTH_FLOW=hosted\)[\s\S]*set AUTH_FLOW=auto/);
    expect(lines("auto")).toContain("/login uses the app's sign-in form (AUTH_FLOW=auto and COGNITO_DOMAIN not set)");
  });

  it("lists every seeded account, what it shows, the TOTP command and where codes appear", () => {
    const text = lines("auto", EMULATOR);
    for (const user of SEED_USERS) {
      expect(text).toContain(`${user.email} / ${user.password}`);
      expect(text).toContain(user.demonstrates);
    }
    for (const user of PASSWORDLESS_SEED_USERS) {
      expect(text).toContain(`${user.email} / (no password)`);
      expect(text).toContain(user.demonstrates);
    }
    expect(text).toContain("npm run totp -- mfa@example.com");
    expect(text).toContain("email sign-in codes appear below on [cognito-local] lines");
  });

  it("prints the local identity provider's people when the app offers providers through the Hosted UI", () => {
    const idp = { url: "http://localhost:9230", people: LOCAL_IDP_PEOPLE, offered: ["Google", "ExampleCorp"] };
    const text = lines("auto", EMULATOR, undefined, idp);
    expect(text).toContain('"Continue with Google" / "ExampleCorp" on the sign-in page');
    for (const person of LOCAL_IDP_PEOPLE) expect(text).toContain(`${person.email} / ${person.password}`);
    expect(lines("custom", EMULATOR, undefined, idp)).not.toContain("Continue with");
  });

  it("says how to try an emailed code and a passkey when USER_AUTH is on, and where passkeys work", () => {
    expect(lines("auto", EMULATOR)).not.toContain("Email me a code");
    const text = lines("auto", EMULATOR, "1");
    expect(text).toContain(`on ${appUrl}/login?flow=custom: type the email, "Email me a code"`);
    expect(text).toContain(`${appUrl}/account/passkeys "Add a passkey"`);
    expect(text).toContain("only on the host localhost");
    expect(lines("hosted", EMULATOR, "1")).not.toContain("Email me a code");
  });
});

describe("the development home page's guide", () => {
  const base = {
    authFlow: "auto" as const,
    cognito: { region: "us-east-1", userPoolId: "local_x", clientId: "c" },
    userAuth: false,
    appUrl: "http://localhost:3000",
    identityProviders: [] as string[],
  };

  it("exists only in development with the emulator", () => {
    const emulatorCognito = { ...base.cognito, endpoint: EMULATOR, domain: EMULATOR };
    expect(localGuide({ ...base, isProduction: true, cognito: emulatorCognito })).toBeNull();
    expect(localGuide({ ...base, isProduction: false, cognito: base.cognito })).toBeNull();
    expect(localGuide({ ...base, isProduction: false, cognito: emulatorCognito })).not.toBeNull();
  });

  it("shows the seed's own user list, with the TOTP command only where there is an authenticator", () => {
    const guide = localGuide({
      ...base,
      isProduction: false,
      cognito: { ...base.cognito, endpoint: EMULATOR, domain: EMULATOR },
    })!;
    expect(guide.accounts.map((a) => [a.email, a.password, a.groups])).toEqual(
      SEED_USERS.map((u) => [u.email, u.password, u.groups]),
    );
    expect(guide.accounts.filter((a) => a.totpCommand).map((a) => a.totpCommand)).toEqual([
      "npm run totp -- mfa@example.com",
    ]);
    expect(guide.flow).toMatchObject({ flow: "hosted", customAllowed: true, hostedAvailable: true });
  });

  it("says how to try an emailed code and a passkey, with the passwordless account, only where USER_AUTH is on", () => {
    const dev = { ...base, isProduction: false, cognito: { ...base.cognito, endpoint: EMULATOR, domain: EMULATOR } };
    expect(localGuide(dev)!.passwordless).toBeNull();
    expect(localGuide({ ...dev, userAuth: true, authFlow: "hosted" })!.passwordless).toBeNull(); // no app form
    expect(localGuide({ ...dev, userAuth: true })!.passwordless).toEqual({
      accounts: PASSWORDLESS_SEED_USERS.map(({ email, demonstrates }) => ({ email, demonstrates })),
      passkeyHost: "localhost",
    });
    expect(PASSWORDLESS_SEED_USERS.map((u) => u.email)).toContain("passwordless@example.com");
  });

  it("lists the local identity provider's people where the app offers providers through the Hosted UI", () => {
    const dev = { ...base, isProduction: false, cognito: { ...base.cognito, endpoint: EMULATOR, domain: EMULATOR } };
    expect(localGuide(dev)!.providers).toBeNull();
    expect(localGuide({ ...dev, identityProviders: ["Google"], authFlow: "custom" })!.providers).toBeNull();
    const guide = localGuide({ ...dev, identityProviders: ["Google", "ExampleCorp"] })!;
    expect(guide.providers?.names).toEqual(["Google", "ExampleCorp"]);
    expect(guide.providers?.people.map((p) => [p.email, p.password])).toEqual(
      LOCAL_IDP_PEOPLE.map((p) => [p.email, p.password]),
    );
  });
});

describe("the README page", () => {
  it("anchors headings as GitHub does", () => {
    expect(headingAnchor("Switching to a real user pool")).toBe("switching-to-a-real-user-pool");
    expect(headingAnchor("Sign-in modes and routes")).toBe("sign-in-modes-and-routes");
    expect(headingAnchor("Local emulator vs AWS")).toBe("local-emulator-vs-aws");
    expect(headingAnchor("Demo accounts (local emulator only)")).toBe("demo-accounts-local-emulator-only");
  });

  it("splits at level-2 headings, keeping the text before the first one", () => {
    const { preface, sections } = readmeSections(
      "# Title\n\nIntro\n\n## One\n\nbody 1\n### Sub\nmore\n## Two\nbody 2\n",
    );
    expect(preface).toBe("Intro");
    expect(sections).toEqual([
      { id: "one", title: "One", body: "body 1\n### Sub\nmore" },
      { id: "two", title: "Two", body: "body 2" },
    ]);
  });

  it("the project's README has the section the home page links to", () => {
    const readme = readReadme(ROOT)!;
    const id = REAL_USER_POOL_HREF.split("#")[1];
    expect(readme.sections.map((s) => s.id)).toContain(id);
  });
});
