/** Any other path under /api: JSON, as the API answers everything, rather than the app's HTML 404 page. */
import { apiError } from "~/http/api-reply.server";

const notFound = () => apiError(404, "not_found", "There is no such API endpoint (see /api/v1/me, /api/v1/users).");

export const loader = notFound;
export const action = notFound;
