/**
 * The app's configuration: read once, validated by one schema, at start-up.
 *
 * This is the only module that reads `process.env`. Everything else imports
 * `env` (or calls `parseEnv` in tests). A missing or malformed value stops the
 * app with a message naming the variable and what is expected.
 */
import fs from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import { z } from "zod";
import type { CognitoSettings } from "./cognito/config.server";

/** The development-only default; refused when NODE_ENV=production. */
export const DEV_SESSION_SECRET = "dev-only-insecure-session-secret-change-me";
const MIN_PRODUCTION_SECRET_LENGTH = 32;

// An empty string in a .env file means "not set", not "set to nothing".
const blank = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema);
const optional = <T extends z.ZodTypeAny>(schema: T) => blank(schema.optional());

const httpUrl = (what: string) =>
  z
    .string()
    .url(`expected ${what}, an absolute http(s) URL`)
    .refine((v) => /^https?:\/\//.test(v), `expected ${what}, an absolute http(s) URL`)
    .transform((v) => v.replace(/\/+$/, ""));

const REDIS_URL_MESSAGE =
  "expected redis://[user:password@]host:port[/db] or rediss://… (TLS), e.g. redis://localhost:6379";
/**
 * A comma-separated list of identity provider names as Cognito spells them
 * (ProviderName: 1 to 32 characters, no spaces, not starting or ending with
 * "_"), each once; COGNITO is the pool's own sign-in, not a provider to offer.
 */
const identityProviderNames = z.string().transform((value, ctx) => {
  const names = value
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!/^[^_\s](?:[^\s]{0,30}[^_\s])?$/u.test(name) || name.toUpperCase() === "COGNITO") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${name}" is not an identity provider name: expected names as in the user pool, e.g. Google,ExampleCorp`,
      });
    }
  }
  if (new Set(names).size !== names.length) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: "each provider once" });
  }
  return names;
});

const redisUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: REDIS_URL_MESSAGE });
    return;
  }
  const db = url.pathname.replace(/^\//, "");
  if (!["redis:", "rediss:"].includes(url.protocol) || !url.hostname || (db !== "" && !/^\d{1,2}$/.test(db))) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: REDIS_URL_MESSAGE });
  }
});

const CLIENT_ID = /^[\w+]+$/;

/** A comma-separated list, each item trimmed, empty items dropped. */
const commaList = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

/** App client IDs (the API's allow-list), each checked. */
const clientIdList = commaList.superRefine((ids, ctx) => {
  if (ids.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "expected at least one app client ID" });
  for (const id of ids) {
    if (!CLIENT_ID.test(id) || id.length > 128) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${id}" is not an app client ID (letters and digits)` });
    }
  }
});

/** Web origins (scheme://host[:port], nothing more), for the API's CORS. */
const originList = commaList.superRefine((origins, ctx) => {
  for (const origin of origins) {
    const parsed = URL.canParse(origin) ? new URL(origin) : null;
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${origin}" is not a web origin: expected scheme://host[:port] with no path, e.g. https://spa.example.com`,
      });
    }
  }
});

