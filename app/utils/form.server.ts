/**
 * Parse a form post with a schema. Bad input (not a form, repeated fields,
 * values that fail the schema) becomes field errors for a 400 answer — never
 * an exception — and never reaches Cognito.
 */
import type { z } from "zod";

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; formError?: string; fieldErrors: Partial<Record<string, string>> };

/** No form of ours comes near this; bigger bodies are refused unread. */
const MAX_BODY_BYTES = 16 * 1024;
// U+FFFD is what invalid UTF-8 decodes to; C0 controls other than tab/newline have no business in a field.
const INVALID_TEXT = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export async function parseForm<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<FormResult<z.infer<S>>> {
  const length = Number(request.headers.get("Content-Length") ?? 0);
  if (length > MAX_BODY_BYTES) {
    return { ok: false, formError: "The form was too large.", fieldErrors: {} };
  }
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
    if (value.length > MAX_BODY_BYTES || INVALID_TEXT.test(value)) {
      return { ok: false, formError: "The form contained characters that are not allowed.", fieldErrors: {} };
    }
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
