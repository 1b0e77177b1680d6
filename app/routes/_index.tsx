import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getAuthSession } from "~/auth/auth.server";
import { type LocalGuide, localGuide } from "~/dev/local-guide.server";
import { getEnv } from "~/env.server";

export const meta: MetaFunction = () => [{ title: "remix-cognito" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getAuthSession(request);
  // In development with the emulator only (null otherwise): how to try it out.
  const guide = localGuide(getEnv());
  const user = session
    ? {
        email: session.user.email,
        name: session.user.name,
        // Only the development guide shows these.
        groups: guide ? session.user.groups : [],
        flow: guide ? session.flow : null,
      }
    : null;
  return data({ user, guide }, { headers: session?.headers });
}

export default function Index() {
  const { user, guide } = useLoaderData<typeof loader>();
  return (
    <main className={guide ? "wide" : undefined}>
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
      {guide ? <LocalGuideSection guide={guide} user={user} /> : null}
    </main>
  );
}

const FLOW_NAMES = { hosted: "the Cognito Hosted UI", custom: "the app's sign-in form" } as const;

interface GuideUser {
  email?: string;
  name?: string;
  groups: string[];
  flow: "hosted" | "custom" | null;
}

/** Development only: the two ways in, the demo accounts, where codes appear. */
function LocalGuideSection({ guide, user }: { guide: LocalGuide; user: GuideUser | null }) {
  const { flow, authFlow } = guide;
  return (
    <section className="card local-guide" aria-labelledby="local-guide-title" data-testid="local-guide">
      <h2 id="local-guide-title">Try it locally</h2>
      <p className="muted">
        Shown in development with the local Cognito emulator only; production has just the card above.
      </p>

      {user ? (
        <p data-testid="who">
          You are signed in as <strong>{user.email}</strong>
          {user.name ? <> ({user.name})</> : null} through{" "}
          <strong data-testid="how">{user.flow ? FLOW_NAMES[user.flow] : "an unknown flow"}</strong>; your groups:{" "}
          {user.groups.length ? user.groups.join(", ") : "none"}. Sign out to try the other way in.
        </p>
      ) : (
        <div className="actions" data-testid="entry-points">
          {flow.hostedAvailable ? (
            <a className="button" href="/auth/hosted?redirectTo=%2Fdashboard">
              Sign in with the Cognito Hosted UI
            </a>
          ) : null}
          {flow.customAllowed ? (
            <Link className="button button-secondary" to="/login?flow=custom">
              Sign in with the app's form
            </Link>
          ) : null}
        </div>
      )}
      <p className="mode" data-testid="login-flow">
        <code>/login</code> uses {FLOW_NAMES[flow.flow]} ({flow.reason}).{" "}
        {flow.flow === "hosted" && flow.customAllowed ? (
          <>
            The form is always at <code>/login?flow=custom</code>; to make it the default, set{" "}
            <code>AUTH_FLOW=custom</code> in <code>.env</code>.
          </>
        ) : authFlow === "custom" ? (
          <>
            The Hosted UI is switched off; <code>AUTH_FLOW=auto</code> in <code>.env</code> brings it back.
          </>
        ) : authFlow === "hosted" ? (
          <>
            The app's form is switched off; <code>AUTH_FLOW=auto</code> in <code>.env</code> brings it back.
          </>
        ) : (
          <>
            Set <code>COGNITO_DOMAIN</code> in <code>.env</code> to the emulator's URL for the Hosted UI.
          </>
        )}
      </p>

      <h3>Demo accounts</h3>
      <ul className="accounts" data-testid="demo-accounts">
        {guide.accounts.map((account) => (
          <li key={account.email}>
            <p>
              <strong>{account.email}</strong> · password <code>{account.password}</code>
            </p>
            <p className="muted">groups: {account.groups.join(", ")}</p>
            <p>
              {account.demonstrates}
              {account.totpCommand ? (
                <>
                  {" "}
                  Get the current code with <code>{account.totpCommand}</code>.
                </>
              ) : null}
            </p>
          </li>
        ))}
      </ul>

      {guide.passwordless ? (
        <>
          <h3>Without a password: emailed codes and passkeys</h3>
          <ul className="accounts" data-testid="passwordless-accounts">
            {guide.passwordless.accounts.map((account) => (
              <li key={account.email}>
                <p>
                  <strong>{account.email}</strong> · no password
                </p>
                <p>{account.demonstrates}</p>
              </li>
            ))}
          </ul>
          <p data-testid="try-email-code">
            <strong>An emailed code:</strong> on <Link to="/login?flow=custom">the app's form</Link>, type the email and
            choose “Email me a code”. The code appears in the <code>npm run dev</code> console, in an “Email sign-in
            code” box.
          </p>
          <p data-testid="try-passkey">
            <strong>A passkey:</strong> once signed in, open <Link to="/account/passkeys">Account → Passkeys</Link> and
            choose “Add a passkey”; sign out, type the email on the form and choose “Sign in with a passkey”. Passkeys
            are bound to the host name: use <code>{guide.passwordless.passkeyHost}</code> in the address bar, as in{" "}
            <code>APP_URL</code>.
          </p>
        </>
      ) : null}

      {guide.providers ? (
        <>
          <h3>Continue with Google (a local stand-in)</h3>
          <p>
            {`The sign-in page offers ${guide.providers.names.join(" and ")}: a local OpenID provider started by `}
            <code>npm run dev</code> plays them. Sign in there as one of these people:
          </p>
          <ul className="accounts" data-testid="provider-people">
            {guide.providers.people.map((person) => (
              <li key={person.email}>
                <p>
                  <strong>{person.email}</strong> · password <code>{person.password}</code>
                </p>
                <p>{person.demonstrates}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h3>Sign-up and confirmation codes</h3>
      <p>
        Create your own account from either sign-in page. No email is sent: confirmation codes (sign-up, forgotten
        password, email change) appear in the <code>npm run dev</code> console, on lines starting with{" "}
        <code>[cognito-local]</code>.
      </p>

      <h3>A real user pool</h3>
      <p>
        Moving to Amazon Cognito is an <code>.env</code> change:{" "}
        <a href={guide.realUserPoolHref}>Switching to a real user pool</a> (README).
      </p>
    </section>
  );
}
