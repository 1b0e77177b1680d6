/**
 * How you sign in: the pool's own sign-in (a password, codes, passkeys) or an
 * identity provider, and the providers linked to this account, which can be
 * linked and unlinked here (docs/decisions/022-federated-sign-in.md). Both
 * are sensitive changes: a recent sign-in, or the password again (for an
 * account that signs in through a provider, a fresh sign-in there).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import {
  getCognitoServices,
  requireUser,
  type StepUpPrompt,
  signInProviders,
  signsInWith,
  startLinkingProvider,
  stepUpPrompt,
  stepUpReply,
  verifyStepUp,
} from "~/auth/auth.server";
import { AccountForm } from "~/components/account-form";
import { FormError } from "~/components/form-error";
import { StepUpFields } from "~/components/step-up-fields";
import { SubmitButton } from "~/components/submit-button";
import { stepUpFormFields } from "~/forms/fields";
import { parseForm } from "~/forms/form.server";
import { useFormReply } from "~/forms/reply";
import { requireSameOrigin } from "~/http/csrf.server";
import { orErrorPage } from "~/http/error-page.server";
import type { AccountPage } from "./account";

export const handle: AccountPage = { heading: "How you sign in" };
export { meta } from "./account";

/** Why a link from this page did not happen, by the `?problem=` key the sign-in sends back. */
const PROBLEMS: Record<string, string> = {
  "already-linked": "That provider account already signs you in to this account.",
  "provider-in-use":
    "That provider account already has an account of its own here (or is linked to another), so it cannot be linked to this one. Sign in with it to use that account.",
  "email-differs":
    "That provider account uses another email address, or has not verified it. Link a provider account that has this account's address: the provider's address would otherwise replace it.",
  "link-expired": "That link took too long, or you were signed out meanwhile. Try again.",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireUser(request);
  const methods = await orErrorPage(getCognitoServices().admin.signInMethods(session.user.username), session.headers);
  const linked = methods.identities.filter((i) => !i.primary).map((i) => i.providerName);
  const provider = signsInWith(session.user) ?? methods.identities.find((i) => i.primary)?.providerName ?? null;
  return data(
    {
      provider,
      linked,
      // Providers the app offers that are not this account's way in yet.
      linkable: signInProviders().filter((p) => p !== provider && !linked.includes(p)),
      stepUp: stepUpPrompt(session, { mfaEnabled: false }),
    },
    { headers: session.headers },
  );
}

/** One form, one button per change: `link:Google`, `unlink:ExampleCorp` (one set of step-up fields for all). */
const MethodsForm = z.object({
  change: z
    .string({ required_error: "Choose what to change." })
    .regex(/^(link|unlink):[^\s:]{1,32}$/, "Choose what to change."),
  ...stepUpFormFields,
});

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const session = await requireUser(request);
  const submission = await parseForm(request, MethodsForm, { headers: session.headers });
  if (!submission.ok) return submission.reply();
  const [intent, provider = ""] = submission.data.change.split(":", 2);
  if (!signInProviders().includes(provider)) {
    return submission.reply({ formError: "That provider is not offered here." });
  }
  return submission.attempt(async () => {
    const { admin } = getCognitoServices();
    const methods = await admin.signInMethods(session.user.username);
    const identity = methods.identities.find((i) => i.providerName === provider);
    // Linking another way in (or removing one) would let someone at an unattended browser keep the account.
    const check = await verifyStepUp(session, submission.data, { context });
    if (!check.ok) return submission.reply(stepUpReply(check));
    if (intent === "link") {
      if (identity) return submission.reply({ formError: PROBLEMS["already-linked"]! });
      startLinkingProvider(request, session.user.sub, provider, session.headers);
    }
    // Its own way in (the provider a federated account was made from) cannot be removed.
    if (!identity || identity.primary) {
      return submission.reply({ formError: "That provider is not linked to this account." });
    }
    await admin.unlinkProvider(identity.providerName, identity.userId);
    throw redirect("/account/sign-in-methods?notice=provider-unlinked", { headers: session.headers });
  });
}

export default function SignInMethods() {
  const { provider, linked, linkable, stepUp } = useLoaderData<typeof loader>();
  const reply = useFormReply<{ stepUp: StepUpPrompt }>();
  const [params] = useSearchParams();
  const problem = PROBLEMS[params.get("problem") ?? ""] ?? null;
  const prompt = reply.extra?.stepUp ?? stepUp;

  return (
    <>
      <FormError message={reply.summary ?? problem} />
      {provider ? (
        <section aria-labelledby="provider-heading">
          <h2 id="provider-heading">{`You sign in with ${provider}`}</h2>
          <p data-testid="signs-in-with">
            This account was made when you first signed in with {provider}, and {provider} is how you sign in.{" "}
            {provider} looks after your password and two-step verification, and your name and email address come from it
            each time you sign in: change them there.
          </p>
        </section>
      ) : (
        <section aria-labelledby="password-heading">
          <h2 id="password-heading">Email and password</h2>
          <p>
            You sign in with your email address and password (or an emailed code or a passkey, where offered).{" "}
            <a href="/account/password">Change your password</a>
          </p>
        </section>
      )}

      <AccountForm noValidate>
        {/* Confirm it's you first (when needed): then the button for the change. */}
        {linked.length > 0 || linkable.length > 0 ? <StepUpFields prompt={prompt} reply={reply} /> : null}
        <section aria-labelledby="linked-heading">
          <h2 id="linked-heading">Linked providers</h2>
          {linked.length === 0 ? (
            <p className="muted" data-testid="no-linked-providers">
              No other provider signs you in to this account.
            </p>
          ) : (
            <ul className="linked-providers" data-testid="linked-providers">
              {linked.map((name) => (
                <li key={name}>
                  <span>{name}</span>{" "}
                  <SubmitButton
                    name="change"
                    value={`unlink:${name}`}
                    className="button button-secondary"
                    pendingLabel="Unlinking…"
                  >
                    {`Unlink ${name}`}
                  </SubmitButton>
                </li>
              ))}
            </ul>
          )}
        </section>
        {linkable.length > 0 ? (
          <section aria-labelledby="link-heading">
            <h2 id="link-heading">Link another way to sign in</h2>
            <p className="muted">
              You will sign in with the provider; from then on it signs you in to this same account.
            </p>
            <ul className="linked-providers">
              {linkable.map((name) => (
                <li key={name}>
                  <SubmitButton name="change" value={`link:${name}`} pendingLabel="Opening…">
                    {`Link ${name}`}
                  </SubmitButton>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </AccountForm>
    </>
  );
}
