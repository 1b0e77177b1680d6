import { NavLink, useRouteLoaderData } from "@remix-run/react";

const PAGES = [
  { to: "/account", label: "Profile" },
  { to: "/account/password", label: "Password" },
  { to: "/account/mfa", label: "Two-step verification" },
  { to: "/account/passkeys", label: "Passkeys", passwordless: true },
  { to: "/account/sessions", label: "Where you're signed in" },
];

/**
 * Links between the account pages; the current one is bold and carries
 * aria-current. (No style attributes: the CSP allows stylesheets only.)
 */
export function AccountNav() {
  // The root loader says whether choice-based sign-in (and so passkeys) is on.
  const root = useRouteLoaderData("root") as { passwordless?: boolean } | undefined;
  return (
    <nav aria-label="Account settings" className="actions">
      {PAGES.filter((page) => !page.passwordless || root?.passwordless).map((page) => (
        <NavLink key={page.to} to={page.to} end>
          {({ isActive }) => (isActive ? <strong>{page.label}</strong> : page.label)}
        </NavLink>
      ))}
    </nav>
  );
}
