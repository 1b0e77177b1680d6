import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  type CognitoPasswordlessApi,
  type CurrentSession,
  getCognitoServices,
  requireUser,
  type StepUpPrompt,
  signsInWith,
  stepUpPrompt,
  stepUpReply,
  verifyStepUp,
} from "~/auth/auth.server";
import { AccountForm } from "~/components/account-form";
import { AddPasskey } from "~/components/add-passkey";
import { FormError } from "~/components/form-error";
import { StepUpFields } from "~/components/step-up-fields";
import { SubmitButton } from "~/components/submit-button";
import { stepUpFormFields } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { orErrorPage } from "~/http/error-page.server";
import type { AccountPage } from "./account";

export const handle: AccountPage = { heading: "Passkeys" };
export { meta } from "./account";

const PAGE = "/account/passkeys";
const FORM_ID = "passkeys-form";

function requirePasswordless(session: CurrentSession): CognitoPasswordlessApi {
  const { passwordless } = getCognitoServices();
  if (!passwordless) {
    throw data({ message: "Passkeys are not turned on for this app." }, { status: 404, headers: session.headers });
  }
  return passwordless;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  // Cognito keeps no password, codes or passkeys for an account that signs in through a provider.
  if (signsInWith(session.user)) throw redirect("/account/sign-in-methods", { headers: session.headers });
  const passwordless = requirePasswordless(session);
  const { account } = getCognitoServices();
  const [passkeys, { mfaEnabled }] = await orErrorPage(
    Promise.all([
      passwordless.listPasskeys(session.tokens.accessToken),
      account.getProfile(session.tokens.accessToken),
    ]),
    session.headers,
  );
  return data(
    {
      passkeys: passkeys.map((p) => ({
        id: p.id,
        name: p.name,
        attachment: p.attachment ?? null,
        createdAt: p.createdAt.toISOString(),
      })),
      stepUp: stepUpPrompt(session, { mfaEnabled }),
    },
    { headers: session.headers },
  );
}

const DeleteForm = z.object({
  // The credential to remove (Cognito credential IDs are base64url).
  delete: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, "That passkey was not found."),
  ...stepUpFormFields,
});

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  if (signsInWith(session.user)) throw redirect("/account/sign-in-methods", { headers: session.headers });
  const passwordless = requirePasswordless(session);
  const submission = await parseForm(request, DeleteForm, { headers: session.headers });
  if (!submission.ok) return submission.reply();
  const form = submission.data;
  // Removing a passkey is a sensitive change, like adding one.
  const check = await verifyStepUp(session, form, { context });
  if (!check.ok) return submission.reply(stepUpReply(check));
  return submission.attempt(async () => {
    await passwordless.deletePasskey(session.tokens.accessToken, form.delete);
    throw redirect(`${PAGE}?notice=deleted`, { headers: session.headers });
  });
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export default function AccountPasskeys() {
  const { passkeys, stepUp } = useLoaderData<typeof loader>();
  const reply = useFormReply<{ stepUp: StepUpPrompt }>();
  const prompt = reply.extra?.stepUp ?? stepUp;
  const summary = reply.summary;
  return (
    <>
      <p>
        A passkey signs you in with your device's screen lock or a security key instead of a password. It only works on
        this site, so it cannot be phished.
      </p>
      <FormError message={summary} />
      {/* One form: the step-up fields (when needed) go with "Remove" and with "Add a passkey". */}
      <AccountForm id={FORM_ID} noValidate>
        {/* The default button, disabled: Enter in the password field must not press the first "Remove". */}
        <button type="submit" disabled hidden aria-hidden="true" tabIndex={-1} />
        <StepUpFields prompt={prompt} reply={reply} />
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
                    {/* Cognito does not report when a passkey was last used. */}
                    Added {dateFormat.format(new Date(p.createdAt))}
                    {p.attachment === "platform"
                      ? " · on a device"
                      : p.attachment === "cross-platform"
                        ? " · security key or phone"
                        : ""}
                  </span>
                </span>
                <SubmitButton name="delete" value={p.id} className="button button-secondary" pendingLabel="Removing…">
                  Remove<span className="visually-hidden"> passkey {p.name}</span>
                </SubmitButton>
              </li>
            ))}
          </ul>
        )}
        <h2>Add a passkey</h2>
        <AddPasskey formId={FORM_ID} />
      </AccountForm>
    </>
  );
}
