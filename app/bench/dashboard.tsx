/**
 * Bench-only: the dashboard page with the auth check bypassed, so `npm run
 * bench` can compare `/dashboard` against the same markup without auth.
 * Only in a build made with BENCH_ROUTES=1 (remix.config.js), and there it
 * answers 404 unless the server runs with BENCH_ROUTES=1 too (never in a real
 * deployment). Renders fixed sample data.
 */
import type { MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DashboardView, type DashboardViewProps } from "~/components/dashboard-view";
import { getEnv } from "~/env.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · remix-cognito" }];

const SIGNED_IN_AT = 1_767_225_600; // 2026-01-01 00:00:00 UTC

/** Shaped like the demo user's session on the emulator (whose ID token carries no `name`). */
const SAMPLE: DashboardViewProps & { user: { username: string; emailVerified: boolean } } = {
  user: {
    sub: "3f1c2b7e-6d4a-4e0b-9a51-2c8d7e6f5a40",
    username: "3f1c2b7e-6d4a-4e0b-9a51-2c8d7e6f5a40",
    email: "demo@example.com",
    emailVerified: true,
    groups: ["users"],
  },
  flow: "custom",
  accessTokenExpiresAt: SIGNED_IN_AT + 3600,
  idTokenExpiresAt: SIGNED_IN_AT + 3600,
  signedInAt: SIGNED_IN_AT,
  refreshSkewSeconds: 60,
  claims: null,
  api: {
    meUrl: "http://localhost:3000/api/v1/me",
    cognitoEndpoint: "http://localhost:9229",
    clientId: "1example23456789abcdefghij",
    passwordSignIn: true,
  },
};

export async function loader() {
  if (!getEnv().benchRoutes) throw data({ message: "Not found" }, { status: 404 });
  // Same response shape as /dashboard's loader (data() with headers), minus the session.
  return data(SAMPLE, { headers: new Headers() });
}

export default function BenchDashboard() {
  return <DashboardView {...useLoaderData<typeof loader>()} />;
}
