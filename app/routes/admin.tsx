import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireGroup } from "~/auth/auth.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { endAllSessions } from "~/auth/session-tracking.server";
import { CognitoAuthError, InvalidCredentialsError } from "~/cognito/errors.server";
import { Field } from "~/components/field";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { emailField, parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";

export const meta: MetaFunction = () => [{ title: "Admin · remix-cognito" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireGroup(request, "admins");
  return data({ email: session.user.email, groups: session.user.groups }, { headers: session.headers });
}

const EndSessionsForm = z.object({ email: emailField });

/** Ends every session of a user: at Cognito (AdminUserGlobalSignOut) and in the app (revocation). */
export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireGroup(request, "admins");
  const reply = (
    body: { error?: string; fieldErrors?: Partial<Record<string, string>>; done?: string },
    status = 200,
  ) => data({ error: null, fieldErrors: {}, done: null, ...body }, { status, headers: session.headers });
  const parsed = await parseForm(request, EndSessionsForm);
  if (!parsed.ok) return reply({ error: parsed.formError, fieldErrors: parsed.fieldErrors }, 400);
  const { email } = parsed.data;
  const { admin } = getCognitoServices();
  try {
    const user = await admin.getUser(email);
    await admin.globalSignOut(user.username);
    await endAllSessions(user.sub);
    console.info(`[auth] admin sub:${session.user.sub} ended every session of sub:${user.sub}`);
    return reply({ done: `Every session of ${email} has ended, here and at Cognito.` });
  } catch (error) {
    if (error instanceof InvalidCredentialsError)
      return reply({ fieldErrors: { email: "No user with that email." } }, 404);
    if (error instanceof CognitoAuthError) return reply({ error: error.userMessage }, error.status);
    throw error;
  }
}

export default function Admin() {
  const { email, groups } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <main>
      <div className="card">
        <h1>Admin</h1>
        <p>
          Only members of the <code>admins</code> group see this page. You are {email}, in {groups.join(", ")}.
        </p>
        <h2>End a user's sessions</h2>
        <p>
          Signs the user out on every device: the app refuses their session cookies from now on, and Cognito revokes
          their refresh tokens (AdminUserGlobalSignOut).
        </p>
        <FormSuccess message={actionData?.done} />
        <FormError message={actionData?.error} />
        <Form method="post" noValidate>
          <Field
            name="email"
            label="User's email"
            type="email"
            autoComplete="off"
            required
            maxLength={128}
            error={actionData?.fieldErrors?.email}
          />
          <SubmitButton pendingLabel="Ending sessions…">End all sessions</SubmitButton>
        </Form>
      </div>
    </main>
  );
}
