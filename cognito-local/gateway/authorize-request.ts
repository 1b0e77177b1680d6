/**
 * Validation of an OAuth2 authorization request (`/oauth2/authorize`,
 * `/login`, and the other Hosted UI pages that carry its parameters), in
 * AWS's order: until `client_id` and `redirect_uri` are known to be good,
 * errors are an error page (never a redirect to an unregistered URI); after
 * that they go back to the app as `error=…&state=…`.
 */
import { createHash } from "node:crypto";
import { toAwsError } from "./errors.ts";
import type { AppClient, Upstream } from "./upstream.ts";

export interface AuthorizeRequest {
  client: AppClient;
  redirectUri: string;
  scopes: string[];
  state?: string;
  /** The PKCE challenge (S256), when the app sent one: PKCE is optional, as on AWS. */
  codeChallenge?: string;
  /** Copied into the ID token. */
  nonce?: string;
  /** The sign-in name to fill in (OIDC `login_hint`). */
  loginHint?: string;
  /** The validated parameters, carried between the Hosted UI pages like AWS does. */
  query: string;
}

export interface ErrorPage {
  status: number;
  title: string;
  message: string;
}

export type AuthorizeValidation =
  | { ok: true; request: AuthorizeRequest }
  | { ok: false; page: ErrorPage }
  | { ok: false; redirect: string };

/** Base64url, 43 characters: a SHA-256 digest. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export async function validateAuthorizeRequest(up: Upstream, params: URLSearchParams): Promise<AuthorizeValidation> {
  const clientId = params.get("client_id");
  if (!clientId) return errorPage("client_id is missing", "The sign-in link has no client_id.");
  let client: AppClient;
  try {
    client = await up.client(clientId);
  } catch (error) {
    if (toAwsError(error).type === "ResourceNotFoundException") {
      return errorPage("Unknown app client", "The sign-in link names an app client that does not exist.");
    }
    throw error;
  }
  const redirectUri = params.get("redirect_uri");
  if (!redirectUri) return errorPage("redirect_uri is missing", "The sign-in link has no redirect_uri.");
  if (!(client.CallbackURLs ?? []).includes(redirectUri)) {
    return errorPage(
      "redirect_mismatch",
      "The redirect_uri of the sign-in link is not one of the app client's callback URLs.",
    );
  }

  const state = params.get("state") ?? undefined;
  const back = (error: string, description: string): AuthorizeValidation => ({
    ok: false,
    redirect: errorRedirect(redirectUri, error, description, state),
  });
  const responseType = params.get("response_type");
  if (!responseType) return back("invalid_request", "response_type is required");
  if (responseType !== "code") return back("unsupported_response_type", "only response_type=code is supported");
  if (!client.AllowedOAuthFlowsUserPoolClient || !(client.AllowedOAuthFlows ?? []).includes("code")) {
    return back("unauthorized_client", "the app client is not allowed the authorization code grant");
  }
  const allowed = client.AllowedOAuthScopes ?? [];
  const requested = (params.get("scope") ?? "").split(" ").filter(Boolean);
  if (requested.some((s) => !allowed.includes(s))) return back("invalid_scope", "scope is not allowed for this client");
  // AWS: PKCE is optional ("code_challenge: Required only when you specify a
  // code_challenge_method"), and "Amazon Cognito authentication server supports
  // only S256" — a challenge without a method would be RFC 7636's plain.
  const codeChallenge = params.get("code_challenge") ?? undefined;
  const method = params.get("code_challenge_method");
  if (codeChallenge !== undefined || method !== null) {
    if (method !== "S256") return back("invalid_request", "code_challenge_method must be S256");
    if (!codeChallenge) return back("invalid_request", "code_challenge is required with code_challenge_method");
    if (!S256_CHALLENGE.test(codeChallenge)) return back("invalid_request", "code_challenge is not an S256 challenge");
  }
  const nonce = params.get("nonce") ?? undefined;
  const loginHint = params.get("login_hint") ?? undefined;

  const query = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: "code" });
  if (codeChallenge !== undefined) {
    query.set("code_challenge", codeChallenge);
    query.set("code_challenge_method", "S256");
  }
  if (requested.length > 0) query.set("scope", requested.join(" "));
  if (state !== undefined) query.set("state", state);
  if (nonce !== undefined) query.set("nonce", nonce);
  if (loginHint !== undefined) query.set("login_hint", loginHint);
  return {
    ok: true,
    request: {
      client,
      redirectUri,
      scopes: requested.length > 0 ? requested : allowed,
      state,
      codeChallenge,
      nonce,
      loginHint,
      query: query.toString(),
    },
  };
}

/** `redirect_uri` with `error`, `error_description` and `state`, keeping its own query. */
export function errorRedirect(redirectUri: string, error: string, description: string, state?: string): string {
  const url = new URL(redirectUri);
  url.searchParams.set("error", error);
  url.searchParams.set("error_description", description);
  if (state !== undefined) url.searchParams.set("state", state);
  return url.toString();
}

export function codeRedirect(request: AuthorizeRequest, code: string): string {
  const url = new URL(request.redirectUri);
  url.searchParams.set("code", code);
  if (request.state !== undefined) url.searchParams.set("state", request.state);
  return url.toString();
}

/** RFC 7636: BASE64URL(SHA256(code_verifier)). */
export function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

function errorPage(title: string, message: string): AuthorizeValidation {
  return { ok: false, page: { status: 400, title, message } };
}
