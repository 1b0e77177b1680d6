/**
 * Forms: parse a post with a schema, and the field schemas the pages share.
 * Bad input (not a form, repeated fields, values that fail the schema)
 * becomes field errors for a 400 answer — never an exception — and never
 * reaches Cognito. The field schemas are the one place for limits (so garbage
 * never reaches Cognito) and messages; the password rules are the same ones
 * the browser shows.
 */
import { z } from "zod";
import { failedPasswordRules, PASSWORD_MAX_LENGTH, passwordPolicySummary } from "~/auth/password-policy";

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

export const emailField = z
  .string({ required_error: "Enter your email address." })
  .trim()
  .min(1, "Enter your email address.")
  .max(128, "That email address is too long.")
  .email("Enter a valid email address.");

export const codeField = z
  .string({ required_error: "Enter the 6-digit code." })
  .trim()
  .regex(/^\d{6}$/, "Enter the 6-digit code.");

export const newPasswordField = z
  .string({ required_error: "Choose a password." })
  .min(1, "Choose a password.")
  .max(PASSWORD_MAX_LENGTH, "That password is too long.")
  .superRefine((value, ctx) => {
    if (failedPasswordRules(value).length > 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `That password is too weak. ${passwordPolicySummary()}` });
    }
  });

export const newPasswordFields = {
  password: newPasswordField,
  confirm: z.string({ required_error: "Type the password again." }).max(PASSWORD_MAX_LENGTH),
};
