import { getHealth } from "~/http/health.server";

/** JSON: the app is up, and whether Cognito and its JWKS are reachable. */
export async function loader() {
  const health = await getHealth();
  return Response.json(health, { status: 200, headers: { "Cache-Control": "no-store" } });
}
