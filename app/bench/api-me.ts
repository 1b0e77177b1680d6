/**
 * Bench-only: `GET /api/v1/me`'s answer with the bearer check bypassed, so `npm
 * run bench` can compare the API's auth against the same JSON without it. Only
 * in a build made with BENCH_ROUTES=1 (remix.config.js), and 404 unless the
 * server runs with BENCH_ROUTES=1 too. Answers for a fixed sample caller.
 */
import { describeCaller } from "~/api/caller.server";
import type { ApiToken } from "~/auth/auth.server";
import { getEnv } from "~/env.server";
import { apiData, apiError } from "~/http/api-reply.server";

/** Shaped like the demo user's token from the emulator. */
const SAMPLE: ApiToken = {
  kind: "user",
  subject: "3f1c2b7e-6d4a-4e0b-9a51-2c8d7e6f5a40",
  clientId: "1example23456789abcdefghij",
  username: "3f1c2b7e-6d4a-4e0b-9a51-2c8d7e6f5a40",
  groups: ["users"],
  scopes: ["aws.cognito.signin.user.admin"],
  expiresAt: 1_767_229_200,
  authTime: 1_767_225_600,
};

export async function loader() {
  if (!getEnv().benchRoutes) return apiError(404, "not_found", "Not found");
  return apiData(describeCaller(SAMPLE));
}
