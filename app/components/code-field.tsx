import { Form } from "@remix-run/react";
import type { FieldReply } from "~/forms/reply";
import { Field } from "./field";
import { SubmitButton } from "./submit-button";

/**
 * A one-time code of 6 digits (up to `maxDigits`: Cognito's emailed sign-in codes can have 8):
 * numeric keypad on phones, autofill from SMS/app.
 */
export function CodeField({
  reply,
  autoFocus,
  label = "Code",
  maxDigits = 6,
}: {
  reply?: FieldReply;
  autoFocus?: boolean;
  label?: string;
  maxDigits?: 6 | 8;
}) {
  return (
    <Field
      name="code"
      label={label}
      type="text"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern={maxDigits === 6 ? "[0-9]{6}" : `[0-9]{6,${maxDigits}}`}
      maxLength={maxDigits}
      required
      autoFocus={autoFocus}
      reply={reply}
    />
  );
}

/** "Send a new code": its own small form posting `intent=resend` to the page's action. */
export function ResendCodeForm() {
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="resend" />
      <SubmitButton className="button button-secondary" pendingLabel="Sending…">
        Send a new code
      </SubmitButton>
    </Form>
  );
}
