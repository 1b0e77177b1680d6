/**
 * Which web origins may read the gateway's answers from a browser (CORS).
 *
 * cognito-local answers every origin (`Access-Control-Allow-Origin: *`). On
 * localhost that lets any page the developer opens call the emulator's API
 * and OAuth endpoints and read the answers, so the gateway allows only the
 * app's own origin(s): the ones it is given (`allowedOrigins`), or else the
 * origins of the callback and sign-out URLs registered on the app clients,
 * which is how the gateway already knows where the app lives (the seed
 * registers `APP_URL` there).
 */
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import {
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { Upstream } from "./upstream.ts";

/** API operations after which the registered origins may have changed. */
const CLIENT_CHANGES = new Set([
  "CreateUserPoolClient",
  "UpdateUserPoolClient",
  "DeleteUserPoolClient",
  "DeleteUserPool",
]);
/** Re-read the registered origins at least this often (another gateway may share cognito-local). */
const REGISTERED_TTL_MS = 10_000;

/** Headers a browser may send on the API (the AWS SDK's) and OAuth calls. */
const ALLOW_HEADERS = [
  "authorization",
  "content-type",
  "x-amz-target",
  "x-amz-user-agent",
  "amz-sdk-invocation-id",
  "amz-sdk-request",
].join(", ");

export class CorsPolicy {
  private registered?: { origins: Promise<Set<string>>; at: number };

  constructor(
    private readonly upstream: Upstream,
    /** Fixed allowed origins; undefined: the app clients' registered ones. */
    private readonly fixed?: readonly string[],
  ) {}

  /** The request's Origin when it may read the answer; null otherwise (or when it sent none). */
  async allowedOrigin(req: IncomingMessage): Promise<string | null> {
    const origin = req.headers.origin;
    if (!origin || origin === "null") return null;
    const allowed = this.fixed ? new Set(this.fixed.map(originOf)) : await this.registeredOrigins();
    return allowed.has(origin) ? origin : null;
  }

  /** Headers for an answer to a cross-origin request (none for origins not allowed). */
  async headers(req: IncomingMessage): Promise<OutgoingHttpHeaders> {
    const origin = await this.allowedOrigin(req);
    return origin ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" } : { Vary: "Origin" };
  }

  /** Headers for a preflight, or null when the origin is not allowed. */
  async preflight(req: IncomingMessage, methods: string): Promise<OutgoingHttpHeaders | null> {
    const origin = await this.allowedOrigin(req);
    if (!origin) return null;
    return {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": methods,
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
      "Access-Control-Max-Age": "600",
      Vary: "Origin",
    };
  }

  /** Tells the policy an API call went through; a change to the app clients is picked up at once. */
  observe(operation: string): void {
    if (CLIENT_CHANGES.has(operation)) this.registered = undefined;
  }

  private registeredOrigins(): Promise<Set<string>> {
    const now = Date.now();
    if (!this.registered || now - this.registered.at > REGISTERED_TTL_MS) {
      const origins = this.readRegistered();
      this.registered = { origins, at: now };
      // A failed read is not cached: the next request tries again.
      origins.catch(() => {
        if (this.registered?.origins === origins) this.registered = undefined;
      });
    }
    return this.registered.origins;
  }

  private async readRegistered(): Promise<Set<string>> {
    const origins = new Set<string>();
    const sdk = this.upstream.sdk;
    const { UserPools = [] } = await sdk.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    for (const pool of UserPools) {
      if (!pool.Id) continue;
      const { UserPoolClients = [] } = await sdk.send(
        new ListUserPoolClientsCommand({ UserPoolId: pool.Id, MaxResults: 60 }),
      );
      for (const { ClientId } of UserPoolClients) {
        if (!ClientId) continue;
        const { UserPoolClient } = await sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.Id, ClientId }));
        for (const url of [...(UserPoolClient?.CallbackURLs ?? []), ...(UserPoolClient?.LogoutURLs ?? [])]) {
          const origin = originOf(url);
          if (origin !== "null") origins.add(origin);
        }
      }
    }
    return origins;
  }
}

/** `https://app.example/auth/callback` → `https://app.example`; "null" for what has no origin. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "null";
  }
}
