/**
 * The JSON API's replies (/api/v1, docs/decisions/021-bearer-api.md): data as
 * it is, and every error in one stable shape, the one OAuth 2.0 uses —
 * `{ "error": "<code>", "error_description": "<text for people>" }` — so a
 * client switches on `error` and shows or logs `error_description`. Never a
 * cookie, never HTML, never a stack trace.
 */
import {
  CognitoAuthError,
  CognitoRequestError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UserNotFoundError,
} from "~/cognito/errors.server";
import { jsonReply } from "./json-reply.server";

/** Seconds to tell a client to wait while Cognito is not answering. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 10;

/** Every `error` the API answers with. */
export type ApiErrorCode =
  /** 400: the request is malformed (RFC 6750's invalid_request, or a bad parameter). */
  | "invalid_request"
  /** 401: no access token was sent (RFC 6750 §3.1: no error code in WWW-Authenticate then). */
  | "unauthorized"
  /** 401: the access token is expired, revoked, malformed, foreign or not an access token. */
  | "invalid_token"
  /** 403: a valid token without the scope (or group) this needs. */
  | "insufficient_scope"
  | "not_found"
  | "method_not_allowed"
  /** 403: a browser origin the API does not serve (CORS preflight). */
  | "origin_not_allowed"
  /** 429, with Retry-After. */
  | "rate_limited"
  /** 503, with Retry-After: Cognito is not answering. */
  | "temporarily_unavailable";

export function apiData(body: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  return jsonReply(body, init);
}

export function apiError(status: number, error: ApiErrorCode, description: string, headers?: HeadersInit): Response {
  return jsonReply({ error, error_description: description }, { status, headers });
}

/** 405 for a method the route does not serve. */
export function methodNotAllowed(allow: string): Response {
  return apiError(405, "method_not_allowed", `This endpoint answers ${allow} only.`, { Allow: allow });
}

/**
 * What an API caller is told when a Cognito call behind the endpoint fails: an unknown user is
 * 404, a parameter Cognito refuses 400, Cognito down or throttling us 503 with Retry-After.
 * Anything else is rethrown (a bug: logged once, 500).
 */
export function apiCognitoError(error: unknown): Response {
  if (error instanceof UserNotFoundError) return apiError(404, "not_found", "There is no such user.");
  if (error instanceof CognitoRequestError) return apiError(400, "invalid_request", error.userMessage);
  if (error instanceof ServiceUnavailableError || error instanceof TooManyRequestsError) {
    return apiError(503, "temporarily_unavailable", "The sign-in service is not answering; try again shortly.", {
      "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS),
    });
  }
  if (error instanceof CognitoAuthError) return apiError(error.status, "invalid_request", error.userMessage);
  throw error;
}
