import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CodeMismatchError,
  IncorrectCurrentPasswordError,
  PasswordPolicyError,
  ServiceUnavailableError,
  SessionRevokedError,
} from "~/cognito/errors.server";
import { codeField, emailField, passwordPair } from "~/forms/fields";
import { parseForm, type Reply } from "~/forms/form.server";

const post = (fields: Record<string, string>) =>
  new Request("http://app.test/form", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });

/** What a reply sends to the page: its body exactly as the browser gets it, and its status. */
const sent = (reply: Reply<unknown>) => ({ body: JSON.stringify(reply.data), status: reply.init?.status });

const Reset = passwordPair({ username: emailField, code: codeField });

describe("parseForm", () => {
  it("returns what was typed on failure too, but never a password", async () => {
    const submission = await parseForm(
      post({ username: "someone@example.com", code: "12ab", password: "Secret-Passw0rd!", confirm: "Other-Passw0rd!" }),
      Reset,
    );
    expect(submission.ok).toBe(false);
    expect(submission.values).toEqual({ username: "someone@example.com", code: "12ab" });
  });

  it("keeps codes and the TOTP secret for the action but never sends them back to the page", async () => {
    const submission = await parseForm(
      post({
        username: "someone@example.com",
        code: "987654",
        secret: "JBSWY3DPEHPK3PXP",
        password: "Secret-Passw0rd!",
        confirm: "Secret-Passw0rd!",
        current: "Old-Passw0rd!",
        stepUpPassword: "StepUp-Passw0rd!",
        stepUpCode: "135790",
      }),
      z.object({ username: emailField }),
    );
    expect(submission.values.code).toBe("987654");
    expect(submission.values.secret).toBe("JBSWY3DPEHPK3PXP");
    const { body } = sent(submission.reply({ formError: "No." }));
    expect(body).toContain("someone@example.com");
    for (const secret of [
      "987654",
      "JBSWY3DPEHPK3PXP",
      "Secret-Passw0rd!",
      "Old-Passw0rd!",
      "StepUp-Passw0rd!",
      "135790",
    ]) {
      expect(body).not.toContain(secret);
    }
  });

  it("puts schema errors next to their fields, with a 400", async () => {
    const submission = await parseForm(post({ username: "not-an-email", code: "123456" }), Reset);
    const reply = submission.reply().data;
    expect(reply.fieldErrors).toMatchObject({
      username: "Enter a valid email address.",
      password: "Choose a password.",
      confirm: "Type the password again.",
    });
    expect(reply.formError).toBeNull();
    expect(sent(submission.reply()).status).toBe(400);
  });

  it("passwordPair: the two passwords must match (the error goes next to confirm)", async () => {
    const good = "Good-Passw0rd!";
    const submission = await parseForm(
      post({ username: "a@b.co", code: "123456", password: good, confirm: `${good}x` }),
      Reset,
    );
    expect(submission.ok).toBe(false);
    expect(submission.reply().data.fieldErrors).toEqual({ confirm: "The two passwords do not match." });
    const matching = await parseForm(
      post({ username: "a@b.co", code: "123456", password: good, confirm: good }),
      Reset,
    );
    expect(matching.ok && matching.data.password).toBe(good);
  });

  it("an unknown intent is about the form (the buttons), not a field", async () => {
    const Intents = z.discriminatedUnion("intent", [z.object({ intent: z.literal("save") })]);
    const submission = await parseForm(post({ intent: "delete" }), Intents);
    expect(submission.reply().data).toMatchObject({
      formError: "Please use the buttons on this page.",
      fieldErrors: {},
    });
  });

  it("reads the body once: the request is used up afterwards (no clone)", async () => {
    const request = post({ username: "a@b.co" });
    await parseForm(request, z.object({ username: emailField }));
    expect(request.bodyUsed).toBe(true);
  });

  it("carries the headers it was given on every reply", async () => {
    const headers = new Headers({ "Set-Cookie": "__session.0=refreshed" });
    const submission = await parseForm(post({ username: "x" }), z.object({ username: emailField }), { headers });
    expect(new Headers(submission.reply().init?.headers).get("Set-Cookie")).toBe("__session.0=refreshed");
  });
});

describe("Submission.attempt: a Cognito error becomes the reply", () => {
  const ok = async () => {
    const submission = await parseForm(post({ username: "a@b.co", keep: "typed" }), z.object({ username: emailField }));
    if (!submission.ok) throw new Error("expected a valid submission");
    return submission;
  };

  it.each([
    [new CodeMismatchError(), "code", 400],
    [new PasswordPolicyError("Password must have uppercase characters."), "password", 400],
    [new IncorrectCurrentPasswordError(), "current", 400],
    [new SessionRevokedError(), null, 401],
    [new ServiceUnavailableError("down"), null, 503],
  ] as const)("%o → field %s, status %d", async (error, field, status) => {
    const submission = await ok();
    const reply = (await submission.attempt(() => Promise.reject(error))) as Reply;
    expect(reply.init?.status).toBe(status);
    if (field) expect(reply.data).toMatchObject({ formError: null, fieldErrors: { [field]: error.userMessage } });
    else expect(reply.data).toMatchObject({ formError: error.userMessage, fieldErrors: {} });
    expect(reply.data.values).toEqual({ username: "a@b.co", keep: "typed" });
  });

  it("lets a redirect and programming errors through", async () => {
    const submission = await ok();
    const redirect = new Response(null, { status: 302, headers: { Location: "/next" } });
    await expect(submission.attempt(() => Promise.reject(redirect))).rejects.toBe(redirect);
    const bug = new TypeError("bug");
    await expect(submission.attempt(() => Promise.reject(bug))).rejects.toBe(bug);
    await expect(submission.attempt(async () => "done")).resolves.toBe("done");
  });
});
