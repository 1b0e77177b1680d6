import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "remix-cognito" }];

export default function Index() {
  return (
    <main>
      <div className="card">
        <h1>remix-cognito</h1>
        <p>Sign in to a Remix app with Amazon Cognito user pools.</p>
        <p className="muted">You are not signed in.</p>
        <p>
          <Link to="/login">Sign in</Link>
        </p>
      </div>
    </main>
  );
}
