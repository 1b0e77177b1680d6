/**
 * The local-development view of configuration, shared by the dev, emulator
 * and seed commands: `.env` (created from `.env.example` when absent), the
 * emulator URL and port, and `.env.local`, where seeding writes generated IDs.
 */
import fs from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import { LOCAL_IDENTITY_PROVIDERS, LOCAL_IDP_CLIENTS } from "../../app/dev/local-idp-people.server.ts";
import { type RunningLocalCognito, startLocalCognito } from "../../cognito-local/gateway/index.ts";
import { type RunningLocalIdp, startLocalIdp } from "./local-idp/server.ts";
import { ROOT } from "./root.ts";
import { type SeedResult, seed } from "./seed.ts";

// AWS SDK v2's end-of-support banner makes a fresh dev console look broken:
// cognito-local depends on that SDK, we do not (the app and the seed use v3).
// The variable AWS documents for it silences exactly that message (nothing
// else is filtered, so real errors and warnings still show); children
// (cognito-local, the app) inherit it. Set before any SDK client is created.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1";

export const ENV_FILE = path.join(ROOT, ".env");
export const ENV_LOCAL_FILE = path.join(ROOT, ".env.local");
export const ENV_EXAMPLE_FILE = path.join(ROOT, ".env.example");
export const EMULATOR_DATA_DIR = path.join(ROOT, "cognito-local/.data");
export const DEFAULT_EMULATOR_PORT = 9229;
export const DEFAULT_LOCAL_IDP_PORT = 9230;

/** Copies `.env.example` to `.env` when there is no `.env`. Returns true when it did. */
export function ensureDotEnv(): boolean {
  if (fs.existsSync(ENV_FILE)) return false;
  fs.copyFileSync(ENV_EXAMPLE_FILE, ENV_FILE);
  return true;
}

/** process.env over `.env`, empty values counting as unset. */
export function readLocalEnv(): Record<string, string> {
  const file = fs.existsSync(ENV_FILE) ? dotenv.parse(fs.readFileSync(ENV_FILE)) : {};
  const merged: Record<string, string> = {};
  for (const [k, v] of [...Object.entries(file), ...Object.entries(process.env)]) {
    if (v !== undefined && v.trim() !== "") merged[k] = v;
  }
  return merged;
}

export interface EmulatorTarget {
  /** URL the app and browser use, e.g. http://localhost:9229 */
  url: string;
  port: number;
  /**
   * Origins allowed to call the emulator from a browser (COGNITO_LOCAL_CORS_ORIGINS,
   * comma-separated); undefined: the app clients' registered URLs (the seed's APP_URL).
   */
  allowedOrigins?: string[];
}

/**
 * Where the emulator should run, or null when `.env` points at AWS
 * (no COGNITO_ENDPOINT). COGNITO_LOCAL_PORT overrides the port.
 */
export function emulatorTarget(env: Record<string, string>): EmulatorTarget | null {
  if (!env.COGNITO_ENDPOINT) return null;
  const endpoint = new URL(env.COGNITO_ENDPOINT);
  const port = Number(env.COGNITO_LOCAL_PORT ?? (endpoint.port || DEFAULT_EMULATOR_PORT));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`COGNITO_LOCAL_PORT: expected a port number, got "${env.COGNITO_LOCAL_PORT}"`);
  }
  const origins = env.COGNITO_LOCAL_CORS_ORIGINS?.split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins ?? []) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new Error(`COGNITO_LOCAL_CORS_ORIGINS: expected origins like http://localhost:3000, got "${origin}"`);
    }
  }
  return { url: `${endpoint.protocol}//${endpoint.hostname}:${port}`, port, allowedOrigins: origins };
}

/**
 * The contents of `.env.local` for a seeded emulator: the generated IDs, and
 * the emulator's Hosted UI as `COGNITO_DOMAIN`. The app reads the file after
 * `.env` and the environment, and only while COGNITO_ENDPOINT (an emulator)
 * is set, so every value here is a default that anything set by hand beats.
 */
