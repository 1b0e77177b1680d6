import { getHealth } from "~/http/health.server";
import { jsonReply } from "~/http/json-reply.server";

/** JSON: the app is up, and whether Cognito and its JWKS are reachable. */
export async function loader() {
  const health = await getHealth();
  // Never cached: the server answers everything the app renders with no-store.
  return jsonReply(health);
}
