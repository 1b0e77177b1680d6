import { Form, type FormProps, useFormAction } from "@remix-run/react";

/**
 * A form on an account page: posts to this page like any `<Form method="post">`,
 * minus the `?notice=` a previous change left in the address, so that banner
 * (shown by the account layout) does not come back with this form's answer.
 */
export function AccountForm(props: Omit<FormProps, "method" | "action">) {
  return <Form method="post" action={withoutNotice(useFormAction())} {...props} />;
}

/** "/account?index&notice=x" → "/account?index": the other parameters are kept as they are. */
export function withoutNotice(action: string): string {
  const [path, query = ""] = action.split("?", 2);
  const kept = query.split("&").filter((pair) => pair !== "" && !pair.startsWith("notice="));
  return kept.length > 0 ? `${path}?${kept.join("&")}` : path!;
}
