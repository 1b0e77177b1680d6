/**
 * Guards for loaders and actions: they return the session or throw the
 * response that ends the request (a redirect to sign in, a 403 page).
 */
import { data, redirect } from "@remix-run/node";
import { type CurrentSession, getAuthSession } from "./current-session.server";
import { destroySessionHeaders, hasSessionCookie } from "./stored-session.server";

/** The session, or throws a redirect to the login page (clearing a dead cookie). */
export async function requireUser(request: Request): Promise<CurrentSession> {
  const session = await getAuthSession(request);
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
