/**
 * The answer an action gives a form, and the one way a page reads it. Shared
 * by the server (form.server.ts builds it) and the browser (useFormReply).
 * See docs/decisions/006-form-replies.md.
 */
import { useActionData } from "@remix-run/react";

export type FieldErrors = Partial<Record<string, string>>;
export type FormValues = Partial<Record<string, string>>;

export interface FormReply<Extra = undefined> {
  /** A message about the form as a whole (outage, wrong credentials, a refused request…). */
  formError: string | null;
  /** A message per field, by field name. */
  fieldErrors: FieldErrors;
  /** What was submitted, to fill the form in again: never passwords, codes or secrets. */
  values: FormValues;
  /** A success message (e.g. "We sent a new code"), for an action that answers without redirecting. */
  notice: string | null;
  /** Page-specific data (e.g. the TOTP enrolment being shown). */
  extra: Extra | null;
}

/** The summary's words when only fields are wrong. */
export const CHECK_THE_FORM = "Please check the form below.";

/** What a field reads from a reply: its error and what was typed into it, by the field's name. */
export interface FieldReply {
  fieldErrors: FieldErrors;
  values: FormValues;
}

export interface FormReplyView<Extra> extends FormReply<Extra> {
  /** True when the page shows the answer to a submission. */
  submitted: boolean;
  /** For the error summary at the top of the page (FormError), or null. */
  summary: string | null;
  /** On a page with several forms: the errors and values of the one whose `intent` was submitted. */
  forIntent(intent: string): FieldReply;
}

/** The reply to this page's last submission (empty before any). */
export function useFormReply<Extra = undefined>(): FormReplyView<Extra> {
  const reply = useActionData() as FormReply<Extra> | undefined;
  const fieldErrors = reply?.fieldErrors ?? {};
  const values = reply?.values ?? {};
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  return {
    submitted: reply !== undefined,
    formError: reply?.formError ?? null,
    fieldErrors,
    values,
    notice: reply?.notice ?? null,
    extra: reply?.extra ?? null,
    summary: reply?.formError ?? (hasFieldErrors ? CHECK_THE_FORM : null),
    forIntent: (intent) => (values.intent === intent ? { fieldErrors, values } : { fieldErrors: {}, values: {} }),
  };
}
