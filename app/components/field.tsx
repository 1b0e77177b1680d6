/**
 * A labelled input with its error wired for assistive technology:
 * `aria-invalid` and `aria-describedby` point at the hint and the message.
 * Given the form's reply (useFormReply), it shows the error for its name and
 * what was typed into it. Password fields get a show/hide toggle once
 * JavaScript runs (without it there is nothing to toggle, so no button is
 * rendered).
 */
import { type InputHTMLAttributes, useEffect, useState } from "react";
import type { FieldReply } from "~/forms/reply";

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name"> {
  name: string;
  label: string;
  /** The form's reply: the field's error and submitted value come from it. */
  reply?: FieldReply;
  error?: string;
  hint?: string;
}

export function Field({ name, label, reply, hint, type, ...rest }: FieldProps) {
  const { error = reply?.fieldErrors[name], defaultValue, ...input } = rest;
  const describedBy = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(" ");
  const [hydrated, setHydrated] = useState(false);
  const [revealed, setRevealed] = useState(false);
  useEffect(() => setHydrated(true), []);
  const isPassword = type === "password";
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {hint ? (
        <p className="field-hint" id={`${name}-hint`}>
          {hint}
        </p>
      ) : null}
      <div className={isPassword ? "input-with-toggle" : undefined}>
        <input
          id={name}
          name={name}
          type={isPassword && revealed ? "text" : type}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          defaultValue={reply?.values[name] ?? defaultValue}
          {...input}
        />
        {isPassword && hydrated ? (
          <button
            type="button"
            className="toggle"
            aria-controls={name}
            aria-pressed={revealed}
            onClick={() => setRevealed((r) => !r)}
          >
            {revealed ? "Hide" : "Show"}
            <span className="visually-hidden"> {label.toLowerCase()}</span>
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="field-error" id={`${name}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
