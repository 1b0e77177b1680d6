import { NavLink, useRouteLoaderData } from "@remix-run/react";

/**
 * `passwordless`: only where choice-based sign-in is on; `cognitoSignIn`: only for accounts that
 * sign in with the pool's own sign-in (Cognito manages no password, codes or passkeys for an
 * account that signs in through an identity provider).
 */
const PAGES = [
  { to: "/account", label: "Profile" },
  { to: "/account/sign-in-methods", label: "How you sign in" },
  { to: "/account/password", label: "Password", cognitoSignIn: true },
  { to: "/account/mfa", label: "Two-step verification", cognitoSignIn: true },
  { to: "/account/passkeys", label: "Passkeys", passwordless: true, cognitoSignIn: true },
  { to: "/account/sessions", label: "Where you're signed in" },
];

/**
 * Links between the account pages; the current one is bold and carries
 * aria-current. (No style attributes: the CSP allows stylesheets only.)
 */
export function AccountNav() {
  // The root loader says whether choice-based sign-in (and so passkeys) is on.
  const root = useRouteLoaderData("root") as
    | { passwordless?: boolean; user?: { signsInWith?: string | null } | null }
    | undefined;
  const federated = Boolean(root?.user?.signsInWith);
  return (
    <nav aria-label="Account settings" className="actions">
      {PAGES.filter((page) => (!page.passwordless || root?.passwordless) && !(page.cognitoSignIn && federated)).map(
        (page) => (
          <NavLink key={page.to} to={page.to} end>
            {({ isActive }) => (isActive ? <strong>{page.label}</strong> : page.label)}
          </NavLink>
        ),
      )}
    </nav>
  );
}
