import type { FieldReply } from "~/forms/reply";
import { Field } from "./field";

/** A 6-digit one-time code: numeric keypad on phones, autofill from SMS/app. */
export function CodeField({
  reply,
  autoFocus,
  label = "Code",
}: {
  reply?: FieldReply;
  autoFocus?: boolean;
  label?: string;
}) {
  return (
    <Field
      name="code"
      label={label}
      type="text"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]{6}"
      maxLength={6}
      required
      autoFocus={autoFocus}
      reply={reply}
    />
  );
}