export function envLocalContents(result: SeedResult, emulatorUrl: string): string {
  const lines = [
    `# Written by \`npm run seed\` for the local emulator at ${emulatorUrl}.`,
    "# Git-ignored and re-written on every seed. Values in .env take precedence;",
    "# the app reads this file only while COGNITO_ENDPOINT (an emulator) is set.",
    ...Object.entries(seededIds(result)).map(([k, v]) => `${k}=${v}`),
    "# The emulator's Hosted UI, for an .env that leaves COGNITO_DOMAIN empty (as",
    "# .env files copied from older versions of .env.example do), so AUTH_FLOW=auto",
    "# offers it. For the app's own form only, set AUTH_FLOW=custom in .env.",
    `COGNITO_DOMAIN=${emulatorUrl}`,
    "# The seeded identity providers (the local identity provider standing in for",
    "# Google and ExampleCorp), for an .env from before they existed.",
    `COGNITO_IDENTITY_PROVIDERS=${LOCAL_IDENTITY_PROVIDERS.join(",")}`,
    "# To try the confidential client (with a secret), copy these two into .env as",
    "# COGNITO_CLIENT_ID and COGNITO_CLIENT_SECRET. The app does not read these names.",
    `COGNITO_CONFIDENTIAL_CLIENT_SECRET=${result.clients["web-confidential"].clientSecret}`,
    "# The app's API (/api/v1) accepts access tokens from these app clients: the two",
    "# web clients (a user's token) and the machine client (client_credentials).",
    `API_CLIENT_IDS=${[result.clients.web.clientId, result.clients["web-confidential"].clientId, result.clients.machine.clientId].join(",")}`,
    "# The machine client's secret, for `npm run api:demo` (a machine calling the API).",
    "# The app does not read it.",
    `API_MACHINE_CLIENT_SECRET=${result.clients.machine.clientSecret}`,
    "",
  ];
  return lines.join("\n");
}

function seededIds(result: SeedResult): Record<string, string> {
  return {
    COGNITO_USER_POOL_ID: result.userPoolId,
    COGNITO_CLIENT_ID: result.clients.web.clientId,
    COGNITO_CONFIDENTIAL_CLIENT_ID: result.clients["web-confidential"].clientId,
    API_MACHINE_CLIENT_ID: result.clients.machine.clientId,
  };
}

/**
 * Writes `.env.local` (git-ignored, wholly owned by the seed). Returns the
 * generated IDs that `.env` overrides by hand, so a stale one is visible.
 */
export function writeEnvLocal(result: SeedResult, emulatorUrl: string): string[] {
  fs.writeFileSync(ENV_LOCAL_FILE, envLocalContents(result, emulatorUrl));
  const values = seededIds(result);
  const dotenvValues = fs.existsSync(ENV_FILE) ? dotenv.parse(fs.readFileSync(ENV_FILE)) : {};
  return Object.keys(values).filter((k) => dotenvValues[k]?.trim() && dotenvValues[k] !== values[k]);
}

/** Where the local Hosted UI URL came from (for the dev console). */
export interface LocalHostedDomain {
  url: string;
  /** `env`: set in .env or the environment; `emulator`: left empty, so the emulator's own. */
  source: "env" | "emulator";
}

/**
 * The Hosted UI base URL for local development against the emulator at
 * `target`. A value that names the emulator's host follows the emulator to
 * its actual port (COGNITO_LOCAL_PORT); another value is kept as set; an
 * empty one (older .env files) becomes the emulator, which always has a
 * Hosted UI. Only ever called with an emulator: nothing is invented for AWS.
 */
export function localHostedDomain(env: Record<string, string>, target: EmulatorTarget): LocalHostedDomain {
  const set = env.COGNITO_DOMAIN;
  if (!set) return { url: target.url, source: "emulator" };
  let sameHost = false;
  try {
    sameHost = new URL(set).hostname === new URL(target.url).hostname;
  } catch {
    // Not a URL: leave it to the app's config check, which names the variable.
  }
  return { url: sameHost ? target.url : set, source: "env" };
}

