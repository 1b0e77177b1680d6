/**
 * A real OpenID provider on loopback, standing in for Google and for a
 * company's own sign-in while the emulator federates to it:
 * oidc-provider (panva; OpenID Certified) with our own sign-in and consent
 * pages, a fixed list of people, discovery, JWKS, PKCE, nonce and userinfo.
 * Development and tests only: `npm run dev` starts it beside the emulator,
 * and so does the test setup.
 *
 * Its signing key, cookie keys and records live in `dataDir` (made on the
 * first start), so a restart keeps the emulator's cached keys and the
 * browser's provider session valid.
 */
import { timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Configuration, KoaContextWithOIDC, default as Provider } from "oidc-provider";
import { LOCAL_IDP_PEOPLE, type LocalIdpPerson } from "../../../app/dev/local-idp-people.server.ts";
import { consentPage, errorPage, signedOutPage, signInPage, signOutPage } from "./pages.ts";
import { loadSecrets, RecordStore } from "./store.ts";

export interface LocalIdpClientRegistration {
  clientId: string;
  clientSecret: string;
  /** The emulator's `/oauth2/idpresponse` URL(s). */
  redirectUris: string[];
  /** Shown on the sign-in page: "to continue to …". */
  name: string;
}

export interface LocalIdpOptions {
  /** Port to listen on (0: any free port). */
  port: number;
  /** Interface to listen on. Default 127.0.0.1: the provider is for this machine only. */
  host?: string;
  /**
   * The issuer: the `iss` of its tokens and the base of every URL discovery
   * publishes. Default `http://localhost:<port>`. Tests give a second
   * provider the first one's issuer to make tokens the emulator must refuse.
   */
  issuer?: string;
  /** Where keys and records are kept (made when absent). Default: in memory. */
  dataDir?: string;
  clients: LocalIdpClientRegistration[];
  /** Who can sign in. Default LOCAL_IDP_PEOPLE. */
  people?: LocalIdpPerson[];
  /** ID token lifetime. Default one hour, like Google's. */
  idTokenTtlSeconds?: number;
  /** The signing key's `kid` instead of the stored one's (tests: another key under the same kid). */
  keyId?: string;
  /** Each line the provider logs (default: discarded). Never passwords or tokens. */
  log?: (line: string) => void;
}

export interface RunningLocalIdp {
  issuer: string;
  port: number;
  /** Changes what the provider says about a person from now on (tests: an email that changes). */
  updatePerson(sub: string, changes: Partial<Omit<LocalIdpPerson, "sub">>): void;
  /** Someone new who can sign in from now on (tests make people of their own). */
  addPerson(person: LocalIdpPerson): void;
  stop(): Promise<void>;
}

/** Every answer: no script, no framing, no sniffing. Forms post to the provider itself. */
const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})$/;
const MAX_FORM_BYTES = 8 * 1024;

/** What each scope shares, in the consent page's words. */
const SCOPE_WORDS: Record<string, string> = {
  openid: "Know who you are (a stable identifier)",
  email: "See your email address and whether it is verified",
  profile: "See your name",
};

