import { useEffect, useRef } from "react";

/**
 * The error summary of a form. After a failed submit focus moves here, so
 * keyboard and screen-reader users hear what went wrong first.
 */
export function FormError({ message }: { message?: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <div ref={ref} role="alert" tabIndex={-1} className="banner banner-error" id="form-error">
      {message}
    </div>
  );
}

export function FormSuccess({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="status" className="banner banner-success">
      {message}
    </div>
  );
}
