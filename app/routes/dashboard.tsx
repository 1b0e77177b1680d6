import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { apiCallingGuide, REFRESH_SKEW_SECONDS, requireUser, sessionTokenClaims } from "~/auth/auth.server";
import { DashboardView } from "~/components/dashboard-view";
import { getEnv } from "~/env.server";

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
      refreshSkewSeconds: REFRESH_SKEW_SECONDS,
      // Development only: what is inside the tokens (claims, never the tokens).
      claims: getEnv().isProduction ? null : sessionTokenClaims(session),
      // How to call the API with a token of one's own (never this session's).
      api: apiCallingGuide(),
    },
    { headers: session.headers },
  );
}

export default function Dashboard() {
  return <DashboardView {...useLoaderData<typeof loader>()} />;
}
