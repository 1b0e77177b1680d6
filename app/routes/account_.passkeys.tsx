import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { type CurrentSession, requireUser } from "~/auth/auth.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { isRecentSignIn, requireRecentSignIn, stepUpUrl } from "~/auth/step-up.server";
import { CognitoAuthError } from "~/cognito/errors.server";
import type { CognitoPasswordlessApi } from "~/cognito/passwordless.server";
import { AccountNav } from "~/components/account-nav";
import { AddPasskey } from "~/components/add-passkey";
import { FormError, FormSuccess } from "~/components/form-error";
import { SubmitButton } from "~/components/submit-button";
import { parseForm } from "~/forms/form.server";
import { requireSameOrigin } from "~/http/csrf.server";

export const meta: MetaFunction = () => [{ title: "Passkeys · remix-cognito" }];

const PAGE = "/account/passkeys";

const NOTICES: Record<string, string> = {
  added: "Passkey added. You can now sign in with it.",
  deleted: "Passkey removed.",
};

function requirePasswordless(session: CurrentSession): CognitoPasswordlessApi {
  const { passwordless } = getCognitoServices();
  if (!passwordless) {
    throw data({ message: "Passkeys are not turned on for this app." }, { status: 404, headers: session.headers });
  }
  return passwordless;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  const passwordless = requirePasswordless(session);
  let passkeys;
  try {
    passkeys = await passwordless.listPasskeys(session.tokens.accessToken);
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    throw data({ message: error.userMessage }, { status: error.status, headers: session.headers });
  }
  return data(
    {
      passkeys: passkeys.map((p) => ({
        id: p.id,
        name: p.name,
        attachment: p.attachment ?? null,
        createdAt: p.createdAt.toISOString(),
      })),
      recent: isRecentSignIn(session),
      stepUpHref: stepUpUrl(PAGE),
      notice: NOTICES[new URL(request.url).searchParams.get("notice") ?? ""] ?? null,
    },
    { headers: session.headers },
  );
}

const DeleteForm = z.object({
  intent: z.literal("delete"),
  // Cognito credential IDs are base64url.
  credentialId: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, "That passkey was not found."),
});

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  const passwordless = requirePasswordless(session);
  // Removing a passkey needs a recent sign-in, like adding one.
  requireRecentSignIn(session, PAGE);
  const parsed = await parseForm(request, DeleteForm);
  if (!parsed.ok) {
    const error = parsed.formError ?? Object.values(parsed.fieldErrors)[0] ?? "Please try again.";
    return data({ error }, { status: 400, headers: session.headers });
  }
  try {
    await passwordless.deletePasskey(session.tokens.accessToken, parsed.data.credentialId);
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    return data({ error: error.userMessage }, { status: error.status, headers: session.headers });
  }
  throw redirect(`${PAGE}?notice=deleted`, { headers: session.headers });
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export default function AccountPasskeys() {
  const { passkeys, recent, stepUpHref, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <main>
      <div className="card">
        <h1>Passkeys</h1>
        <AccountNav />
        <p>
          A passkey signs you in with your device's screen lock or a security key instead of a password. It is made for
          this site only, so it cannot be phished.
        </p>
        <FormSuccess message={actionData?.error ? null : notice} />
        <FormError message={actionData?.error ?? null} />
        <h2>Your passkeys</h2>
        {passkeys.length === 0 ? (
          <p className="muted">You have no passkeys yet.</p>
        ) : (
          <ul className="passkey-list">
            {passkeys.map((p) => (
              <li key={p.id}>
                <span>
                  <strong>{p.name}</strong>
                  <br />
                  <span className="muted">
                    Added {dateFormat.format(new Date(p.createdAt))}
                    {p.attachment === "platform"
                      ? " · on a device"
                      : p.attachment === "cross-platform"
                        ? " · security key or phone"
                        : ""}
                    {/* Cognito does not report when a passkey was last used. */}
                  </span>
                </span>
                {recent ? (
                  <Form method="post">
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="credentialId" value={p.id} />
                    <SubmitButton className="button button-secondary" pendingLabel="Removing…">
                      Remove<span className="visually-hidden"> passkey {p.name}</span>
                    </SubmitButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        <h2>Add a passkey</h2>
        {recent ? (
          <AddPasskey />
        ) : (
          <p>
            To add or remove passkeys, <Link to={stepUpHref}>sign in again</Link> first (it has been more than 10
            minutes since you signed in).
          </p>
        )}
      </div>
    </main>
  );
}
