import { useState } from "react";
import { PASSWORD_MAX_LENGTH, PASSWORD_RULES, passwordPolicySummary } from "~/auth/password-policy";
import type { FieldReply } from "~/forms/reply";
import { Field } from "./field";

/**
 * New password + confirmation, with the policy spelled out and checked as
 * the person types (the server and Cognito still decide).
 */
export function NewPasswordFields({ reply, label = "New password" }: { reply: FieldReply; label?: string }) {
  const [value, setValue] = useState("");
  return (
    <>
      <Field
        name="password"
        label={label}
        type="password"
        autoComplete="new-password"
        required
        maxLength={PASSWORD_MAX_LENGTH}
        hint={passwordPolicySummary()}
        reply={reply}
        onChange={(e) => setValue(e.currentTarget.value)}
      />
      <ul className="policy" aria-label="Password requirements">
        {PASSWORD_RULES.map((rule) => {
          const met = rule.test(value);
          return (
            <li key={rule.id} data-met={met}>
              <span aria-hidden="true">{met ? "✓" : "•"}</span> {rule.label}
              <span className="visually-hidden">{met ? " (done)" : ""}</span>
            </li>
          );
        })}
      </ul>
      <Field
        name="confirm"
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        required
        maxLength={PASSWORD_MAX_LENGTH}
        reply={reply}
      />
    </>
  );
}
