import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { logout } from "~/auth/auth.server";
import { requireSameOrigin } from "~/http/csrf.server";

export const meta: MetaFunction = () => [{ title: "Sign out · remix-cognito" }];

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  return logout(request);
}

/** GET shows a confirmation: signing out changes state, so it is a POST. */
export default function Logout() {
  return (
    <main>
      <div className="card auth-card">
        <h1>Sign out</h1>
        <p>Do you want to sign out?</p>
        <Form method="post">
          <button type="submit" className="button">
            Sign out
          </button>
        </Form>
      </div>
    </main>
  );
}
