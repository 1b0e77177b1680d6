import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  destroySessionHeaders,
  endAllSessions,
  endListedSession,
  getCognitoServices,
  isSessionId,
  type ListedSession,
  listSessions,
  RegistryUnavailableError,
  requireUser,
  signedOutRedirect,
} from "~/auth/auth.server";
import { AccountForm } from "~/components/account-form";
import { FormError } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import type { AccountPage } from "./account";

export const handle: AccountPage = { heading: "Where you're signed in" };
export { meta } from "./account";

/** Personal data: not for shared caches or the back-forward cache of a shared computer. */
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  try {
    const sessions = await listSessions(session.stored, session.user.sub, request);
    return data({ sessions: sessions.map(present), unavailable: null }, { headers: session.headers });
  } catch (error) {
    if (!(error instanceof RegistryUnavailableError)) throw error;
    return data({ sessions: [], unavailable: error.message }, { headers: session.headers, status: 503 });
  }
}

const SessionsForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("end"), sid: z.string().refine(isSessionId, "Unknown session.") }),
  z.object({ intent: z.literal("end-others") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  const submission = await parseForm(request, SessionsForm, { headers: session.headers });
  if (!submission.ok) return submission.reply();
  const form = submission.data;
  const userId = session.user.sub;

  if (form.intent === "end") {
    let outcome: Awaited<ReturnType<typeof endListedSession>>;
    try {
      outcome = await endListedSession(session.stored, userId, form.sid);
    } catch (error) {
      if (error instanceof RegistryUnavailableError) return submission.reply({ formError: error.message, status: 503 });
      throw error;
    }
    if (outcome === "current") return submission.reply({ formError: "To end this session, sign out." });
    if (outcome === "unknown") {
      return submission.reply({ formError: "That session is not in your list (it may have ended already)." });
    }
    throw redirect("/account/sessions?notice=ended", { headers: session.headers });
  }

  // Everywhere: Cognito first (every refresh token of the account, so no device can refresh),
  // then every session the app knows of — a cut-off that also refuses any later Hosted UI sign-in
  // out of a Cognito session from before it (GlobalSignOut leaves those alive). This browser
  // signs out too, through the Hosted UI's /logout where there is one.
  return submission.attempt(async () => {
    await getCognitoServices().account.globalSignOut(session.tokens.accessToken);
    await endAllSessions(userId);
    const params = new URLSearchParams({ redirectTo: "/account/sessions", notice: "signed-out-everywhere" });
    throw signedOutRedirect(`/login?${params}`, destroySessionHeaders(request));
  });
}

const METHODS: Record<string, string> = { hosted: "Cognito Hosted UI", custom: "this site's sign-in form" };

/** What the page shows of a session: labels and times, no more than the page needs. */
function present(s: ListedSession) {
  return {
    sid: s.sid,
    current: s.current,
    device: `${s.device.browser} on ${s.device.os}`,
    type: s.device.type === "unknown" ? null : s.device.type,
    network: s.ip || null,
    method: METHODS[s.method] ?? s.method,
    signedInAt: new Date(s.signedInAt).toISOString(),
    lastSeenAt: new Date(s.lastSeenAt).toISOString(),
  };
}

/** Times in UTC, written the same on the server and in the browser (no hydration mismatch). */
function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{`${iso.slice(0, 16).replace("T", " ")} UTC`}</time>;
}

export default function AccountSessions() {
  const { sessions, unavailable } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  const others = sessions.filter((s) => !s.current).length;
  return (
    <>
      <FormError message={reply.summary ?? unavailable} />
      <ul className="session-list" aria-label="Your sessions">
        {sessions.map((s) => (
          <li key={s.sid} className="session" data-testid={s.current ? "session-current" : "session"}>
            <p>
              <strong>{s.device}</strong>
              {s.type ? ` (${s.type})` : null}
              {s.current ? <span className="badge">This device</span> : null}
            </p>
            <dl className="facts">
              <dt>Signed in</dt>
              <dd>
                <When iso={s.signedInAt} /> with {s.method}
              </dd>
              <dt>Last seen</dt>
              <dd>
                <When iso={s.lastSeenAt} />
              </dd>
              <dt>Network</dt>
              <dd>{s.network ?? "unknown"}</dd>
            </dl>
            {s.current ? null : (
              <AccountForm>
                <input type="hidden" name="sid" value={s.sid} />
                <SubmitButton name="intent" value="end" pendingLabel="Signing out…" className="button button-secondary">
                  Sign out this session
                  <span className="visually-hidden">
                    {` (${s.device}, last seen ${s.lastSeenAt.slice(0, 16).replace("T", " ")} UTC)`}
                  </span>
                </SubmitButton>
              </AccountForm>
            )}
          </li>
        ))}
      </ul>
      {unavailable ? null : (
        <section aria-labelledby="everywhere-heading">
          <h2 id="everywhere-heading">Sign out everywhere else</h2>
          <p>
            Ends {others === 1 ? "your other session" : `all ${others} other sessions`} at once, and asks Cognito to end
            every sign-in of your account, so no device can renew its access. Cognito ends this device's sign-in too:
            you will sign in again here straight away.
          </p>
          <AccountForm>
            <SubmitButton name="intent" value="end-others" pendingLabel="Signing out…" className="button">
              Sign out everywhere else
            </SubmitButton>
          </AccountForm>
        </section>
      )}
    </>
  );
}