/** A whole number from 1 to `max`, `fallback` when unset (rate limits). */
const count = (what: string, fallback: number, max = 1_000_000) =>
  blank(
    z.coerce
      .number({ invalid_type_error: `expected a whole number of ${what}` })
      .int(`expected a whole number of ${what}`)
      .min(1, "expected at least 1")
      .max(max, `expected at most ${max}`)
      .default(fallback),
  );

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: blank(
      z.coerce
        .number({ invalid_type_error: "expected a port number" })
        .int("expected a port number")
        .min(1, "expected a port number from 1 to 65535")
        .max(65535, "expected a port number from 1 to 65535")
        .default(3000),
    ),
    APP_URL: optional(httpUrl("the app's public base URL, e.g. http://localhost:3000")),
    AUTH_FLOW: blank(
      z
        .enum(["auto", "hosted", "custom"], {
          errorMap: () => ({ message: "expected one of auto, hosted, custom" }),
        })
        .default("auto"),
    ),
    SESSION_SECRET: optional(z.string()),
    COGNITO_REGION: z
      .string({ required_error: "required: the AWS region of the user pool, e.g. us-east-1" })
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region such as us-east-1"),
    COGNITO_USER_POOL_ID: z
      .string({ required_error: "required: the user pool ID, e.g. us-east-1_AbCdEf123 (run `npm run seed` locally)" })
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, "expected a user pool ID such as us-east-1_AbCdEf123"),
    COGNITO_CLIENT_ID: z
      .string({ required_error: "required: the app client ID (run `npm run seed` locally)" })
      .regex(CLIENT_ID, "expected an app client ID (letters and digits)"),
    COGNITO_CLIENT_SECRET: optional(z.string().min(1)),
    COGNITO_DOMAIN: optional(httpUrl("the Hosted UI base URL, e.g. https://<prefix>.auth.<region>.amazoncognito.com")),
    COGNITO_ENDPOINT: optional(httpUrl("the Cognito API endpoint of an emulator, e.g. http://localhost:9229")),
    COGNITO_LOGOUT_URL: optional(httpUrl("the Hosted UI logout URL")),
    COGNITO_IDENTITY_PROVIDERS: optional(identityProviderNames),
    COGNITO_USER_AUTH: optional(z.enum(["0", "1"], { errorMap: () => ({ message: "expected 0 or 1" }) })),
    COGNITO_REFRESH_ROTATION: optional(z.enum(["0", "1"], { errorMap: () => ({ message: "expected 0 or 1" }) })),
    COGNITO_PASSWORD_AUTH: blank(
      z.enum(["password", "srp"], { errorMap: () => ({ message: "expected password or srp" }) }).default("password"),
    ),
    BENCH_ROUTES: optional(z.enum(["0", "1"], { errorMap: () => ({ message: "expected 0 or 1" }) })),
    RATE_LIMIT_PER_MINUTE: optional(z.string()),
    RATE_LIMIT_CONSECUTIVE_FAILURES: count("failures", 10),
    RATE_LIMIT_IP_FAILURES_PER_DAY: count("failures", 100),
    RATE_LIMIT_SIGNUPS_PER_HOUR: count("sign-ups", 10),
    RATE_LIMIT_CODE_SENDS_PER_HOUR: count("codes", 20),
    RATE_LIMIT_MAX_IN_FLIGHT_PER_IP: count("checks", 10),
    RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY: count("failures", 20),
    RATE_LIMIT_ACCOUNT_SPACING_SECONDS: count("seconds", 300, 24 * 60 * 60),
    RATE_LIMIT_MAX_KEYS: count("keys", 50_000, 10_000_000),
    TRUST_PROXY: optional(z.enum(["0", "1"], { errorMap: () => ({ message: "expected 0 or 1" }) })),
    ALLOW_EMULATOR_IN_PRODUCTION: optional(z.enum(["0", "1"], { errorMap: () => ({ message: "expected 0 or 1" }) })),
    REDIS_URL: optional(redisUrl),
    REDIS_KEY_PREFIX: optional(
      z
        .string()
        .max(64, "expected at most 64 characters")
        .regex(/^[\w:.-]+$/, "expected letters, digits, and : . _ - only, e.g. remix-cognito:"),
    ),
    API_CLIENT_IDS: optional(clientIdList),
    API_RESOURCE_SERVER: optional(
      z
        .string()
        .max(256, "expected at most 256 characters")
        .regex(
          /^[\x21\x23-\x5B\x5D-\x7E]+$/,
          "expected a resource server identifier (printable ASCII, no spaces, quotes or backslashes), e.g. remix-cognito",
        ),
    ),
    API_CORS_ORIGINS: optional(originList),
    RATE_LIMIT_API_USER_PER_MINUTE: count("requests", 120),
    RATE_LIMIT_API_CLIENT_PER_MINUTE: count("requests", 600),
    SESSION_CACHE_ENTRIES: blank(
      z.coerce
        .number({ invalid_type_error: "expected a whole number of sessions" })
        .int("expected a whole number of sessions")
        .min(0, "expected 0 (off) or more")
        .max(1_000_000, "expected at most 1000000")
        .default(2000),
    ),
  })
  .superRefine((value, ctx) => {
    if (value.RATE_LIMIT_PER_MINUTE !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["RATE_LIMIT_PER_MINUTE"],
        message:
          "no longer used: sign-in limits count failures now (RATE_LIMIT_CONSECUTIVE_FAILURES, RATE_LIMIT_IP_FAILURES_PER_DAY; see .env.example); remove it",
      });
    }
    if (
      !value.COGNITO_ENDPOINT &&
      value.COGNITO_USER_POOL_ID &&
      !/^[a-z]{2}(-[a-z]+)+-\d+_/.test(value.COGNITO_USER_POOL_ID)
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["COGNITO_USER_POOL_ID"],
        message:
          "expected an AWS user pool ID such as us-east-1_AbCdEf123 (a local_… ID needs COGNITO_ENDPOINT, the emulator)",
      });
    }
    // (With AUTH_FLOW=custom the Hosted UI is never used: the providers are then not offered.)
    if (value.COGNITO_IDENTITY_PROVIDERS?.length && !value.COGNITO_DOMAIN) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["COGNITO_IDENTITY_PROVIDERS"],
        message: "needs COGNITO_DOMAIN: sign-in with a provider goes through the Hosted UI",
      });
    }
    if (value.AUTH_FLOW === "hosted" && !value.COGNITO_DOMAIN) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["COGNITO_DOMAIN"],
        message: "required when AUTH_FLOW=hosted: the Hosted UI base URL",
      });
    }
    const secrets = splitSecrets(value.SESSION_SECRET);
    if (value.NODE_ENV === "production") {
      if (secrets.length === 0 || secrets.includes(DEV_SESSION_SECRET)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["SESSION_SECRET"],
          message: "required in production: a random secret of at least 32 characters (comma-separated to rotate)",
        });
      } else if (secrets.some((s) => s.length < MIN_PRODUCTION_SECRET_LENGTH)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["SESSION_SECRET"],
          message: `each secret must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
        });
      }
      for (const problem of productionProblems(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, ...problem });
    }
  });

const EMULATOR_OPT_IN = "ALLOW_EMULATOR_IN_PRODUCTION=1";

/**
 * What a production process must not run with. Each of these has bitten
 * someone: an APP_URL left at its localhost default breaks the OAuth callback
 * and the CSRF origin check; http:// sends cookies and codes in clear; bench
 * routes skip the auth check; an emulator endpoint signs people in against a
 * toy. A production build run on this machine against the emulator (the
 * tests, the bench) says so explicitly with ALLOW_EMULATOR_IN_PRODUCTION=1,
 * which also allows http:// on loopback addresses and bench routes, never more.
 */
function productionProblems(value: {
  API_CORS_ORIGINS?: string[];
  APP_URL?: string;
  COGNITO_DOMAIN?: string;
  COGNITO_LOGOUT_URL?: string;
  COGNITO_ENDPOINT?: string;
  BENCH_ROUTES?: string;
  ALLOW_EMULATOR_IN_PRODUCTION?: string;
}): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const emulator = Boolean(value.COGNITO_ENDPOINT) && value.ALLOW_EMULATOR_IN_PRODUCTION === "1";
  if (value.COGNITO_ENDPOINT && !emulator) {
    problems.push({
      path: ["COGNITO_ENDPOINT"],
      message: `set in production: it points the app at an emulator. Unset it for AWS (or set ${EMULATOR_OPT_IN} to run a production build against the local emulator)`,
    });
  }
  if (!value.APP_URL) {
    problems.push({
      path: ["APP_URL"],
      message: "required in production: the app's public https URL, e.g. https://app.example.com",
    });
  }
  for (const name of ["APP_URL", "COGNITO_DOMAIN", "COGNITO_LOGOUT_URL"] as const) {
    const url = value[name];
    if (url && !url.startsWith("https://") && !(emulator && isLoopbackUrl(url))) {
      problems.push({
        path: [name],
        message: `must be an https:// URL in production (http:// only on a loopback address with ${EMULATOR_OPT_IN})`,
      });
    }
  }
  for (const origin of value.API_CORS_ORIGINS ?? []) {
    if (!origin.startsWith("https://") && !(emulator && isLoopbackUrl(origin))) {
      problems.push({
        path: ["API_CORS_ORIGINS"],
        message: `${origin} must be an https:// origin in production (http:// only on a loopback address with ${EMULATOR_OPT_IN})`,
      });
    }
  }
  if (value.BENCH_ROUTES === "1" && !emulator) {
    problems.push({
      path: ["BENCH_ROUTES"],
      message: `must be off in production: bench routes skip the sign-in check (only the bench turns them on, with ${EMULATOR_OPT_IN})`,
    });
  }
  return problems;
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function splitSecrets(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Every variable the app reads (the schema's keys): `.env.example` documents each. */
export const ENV_VARIABLE_NAMES: readonly string[] = Object.keys(schema.innerType().shape);

export type AuthFlowSetting = "auto" | "hosted" | "custom";

export interface Env {
  nodeEnv: "development" | "production" | "test";
  isProduction: boolean;
  port: number;
  appUrl: string;
  authFlow: AuthFlowSetting;
  /** First secret encrypts; every secret decrypts (rotation). */
  sessionSecrets: string[];
  /** Bench-only routes (e.g. /bench/dashboard without the auth check). Off by default; never in real deployments. */
  benchRoutes: boolean;
  /** Abuse limits (app/http/rate-limit.server.ts, docs/decisions/007-rate-limits.md and 017-limits-that-hold.md). */
  rateLimits: {
    /** Failed passwords/codes in a row for one account from one address before that pair is blocked. */
    consecutiveFailures: number;
    /** Failed passwords/codes from one address per day, every account and form together. */
    ipFailuresPerDay: number;
    /** Sign-ups per address per hour. */
    signUpsPerHour: number;
    /** Code e-mails (resend confirmation, forgotten password) per address per hour. */
    codeSendsPerHour: number;
    /** Password/code checks running at once from one address, per instance. */
    maxInFlightPerIp: number;
    /** Failed passwords/codes for one account per day, every address and form, before unfamiliar addresses are slowed. */
    accountFailuresPerDay: number;
    /** Then: one try of that account per this many seconds, shared by its unfamiliar addresses. */
    accountSpacingSeconds: number;
    /** Bound on the counters kept in memory (≈ 300 bytes each). */
    maxKeys: number;
  };
  /** Behind a reverse proxy that sets X-Forwarded-For (used for per-IP rate limits). */
  trustProxy: boolean;
  /**
   * Shared store for session revocations, the device list and rate limits (Redis or Valkey).
   * Unset: everything stays in this process (one instance).
   */
  redis?: { url: string; keyPrefix: string };
  /**
   * The pool (Essentials tier) and app client (`ALLOW_USER_AUTH`) support
   * choice-based sign-in: email codes, passkeys, passwordless sign-up.
   * Off: the form signs in with USER_PASSWORD_AUTH only.
   */
  userAuth: boolean;
  /**
   * The pool's identity providers the sign-in page offers ("Continue with …"),
   * by their name in the pool; each must be allowed on the app client
   * (SupportedIdentityProviders). Empty: none.
   */
  identityProviders: string[];
  /** The app client rotates refresh tokens: refresh through GetTokensFromRefreshToken. */
  refreshRotation: boolean;
  /**
   * How the form (and step-up) proves a password: `password` sends it
   * (USER_PASSWORD_AUTH, or PASSWORD in USER_AUTH); `srp` proves it without
   * sending it (USER_SRP_AUTH, or PASSWORD_SRP in USER_AUTH), for clients that
   * allow only SRP, as AWS recommends.
   */
  passwordAuth: "password" | "srp";
  /** Most verified sessions kept in this process's cache (0: off). See docs/decisions/010-verified-session-cache.md. */
  sessionCacheEntries: number;
  /** The JSON API under /api/v1 (docs/decisions/021-bearer-api.md). */
  api: {
    /** App clients whose access tokens the API accepts (the app's own client unless set). */
    clientIds: string[];
    /** The resource server whose custom scopes the API checks: scopes are `<this>/<scope name>`. */
    resourceServer: string;
    /** Web origins allowed to call the API from a browser (CORS); none unless set. */
    corsOrigins: string[];
    /** Requests per minute per user (user tokens). */
    userRequestsPerMinute: number;
    /** Requests per minute per app client (machine tokens). */
    clientRequestsPerMinute: number;
  };
  /** The user pool and app client (the refresh-rotation setting is `refreshRotation` above). */
  cognito: Omit<CognitoSettings, "refreshRotation">;
}

export class EnvError extends Error {
  constructor(public readonly problems: { variable: string; message: string }[]) {
    super(
      "Invalid configuration:\n" +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n") +
        "\nSee .env.example for every variable and its expected shape.",
    );
    this.name = "EnvError";
  }
}

/** Pure: validates a set of variables. Throws `EnvError` naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "(config)"),
        message: issue.message === "Required" ? "required" : issue.message,
      })),
    );
  }
  const v = result.data;
  const secrets = splitSecrets(v.SESSION_SECRET);
  return {
    nodeEnv: v.NODE_ENV,
    isProduction: v.NODE_ENV === "production",
    port: v.PORT,
    appUrl: v.APP_URL ?? `http://localhost:${v.PORT}`,
    authFlow: v.AUTH_FLOW,
    sessionSecrets: secrets.length > 0 ? secrets : [DEV_SESSION_SECRET],
    benchRoutes: v.BENCH_ROUTES === "1",
    trustProxy: v.TRUST_PROXY === "1",
    rateLimits: {
      consecutiveFailures: v.RATE_LIMIT_CONSECUTIVE_FAILURES,
      ipFailuresPerDay: v.RATE_LIMIT_IP_FAILURES_PER_DAY,
      signUpsPerHour: v.RATE_LIMIT_SIGNUPS_PER_HOUR,
      codeSendsPerHour: v.RATE_LIMIT_CODE_SENDS_PER_HOUR,
      maxInFlightPerIp: v.RATE_LIMIT_MAX_IN_FLIGHT_PER_IP,
      accountFailuresPerDay: v.RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY,
      accountSpacingSeconds: v.RATE_LIMIT_ACCOUNT_SPACING_SECONDS,
      maxKeys: v.RATE_LIMIT_MAX_KEYS,
    },
    redis: v.REDIS_URL ? { url: v.REDIS_URL, keyPrefix: v.REDIS_KEY_PREFIX ?? "remix-cognito:" } : undefined,
    userAuth: v.COGNITO_USER_AUTH === "1",
    identityProviders: v.COGNITO_IDENTITY_PROVIDERS ?? [],
    refreshRotation: v.COGNITO_REFRESH_ROTATION === "1",
    passwordAuth: v.COGNITO_PASSWORD_AUTH,
    sessionCacheEntries: v.SESSION_CACHE_ENTRIES,
    api: {
      clientIds: v.API_CLIENT_IDS ?? [v.COGNITO_CLIENT_ID],
      resourceServer: v.API_RESOURCE_SERVER ?? "remix-cognito",
      corsOrigins: v.API_CORS_ORIGINS ?? [],
      userRequestsPerMinute: v.RATE_LIMIT_API_USER_PER_MINUTE,
      clientRequestsPerMinute: v.RATE_LIMIT_API_CLIENT_PER_MINUTE,
    },
    cognito: {
      region: v.COGNITO_REGION,
      userPoolId: v.COGNITO_USER_POOL_ID,
      clientId: v.COGNITO_CLIENT_ID,
      clientSecret: v.COGNITO_CLIENT_SECRET,
      domain: v.COGNITO_DOMAIN,
      endpoint: v.COGNITO_ENDPOINT,
      logoutUrl: v.COGNITO_LOGOUT_URL,
    },
  };
}

/**
 * Variables from the environment, then `.env`, then `.env.local`, the first
 * non-empty value winning. `.env.local` is written by `npm run seed` with the
 * emulator's generated IDs, so it only applies while an emulator endpoint is
 * configured: pointing `.env` at AWS can never pick up a local pool ID.
 * `ENV_FILES=none` (used by the tests) skips the files.
 */
export function collectEnv(
  processEnv: Record<string, string | undefined>,
  cwd: string = process.cwd(),
): Record<string, string | undefined> {
  if (processEnv.ENV_FILES === "none") return { ...processEnv };
  const read = (name: string) => {
    const file = path.join(cwd, name);
    return fs.existsSync(file) ? dotenv.parse(fs.readFileSync(file)) : {};
  };
  const nonEmpty = (o: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const merged: Record<string, string | undefined> = { ...nonEmpty(read(".env")), ...nonEmpty(processEnv) };
  if (merged.COGNITO_ENDPOINT) {
    return { ...nonEmpty(read(".env.local")), ...merged };
  }
  return merged;
}

function loadEnv(): Env {
  try {
    return parseEnv(collectEnv(process.env));
  } catch (error) {
    if (error instanceof EnvError) {
      // Start-up failure: say what is wrong and stop, rather than serve a broken app.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

let cached: Env | undefined;
/** The validated configuration of this process (parsed on first use, at start-up). */
export function getEnv(): Env {
  cached ??= loadEnv();
  return cached;
}
