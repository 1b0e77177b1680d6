import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/auth.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · remix-cognito" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  return data(
    {
      user: session.user,
      flow: session.flow,
      accessTokenExpiresAt: session.accessTokenExpiresAt,
      idTokenExpiresAt: session.idTokenExpiresAt,
      signedInAt: session.signedInAt,
    },
    { headers: session.headers },
  );
}

const time = (seconds: number) => new Date(seconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

export default function Dashboard() {
  const { user, flow, accessTokenExpiresAt, idTokenExpiresAt, signedInAt } = useLoaderData<typeof loader>();
  return (
    <main>
      <div className="card">
        <h1>Dashboard</h1>
        <p>
          Signed in as <strong data-testid="email">{user.email}</strong>
          {user.name ? <> ({user.name})</> : null}.
        </p>
        <dl className="facts">
          <dt>User ID (sub)</dt>
          <dd data-testid="sub">{user.sub}</dd>
          <dt>Groups</dt>
          <dd data-testid="groups">{user.groups.length ? user.groups.join(", ") : "none"}</dd>
          <dt>Signed in with</dt>
          <dd data-testid="flow">{flow === "hosted" ? "Cognito Hosted UI" : "the app's sign-in form"}</dd>
          <dt>Signed in at</dt>
          <dd>{time(signedInAt)}</dd>
          <dt>Access token expires</dt>
          <dd data-testid="access-exp">{time(accessTokenExpiresAt)}</dd>
          <dt>ID token expires</dt>
          <dd data-testid="id-exp">{time(idTokenExpiresAt)}</dd>
        </dl>
      </div>
    </main>
  );
}
