/**
 * Forms on the server: parse a post with a schema into a Submission, and
 * answer it (Submission.reply / Submission.attempt) in the one reply shape
 * pages read with useFormReply (reply.ts). The field schemas are in
 * fields.ts.
 *
 * Bad input (not a form, repeated fields, values that fail the schema)
 * becomes a 400 reply — never an exception — and never reaches Cognito.
 * See docs/decisions/006-form-replies.md.
 */
import { data } from "@remix-run/node";
import type { z } from "zod";
import { CognitoAuthError, describeCognitoError } from "~/cognito/errors.server";
import type { FieldErrors, FormReply, FormValues } from "./reply";

/** No form of ours comes near this; bigger bodies are refused unread. */
const MAX_BODY_BYTES = 16 * 1024;
// U+FFFD is what invalid UTF-8 decodes to; C0 controls other than tab/newline have no business in a field.
const INVALID_TEXT = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Never kept, not even for the action: passwords (`password`, `confirm`,
 * `current`, `stepUpPassword`…). By name, so a new password field is covered
 * without being listed.
 */
const PASSWORD_FIELD = /password|^confirm$|^current$/i;
/** Kept for the action, never sent back to the page: one-time codes and the TOTP secret (`code`, `stepUpCode`, `secret`…). */
const SERVER_ONLY_FIELD = /code|secret|otp|token/i;
/**
 * Fields the page sets (buttons, hidden inputs), not the person: their errors
 * are about the form as a whole, which has no input to show them next to.
 */
const PAGE_SET_FIELDS = new Set(["intent", "sid", "redirectTo", "secret", "delete"]);
const USE_THE_BUTTONS = "Please use the buttons on this page.";

/** What a form action returns. */
export type Reply<Extra = undefined> = ReturnType<typeof data<FormReply<Extra>>>;

export interface ReplyOptions<Extra = undefined> {
  /** Default: 400 when the submission failed to parse or carries errors, else 200. */
  status?: number;
  formError?: string | null;
  fieldErrors?: FieldErrors;
  notice?: string | null;
  extra?: Extra;
  /** Headers for this reply only (e.g. a re-saved challenge cookie), after the ones given to parseForm. */
  headers?: HeadersInit;
}

interface SubmissionMethods {
  /** What was submitted (text fields), also when it failed to parse — never passwords. */
  values: FormValues;
  /** The reply to this submission: its parse errors (if any) plus `options`, with the values typed. */
  reply<Extra = undefined>(options?: ReplyOptions<Extra>): Reply<Extra>;
  /**
   * Runs `act` (which redirects or replies on success); a Cognito error it
   * throws becomes this form's reply: the field, message and status from
   * describeCognitoError, plus `options`. Anything else is rethrown.
   */
  attempt<R, Extra = undefined>(act: () => Promise<R>, options?: ReplyOptions<Extra>): Promise<R | Reply<Extra>>;
}

export type Submission<T> = SubmissionMethods &
  ({ ok: true; data: T } | { ok: false; formError: string | null; fieldErrors: FieldErrors });

export interface ParseFormOptions {
  /** Headers every reply carries (e.g. a signed-in session's refreshed cookie). */
  headers?: HeadersInit;
}

/** Reads the body once and checks it against `schema`. */
export async function parseForm<S extends z.ZodTypeAny>(
  request: Request,
  schema: S,
  options: ParseFormOptions = {},
): Promise<Submission<z.infer<S>>> {
  const read = await readForm(request);
  if ("formError" in read) return submission({ ok: false, formError: read.formError, fieldErrors: {} }, {}, options);
  const values: FormValues = {};
  for (const [key, value] of Object.entries(read.fields)) if (!PASSWORD_FIELD.test(key)) values[key] = value;

  const result = schema.safeParse(read.fields);
  if (result.success) return submission({ ok: true, data: result.data }, values, options);
  let formError: string | null = null;
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "");
    if (field === "intent") formError ??= USE_THE_BUTTONS;
    else if (field === "" || PAGE_SET_FIELDS.has(field)) formError ??= issue.message;
    else fieldErrors[field] ??= issue.message;
  }
  return submission({ ok: false, formError, fieldErrors }, values, options);
}

/** The text fields of a form post, or why it is refused. */
async function readForm(request: Request): Promise<{ fields: Record<string, string> } | { formError: string }> {
  const length = Number(request.headers.get("Content-Length") ?? 0);
  if (length > MAX_BODY_BYTES) return { formError: "The form was too large." };
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    return { formError: "Please submit the form." };
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { formError: "The form could not be read. Please try again." };
  }
  const fields: Record<string, string> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    if (all.length > 1) return { formError: "The form was sent with a repeated field." };
    const value = all[0];
    if (typeof value !== "string") return { formError: "Files are not accepted here." };
    if (value.length > MAX_BODY_BYTES || INVALID_TEXT.test(value)) {
      return { formError: "The form contained characters that are not allowed." };
    }
    fields[key] = value;
  }
  return { fields };
}

function submission<T>(
  parsed: { ok: true; data: T } | { ok: false; formError: string | null; fieldErrors: FieldErrors },
  values: FormValues,
  { headers }: ParseFormOptions,
): Submission<T> {
  const parseErrors = parsed.ok ? { formError: null, fieldErrors: {} } : parsed;
  const shown: FormValues = {};
  for (const [key, value] of Object.entries(values)) if (!SERVER_ONLY_FIELD.test(key)) shown[key] = value;

  function reply<Extra = undefined>(options: ReplyOptions<Extra> = {}): Reply<Extra> {
    const formError = options.formError ?? parseErrors.formError;
    const fieldErrors = { ...parseErrors.fieldErrors, ...options.fieldErrors };
    const failed = !parsed.ok || formError !== null || Object.keys(fieldErrors).length > 0;
    const body: FormReply<Extra> = {
      formError,
      fieldErrors,
      values: shown,
      notice: options.notice ?? null,
      extra: options.extra ?? null,
    };
    const all = new Headers(headers);
    for (const [name, value] of new Headers(options.headers)) all.append(name, value);
    return data(body, { status: options.status ?? (failed ? 400 : 200), headers: all });
  }

  return {
    ...parsed,
    values,
    reply,
    async attempt(act, options = {}) {
      try {
        return await act();
      } catch (error) {
        if (!(error instanceof CognitoAuthError)) throw error;
        const { field, message, status } = describeCognitoError(error);
        return reply({
          ...options,
          status,
          ...(field ? { fieldErrors: { ...options.fieldErrors, [field]: message } } : { formError: message }),
        });
      }
    },
  };
}
