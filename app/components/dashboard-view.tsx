import { Link } from "@remix-run/react";
import type { SignInFlow } from "~/cognito/auth-session.server";
import { ApiHowTo, type ApiHowToProps } from "./api-how-to";
import { type TokenClaims, TokenClaimsPanel } from "./token-claims-panel";

/**
 * The dashboard page body. Shared by `/dashboard` (a verified session) and the
 * bench-only `/bench/dashboard` (fixed sample data, no auth check), so the
 * benchmark compares the cost of auth on exactly the same markup.
 */

export interface DashboardUser {
  sub: string;
  email?: string;
  name?: string;
  groups: string[];
}

export interface DashboardViewProps {
  user: DashboardUser;
  flow: SignInFlow;
  /** Unix seconds. */
  accessTokenExpiresAt: number;
  /** Unix seconds. */
  idTokenExpiresAt: number;
  /** Unix seconds. */
  signedInAt: number;
  /** Seconds before access-token expiry at which the session refreshes itself. */
  refreshSkewSeconds: number;
  /** Development only: decoded token claims. */
  claims?: TokenClaims | null;
  /** How to call the app's API with a token of one's own. */
  api: Omit<ApiHowToProps, "email">;
}

const time = (seconds: number) =>
  new Date(seconds * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");

export function DashboardView({
  user,
  flow,
  accessTokenExpiresAt,
  idTokenExpiresAt,
  signedInAt,
  refreshSkewSeconds,
  claims,
  api,
}: DashboardViewProps) {
  return (
    <main className="wide">
      <div className="card">
        <h1>Dashboard</h1>
        <p>
          Signed in as <strong data-testid="email">{user.email}</strong>
          {user.name ? <> ({user.name})</> : null}.
        </p>
        <dl className="facts">
          <dt>User ID (sub)</dt>
          <dd data-testid="sub">{user.sub}</dd>
          <dt>Groups</dt>
          <dd data-testid="groups">{user.groups.length ? user.groups.join(", ") : "none"}</dd>
          <dt>Signed in with</dt>
          <dd data-testid="flow">{flow === "hosted" ? "Cognito Hosted UI" : "the app's sign-in form"}</dd>
          <dt>Signed in at</dt>
          <dd>{time(signedInAt)}</dd>
          <dt>Access token expires</dt>
          <dd data-testid="access-exp">{time(accessTokenExpiresAt)}</dd>
          <dt>ID token expires</dt>
          <dd data-testid="id-exp">{time(idTokenExpiresAt)}</dd>
          <dt>Session refreshes</dt>
          <dd data-testid="refresh-at">
            automatically from {time(accessTokenExpiresAt - refreshSkewSeconds)}, on your next request
          </dd>
        </dl>
        <p className="auth-links">
          <Link to="/account">Your account</Link> · <Link to="/account/mfa">Two-step verification</Link>
          {user.groups.includes("admins") ? (
            <>
              {" "}
              · <Link to="/admin">Admin</Link>
            </>
          ) : null}
        </p>
      </div>
      <ApiHowTo {...api} email={user.email} />
      {claims ? <TokenClaimsPanel claims={claims} /> : null}
    </main>
  );
}
