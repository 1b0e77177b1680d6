/**
 * Parse a form post with a schema. Bad input (not a form, repeated fields,
 * values that fail the schema) becomes field errors for a 400 answer — never
 * an exception — and never reaches Cognito.
 */
import type { z } from "zod";

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; formError?: string; fieldErrors: Partial<Record<string, string>> };

export async function parseForm<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<FormResult<z.infer<S>>> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    return { ok: false, formError: "Please submit the form.", fieldErrors: {} };
  }
  let form: FormData;
  try {
    // Clone: a strategy may read the body again after validation.
    form = await request.clone().formData();
  } catch {
    return { ok: false, formError: "The form could not be read. Please try again.", fieldErrors: {} };
  }
  const values: Record<string, string> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    if (all.length > 1) return { ok: false, formError: "The form was sent with a repeated field.", fieldErrors: {} };
    const value = all[0];
    if (typeof value !== "string") return { ok: false, formError: "Files are not accepted here.", fieldErrors: {} };
    values[key] = value;
  }
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}
