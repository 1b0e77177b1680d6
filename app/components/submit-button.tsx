import { useNavigation } from "@remix-run/react";

/** A submit button that disables itself and says so while its form is being sent. */
export function SubmitButton({
  children,
  pendingLabel,
  name,
  value,
  className = "button",
}: {
  children: React.ReactNode;
  pendingLabel: string;
  name?: string;
  value?: string;
  className?: string;
}) {
  const navigation = useNavigation();
  const pending = navigation.state === "submitting" && (name === undefined || navigation.formData?.get(name) === value);
  return (
    <button type="submit" className={className} name={name} value={value} disabled={navigation.state === "submitting"}>
      {pending ? pendingLabel : children}
    </button>
  );
}
