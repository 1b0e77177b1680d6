import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { endAllSessions, getCognitoServices, requireGroup } from "~/auth/auth.server";
import { EmailField } from "~/components/email-field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { emailField } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";

export const meta: MetaFunction = () => [{ title: "Admin · remix-cognito" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireGroup(request, "admins");
  return data({ email: session.user.email, groups: session.user.groups }, { headers: session.headers });
}

const EndSessionsForm = z.object({ email: emailField });

/**
 * Ends every session of a user in the app (a cut-off: their cookies are refused, and so is any
 * later Hosted UI sign-in out of a Cognito session from before it) and their tokens at Cognito
 * (AdminUserGlobalSignOut). It cannot end Cognito's own Hosted UI session in their browser — AWS
 * leaves that cookie alone — which is why the app refuses what that session signs in with.
 */
export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireGroup(request, "admins");
  const submission = await parseForm(request, EndSessionsForm, { headers: session.headers });
  if (!submission.ok) return submission.reply();
  const { email } = submission.data;
  const { admin } = getCognitoServices();
  return submission.attempt(async () => {
    const user = await admin.getUser(email);
    await admin.globalSignOut(user.username);
    await endAllSessions(user.sub);
    console.info(`[auth] admin sub:${session.user.sub} ended every session of sub:${user.sub}`);
    return submission.reply({
      notice: `Every session of ${email} in this app has ended and Cognito has revoked their refresh tokens. To sign in again they must enter their password (or another sign-in factor).`,
    });
  });
}

export default function Admin() {
  const { email, groups } = useLoaderData<typeof loader>();
  const reply = useFormReply();
  return (
    <main>
      <div className="card">
        <h1>Admin</h1>
        <p>
          Only members of the <code>admins</code> group see this page. You are {email}, in {groups.join(", ")}.
        </p>
        <h2>End a user's sessions</h2>
        <p>
          Signs the user out of this app on every device: the app refuses their session cookies from now on, Cognito
          revokes their refresh tokens (AdminUserGlobalSignOut), and a sign-in through the Cognito Hosted UI out of a
          session from before now is refused too, so they must authenticate again. Cognito keeps its own Hosted UI
          cookie in their browser until it expires (up to an hour); it no longer signs them in here.
        </p>
        <FormSuccess message={reply.notice} />
        <FormError message={reply.summary} />
        <Form method="post" noValidate>
          <EmailField name="email" label="User's email" autoComplete="off" reply={reply} />
          <SubmitButton pendingLabel="Ending sessions…">End all sessions</SubmitButton>
        </Form>
      </div>
    </main>
  );
}
