import { getHealth } from "~/http/health.server";

/** JSON: the app is up, and whether Cognito and its JWKS are reachable. */
export async function loader() {
  const health = await getHealth();
  // Never cached: the server answers everything the app renders with no-store.
  return Response.json(health, { status: 200 });
}