/**
 * Seeds the emulator for the app at `appUrl` (with the identity providers of
 * the local identity provider at `idpUrl`) and records the IDs in `.env.local`.
 */
export async function seedLocal(emulatorUrl: string, appUrl: string, idpUrl: string, log = console.log) {
  const result = await seed({
    endpoint: emulatorUrl,
    appUrls: [appUrl],
    identityProviderIssuer: idpUrl,
    log: (l) => log(`[seed] ${l}`),
  });
  const overridden = writeEnvLocal(result, emulatorUrl);
  log(`[seed] ${result.created.length} created, ${result.found.length} found; IDs written to .env.local`);
  for (const key of overridden) {
    log(`[seed] note: ${key} is set by hand in .env and takes precedence over the seeded value`);
  }
  return result;
}

/**
 * Starts cognito-local behind its gateway for local development, its Google
 * being the local identity provider at `idpUrl`, with a plain message if the
 * port is taken.
 */
export async function startDevCognito(target: EmulatorTarget, idpUrl: string): Promise<RunningLocalCognito> {
  try {
    return await startLocalCognito({
      dataDir: EMULATOR_DATA_DIR,
      port: target.port,
      publicUrl: target.url,
      googleIssuer: idpUrl,
      allowedOrigins: target.allowedOrigins,
      // Confirmation codes and temporary passwords show up here: prefix
      // every line so they are easy to spot among the app's output.
      onLog: (line) => console.log(`[cognito-local] ${line}`),
    });
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE") {
      throw new Error(
        `port ${target.port} is already in use by something that is not a Cognito emulator. ` +
          "Stop it, or set COGNITO_LOCAL_PORT (and COGNITO_ENDPOINT) to another port.",
      );
    }
    throw error;
  }
}

/** Whether a Cognito emulator already answers at `url`. */
export async function emulatorIsUp(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`)).ok;
  } catch {
    return false;
  }
}

/** Where the local identity provider runs beside the emulator (stands in for Google and ExampleCorp). */
export interface LocalIdpTarget {
  /** Its issuer and base URL, e.g. http://localhost:9230 */
  url: string;
  port: number;
}

/**
 * The local identity provider's place: the emulator's host name (so the
 * browser sees one local host), port 9230 unless LOCAL_IDP_PORT says otherwise.
 */
export function localIdpTarget(env: Record<string, string>, emulator: EmulatorTarget): LocalIdpTarget {
  const port = Number(env.LOCAL_IDP_PORT ?? DEFAULT_LOCAL_IDP_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || port === emulator.port) {
    throw new Error(
      `LOCAL_IDP_PORT: expected a free port number other than the emulator's, got "${env.LOCAL_IDP_PORT}"`,
    );
  }
  const emulatorUrl = new URL(emulator.url);
  return { url: `${emulatorUrl.protocol}//${emulatorUrl.hostname}:${port}`, port };
}

/**
 * Starts the local identity provider for development, its keys and records
 * beside the emulator's data, its clients answering to the emulator's
 * `/oauth2/idpresponse`.
 */
export async function startDevIdp(target: LocalIdpTarget, emulator: EmulatorTarget): Promise<RunningLocalIdp> {
  try {
    return await startLocalIdp({
      port: target.port,
      issuer: target.url,
      dataDir: path.join(EMULATOR_DATA_DIR, ".local-idp"),
      clients: LOCAL_IDP_CLIENTS.map((c) => ({
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        name: `${c.label} (cognito-local)`,
        redirectUris: [`${emulator.url}/oauth2/idpresponse`],
      })),
      log: (line) => console.log(`[local-idp] ${line}`),
    });
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE") {
      throw new Error(
        `port ${target.port} is already in use by something that is not the local identity provider. ` +
          "Stop it, or set LOCAL_IDP_PORT to another port.",
      );
    }
    throw error;
  }
}

/** Whether an OpenID provider already answers at `url` (one left running by another `npm run dev`). */
export async function localIdpIsUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/.well-known/openid-configuration`);
    return response.ok && ((await response.json()) as { issuer?: string }).issuer === url;
  } catch {
    return false;
  }
}
