/**
 * What an app client's settings allow, checked as AWS checks them: its
 * authentication flows, its SECRET_HASH, and whether it hides which users
 * exist.
 */
import { AwsError, incorrectCredentials } from "../errors.ts";
import { safeEqual, secretHash } from "../secret-hash.ts";
import type { AppClient } from "../upstream.ts";

/**
 * Whether the client's ExplicitAuthFlows allow a flow. Legacy values count;
 * a client with none set gets AWS's defaults (SRP, custom, refresh).
 */
export function allowsFlow(
  client: AppClient,
  flow: "USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH" | "USER_AUTH" | "USER_SRP_AUTH" | "ADMIN_USER_PASSWORD_AUTH",
): boolean {
  const flows = client.ExplicitAuthFlows ?? [];
  const legacy = flows.some((f) => !f.startsWith("ALLOW_"));
  switch (flow) {
    // Choice-based sign-in has no legacy name and is not among the defaults.
    case "USER_AUTH":
      return flows.includes("ALLOW_USER_AUTH");
    case "USER_PASSWORD_AUTH":
      return flows.includes("ALLOW_USER_PASSWORD_AUTH") || flows.includes("USER_PASSWORD_AUTH");
    case "ADMIN_USER_PASSWORD_AUTH":
      return flows.includes("ALLOW_ADMIN_USER_PASSWORD_AUTH") || flows.includes("ADMIN_NO_SRP_AUTH");
    // With the legacy names, SRP was always on unless the client allowed custom auth only.
    case "USER_SRP_AUTH":
      return (
        flows.length === 0 ||
        flows.includes("ALLOW_USER_SRP_AUTH") ||
        (legacy && !flows.includes("CUSTOM_AUTH_FLOW_ONLY"))
      );
    case "REFRESH_TOKEN_AUTH":
      return flows.length === 0 || legacy || flows.includes("ALLOW_REFRESH_TOKEN_AUTH");
  }
}

/**
 * SECRET_HASH, required and checked for clients with a secret. AWS words a
 * missing hash differently for the auth operations than for the others.
 */
export function checkSecretHash(client: AppClient, usernames: unknown[], hash: unknown, kind: "auth" | "other"): void {
  const secret = client.ClientSecret;
  if (!secret) return;
  if (typeof hash !== "string" || !hash) {
    throw new AwsError(
      "NotAuthorizedException",
      kind === "auth"
        ? `Client ${client.ClientId} is configured with secret but SECRET_HASH was not received`
        : `Unable to verify secret hash for client ${client.ClientId}`,
    );
  }
  const ok = usernames.some((u) => typeof u === "string" && safeEqual(hash, secretHash(u, client.ClientId, secret)));
  if (!ok) throw new AwsError("NotAuthorizedException", `Unable to verify secret hash for client ${client.ClientId}`);
}

export function preventsUserExistenceErrors(client: AppClient): boolean {
  return client.PreventUserExistenceErrors === "ENABLED";
}

/** What AWS answers for a user who does not exist: the same as a wrong password, when the client hides users. */
export function unknownUser(client: AppClient): AwsError {
  return preventsUserExistenceErrors(client)
    ? incorrectCredentials()
    : new AwsError("UserNotFoundException", "User does not exist.");
}
