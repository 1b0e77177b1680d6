/**
 * The frame of every account page (/account and the pages under it): the
 * account navigation, the page's heading (its `handle`), and the banner a
 * change leaves behind (`?notice=…`), around the page itself. The pages'
 * forms (AccountForm) post without the notice, so it does not come back
 * with a form's answer.
 */
import { data, type MetaFunction } from "@remix-run/node";
import { Outlet, useMatches, useSearchParams } from "@remix-run/react";
import { AccountNav } from "~/components/account-nav";
import { FormSuccess } from "~/components/form-error";

/** What an account page says about itself: `export const handle: AccountPage = { heading: "…" }`. */
export interface AccountPage {
  /** The page's h1, and its title. */
  heading: string;
}

/** Every banner the account pages send people back with, by its `?notice=` key. */
const NOTICES: Record<string, string> = {
  "name-updated": "Your name has been updated.",
  "email-code-sent": "We sent a 6-digit code to your new email address. Enter it below to verify the address.",
  "email-verified": "Your email address is verified.",
  "password-changed": "Your password has been changed. Your other sessions were signed out.",
  "mfa-enabled": "Two-step verification is on. From now on you will be asked for a code when you sign in.",
  "mfa-disabled": "Two-step verification is off.",
  added: "Passkey added. You can now sign in with it.",
  deleted: "Passkey removed.",
  ended: "That session has been signed out. Its cookie no longer works anywhere.",
  "provider-linked": "Linked. You can now sign in to this account with that provider too.",
  "provider-unlinked": "Unlinked. That provider no longer signs you in to this account.",
};

function headingOf(matches: readonly { handle?: unknown }[]): string {
  return (matches.at(-1)?.handle as AccountPage | undefined)?.heading ?? "Your account";
}

/**
 * The title of the page shown: every account page exports this as its own `meta`
 * (`export { meta } from "./account"`), as Remix gives a route's meta only the
 * matches up to that route.
 */
export const meta: MetaFunction = ({ matches }) => [{ title: `${headingOf(matches)} · remix-cognito` }];

/**
 * The profile is this layout's index route, so its forms post to `/account?index` (how Remix
 * addresses an index route). A bare POST /account reaches the layout instead: refused plainly,
 * nothing changed.
 */
export async function action(): Promise<never> {
  throw data(
    { message: "Nothing is sent to this address: use the forms on your account page." },
    { status: 405, headers: { Allow: "GET, HEAD" } },
  );
}

export default function AccountLayout() {
  const heading = headingOf(useMatches());
  const [params] = useSearchParams();
  return (
    <main>
      <div className="card">
        <AccountNav />
        <h1>{heading}</h1>
        <FormSuccess message={NOTICES[params.get("notice") ?? ""] ?? null} />
        <Outlet />
      </div>
    </main>
  );
}
