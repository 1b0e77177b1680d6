import { useState } from "react";

/**
 * The button that starts a passkey ceremony (./passkey-ceremony.ts): its
 * waiting label while the device asks, and what went wrong under it. On
 * success the ceremony navigates away, so the button stays busy.
 */
export function PasskeyButton({
  label,
  busyLabel,
  buttonClassName,
  className,
  check,
  run,
}: {
  label: string;
  busyLabel: string;
  buttonClassName: string;
  /** The wrapper's class. */
  className?: string;
  /** A reason not to start yet (shown as the error), or null. */
  check?: () => string | null;
  /** The ceremony: throws an Error whose message is for the person. */
  run: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setError(null);
    const problem = check?.() ?? null;
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      await run();
    } catch (e) {
      setBusy(false);
      setError((e as Error).message);
    }
  }

  return (
    <div className={className}>
      <button type="button" className={buttonClassName} onClick={start} disabled={busy}>
        {busy ? busyLabel : label}
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
