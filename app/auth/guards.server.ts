/**
 * Guards for loaders and actions: they return the session or throw the
 * response that ends the request (a redirect to sign in, a 403 page).
 */
import { data, redirect } from "@remix-run/node";
import { type CurrentSession, loadAuthSession, SessionUnconfirmedError } from "./current-session.server";
import { destroySessionHeaders, hasSessionCookie } from "./stored-session.server";

/** Seconds a browser (or a person) should wait before retrying an unconfirmed session. */
const UNCONFIRMED_RETRY_AFTER_SECONDS = 10;

/**
 * The session, or throws a redirect to the login page (clearing a dead
 * cookie). While Cognito is down or throttling and the access token has
 * expired, throws a 503 page instead ("we can't confirm your session right
 * now") and leaves the cookie alone: an outage never signs anyone out.
 */
export async function requireUser(request: Request): Promise<CurrentSession> {
  let session: CurrentSession | null;
  try {
    session = await loadAuthSession(request);
  } catch (error) {
    if (!(error instanceof SessionUnconfirmedError)) throw error;
    throw data(
      {
        message:
          "We can't confirm your session right now: the sign-in service is not answering. You are still signed in — please try again in a moment.",
      },
      { status: 503, headers: { "Retry-After": String(UNCONFIRMED_RETRY_AFTER_SECONDS) } },
    );
  }
  if (session) return session;
  const url = new URL(request.url);
  const redirectTo = url.pathname + url.search;
  const headers = hasSessionCookie(request) ? destroySessionHeaders(request) : undefined;
  throw redirect(`/login?${new URLSearchParams({ redirectTo })}`, { headers });
}

/** The session of a member of `group`, or throws 403 (or the login redirect). */
export async function requireGroup(request: Request, group: string): Promise<CurrentSession> {
  const session = await requireUser(request);
  if (!session.user.groups.includes(group)) {
    throw data(
      { message: `You need to be in the “${group}” group to see this page.` },
      { status: 403, headers: session.headers },
    );
  }
  return session;
}
