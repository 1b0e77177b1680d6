import type { MetaFunction } from "@remix-run/node";
import { Link, useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "~/root";

export const meta: MetaFunction = () => [{ title: "remix-cognito" }];

export default function Index() {
  const user = useRouteLoaderData<typeof rootLoader>("root")?.user;
  return (
    <main>
      <div className="card">
        <h1>remix-cognito</h1>
        <p>Sign in to a Remix app with Amazon Cognito user pools.</p>
        {user ? (
          <>
            <p data-testid="auth-state">You are signed in as {user.email}.</p>
            <p>
              <Link to="/dashboard">Go to your dashboard</Link> · <Link to="/logout">Sign out</Link>
            </p>
          </>
        ) : (
          <>
            <p className="muted" data-testid="auth-state">
              You are not signed in.
            </p>
            <p>
              <Link to="/login">Sign in</Link>
            </p>
          </>
        )}
      </div>
    </main>
  );
}
