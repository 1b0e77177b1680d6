import { Form, Link } from "@remix-run/react";

export interface HeaderUser {
  email?: string;
  name?: string;
}

export function SiteHeader({ user }: { user: HeaderUser | null }) {
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        remix-cognito
      </Link>
      <nav aria-label="Account">
        {user ? (
          <>
            <Link to="/dashboard">{user.name ?? user.email ?? "Dashboard"}</Link>
            <Link to="/account">Account</Link>
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">
                Sign out
              </button>
            </Form>
          </>
        ) : (
          <Link to="/login">Sign in</Link>
        )}
      </nav>
    </header>
  );
}