export async function startLocalIdp(options: LocalIdpOptions): Promise<RunningLocalIdp> {
  const ProviderClass = await loadProvider();
  const host = options.host ?? "127.0.0.1";
  const people = new Map((options.people ?? LOCAL_IDP_PEOPLE).map((p) => [p.sub, { ...p }]));
  const log = options.log ?? (() => {});
  const storeDir = options.dataDir;
  const secrets = loadSecrets(storeDir);
  const records = new RecordStore(storeDir);
  const clientNames = new Map(options.clients.map((c) => [c.clientId, c.name]));

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = options.issuer ?? `http://localhost:${port}`;

  const configuration: Configuration = {
    adapter: records.adapter,
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      client_name: c.name,
      redirect_uris: c.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    })),
    async findAccount(_ctx, sub) {
      const person = people.get(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: person.email,
            email_verified: person.emailVerified,
            name: person.name,
            given_name: person.givenName,
            family_name: person.familyName,
          };
        },
      };
    },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name"],
    },
    // Like Google's, the ID token carries the scopes' claims (not only userinfo).
    conformIdTokenClaims: false,
    scopes: ["openid", "email", "profile"],
    responseTypes: ["code"],
    // The emulator always sends PKCE; a confidential client may, as with Google.
    pkce: { required: () => false },
    issueRefreshToken: () => false,
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.type = "html";
          ctx.body = signOutPage(ctx.host, form);
        },
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.type = "html";
          ctx.body = signedOutPage();
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: {
      keys: secrets.cookieKeys,
      // Browsers share localhost cookies across ports: names of our own, so
      // the app's and the emulator's cookies never meet these.
      names: { session: "local_idp_session", interaction: "local_idp_interaction", resume: "local_idp_resume" },
      long: { signed: true, httpOnly: true, sameSite: "lax" },
      short: { signed: true, httpOnly: true, sameSite: "lax" },
    },
    jwks: { keys: [{ ...secrets.signingKey, ...(options.keyId ? { kid: options.keyId } : {}) }] },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: options.idTokenTtlSeconds ?? 3600,
      Interaction: 600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    async renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = errorPage(String(out.error), out.error_description ? String(out.error_description) : undefined);
    },
  };
  const provider = new ProviderClass(issuer, configuration);
  provider.on("server_error", (_ctx, error) => log(`server error: ${error.message}`));
  const providerHandler = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new InteractionMismatch();
    const clientId = String(details.params.client_id ?? "");
    const clientName = clientNames.get(clientId) ?? clientId;
    const action = `/interaction/${uid}`;

    if (req.method === "GET") {
      if (details.prompt.name === "login") return sendPage(res, 200, signInPage({ action, clientName }));
      const person = people.get(details.session?.accountId ?? "");
      const scopes = String(details.params.scope ?? "openid").split(" ");
      return sendPage(
        res,
        200,
        consentPage({
          action,
          clientName,
          email: person?.email ?? "",
          sharing: scopes.map((s) => SCOPE_WORDS[s]).filter((s): s is string => Boolean(s)),
        }),
      );
    }

    const form = await readForm(req);
    if (details.prompt.name === "login") {
      if (form.get("action") === "cancel") {
        return provider.interactionFinished(req, res, denied("The person cancelled the sign-in."), {
          mergeWithLastSubmission: false,
        });
      }
      const email = (form.get("email") ?? "").trim();
      const person = findPerson(people, email, form.get("password") ?? "");
      if (!person) {
        log(`refused a sign-in for ${clientName}: wrong email or password`);
        return sendPage(res, 401, signInPage({ action, clientName, email, error: "Wrong email or password." }));
      }
      log(`${person.email} signed in for ${clientName}`);
      return provider.interactionFinished(
        req,
        res,
        { login: { accountId: person.sub } },
        {
          mergeWithLastSubmission: false,
        },
      );
    }

    if (form.get("action") !== "allow") {
      return provider.interactionFinished(req, res, denied("The person did not allow access."), {
        mergeWithLastSubmission: true,
      });
    }
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ??
        new provider.Grant({ accountId: details.session?.accountId, clientId }))
      : new provider.Grant({ accountId: details.session?.accountId, clientId });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const match = INTERACTION_PATH.exec(pathname);
    if (!match) {
      providerHandler(req, res);
      return;
    }
    if (req.method !== "GET" && req.method !== "POST") {
      res.writeHead(405, { Allow: "GET, POST" }).end();
      return;
    }
    interaction(req, res, match[1]!).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof FormTooLarge) {
        sendPage(res, 413, errorPage("invalid_request", "That form was too large."));
      } else if (error instanceof InteractionMismatch || (error as { name?: string }).name === "SessionNotFound") {
        sendPage(res, 400, errorPage("invalid_request", "This sign-in has expired or belongs to another browser."));
      } else {
        log(`interaction failed: ${(error as Error).message}`);
        sendPage(res, 500, errorPage("server_error", "The sign-in could not be completed."));
      }
    });
  });

  return {
    issuer,
    port,
    updatePerson(sub, changes) {
      const person = people.get(sub);
      if (!person) throw new Error(`no person with sub ${sub}`);
      Object.assign(person, changes);
    },
    addPerson(person) {
      people.set(person.sub, { ...person });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let providerModule: Promise<typeof Provider> | undefined;

/** oidc-provider, loaded once, when a provider is first started (its import costs a few hundred ms). */
function loadProvider(): Promise<typeof Provider> {
  providerModule ??= import("oidc-provider").then((module) => module.default);
  return providerModule;
}

function findPerson(people: Map<string, LocalIdpPerson>, email: string, password: string): LocalIdpPerson | undefined {
  const wanted = email.toLowerCase();
  for (const person of people.values()) {
    if (person.email.toLowerCase() === wanted && sameSecret(person.password, password)) return person;
  }
  return undefined;
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function denied(description: string) {
  return { error: "access_denied", error_description: description };
}

class FormTooLarge extends Error {}
class InteractionMismatch extends Error {}

/** Reads an urlencoded form, refusing it once it passes MAX_FORM_BYTES. */
function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        // Stop keeping it (the rest drains unread) and answer 413.
        req.removeAllListeners("data");
        req.resume();
        reject(new FormTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", reject);
  });
}

function sendPage(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
