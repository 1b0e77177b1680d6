/**
 * The "confirm it's you" part of a form for a sensitive change (see
 * app/auth/step-up.server.ts): nothing after a recent sign-in; otherwise the
 * password, plus a code when the account has an authenticator app, and, where
 * accounts can have no password (choice-based sign-in), a link to sign in again
 * and come back to this page — or, where the password cannot be checked here
 * (Hosted UI only), only that link (the Hosted UI then asks for the password); for an account
 * that signs in through an identity provider, a link to sign in there again.
 */
import { Link, useLocation } from "@remix-run/react";
import type { FieldReply } from "~/forms/reply";
import { Field } from "./field";

export interface StepUpFieldsProps {
  prompt: { required: boolean; password: boolean; code: boolean; signInAgain: boolean; provider?: string };
  /** The form's reply: the step-up fields' errors come from it. */
  reply?: FieldReply;
}

export function StepUpFields({ prompt, reply }: StepUpFieldsProps) {
  const { pathname } = useLocation();
  if (!prompt.required) return null;
  if (prompt.provider) {
    // A federated account: a fresh sign-in at its provider (the provider asks again: prompt=login).
    const again = `/auth/hosted?${new URLSearchParams({ provider: prompt.provider, prompt: "login", redirectTo: pathname })}`;
    return (
      <p className="muted" data-testid="step-up-provider">
        You signed in more than 10 minutes ago. For your security,{" "}
        <a href={again}>sign in again with {prompt.provider}</a> to make this change.
      </p>
    );
  }
  // Back to this page afterwards: a fresh sign-in passes step-up on its own.
  const signInAgain = `/login?${new URLSearchParams({ reauth: "1", redirectTo: pathname })}`;
  if (!prompt.password) {
    return (
      <p className="muted" data-testid="step-up-sign-in-again">
        You signed in more than 10 minutes ago. For your security, <Link to={signInAgain}>sign in again</Link> to make
        this change.
      </p>
    );
  }
  return (
    <fieldset className="step-up" data-testid="step-up">
      <legend>Confirm it’s you</legend>
      <p className="field-hint">You signed in more than 10 minutes ago, so this change needs your password again.</p>
      <Field
        name="stepUpPassword"
        label="Your password"
        type="password"
        autoComplete="current-password"
        required
        maxLength={256}
        reply={reply}
      />
      {prompt.code ? (
        <Field
          name="stepUpCode"
          label="Code from your authenticator app"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          required
          reply={reply}
        />
      ) : null}
      {prompt.signInAgain ? (
        <p className="field-hint">
          No password on this account? <Link to={signInAgain}>Sign in again</Link> instead.
        </p>
      ) : null}
    </fieldset>
  );
}
