import type { FieldReply } from "~/forms/reply";
import { Field } from "./field";

/** An email address: as a sign-in name (`autoComplete="username"`) or as the address itself. */
export function EmailField({
  name,
  label = "Email",
  autoComplete,
  defaultValue,
  reply,
}: {
  name: string;
  label?: string;
  autoComplete: "username" | "email" | "off";
  defaultValue?: string;
  reply?: FieldReply;
}) {
  return (
    <Field
      name={name}
      label={label}
      type="email"
      autoComplete={autoComplete}
      required
      maxLength={128}
      defaultValue={defaultValue}
      reply={reply}
    />
  );
}
