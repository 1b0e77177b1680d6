/**
 * The field schemas the pages share: the one place for limits (so garbage
 * never reaches Cognito) and messages; the password rules are the same ones
 * the browser shows. Not `.server`: route modules build their schemas at
 * module level, and that code runs in the browser bundle too.
 */
import { z } from "zod";
import { failedPasswordRules, PASSWORD_MAX_LENGTH, passwordPolicySummary } from "~/auth/password-policy";

export const emailField = z
  .string({ required_error: "Enter your email address." })
  .trim()
  .min(1, "Enter your email address.")
  .max(128, "That email address is too long.")
  .email("Enter a valid email address.");

export const codeField = z
  .string({ required_error: "Enter the 6-digit code." })
  .trim()
  .regex(/^\d{6}$/, "Enter the 6-digit code.");

export const newPasswordField = z
  .string({ required_error: "Choose a password." })
  .min(1, "Choose a password.")
  .max(PASSWORD_MAX_LENGTH, "That password is too long.")
  .superRefine((value, ctx) => {
    if (failedPasswordRules(value).length > 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `That password is too weak. ${passwordPolicySummary()}` });
    }
  });

const passwordPairFields = {
  password: newPasswordField,
  confirm: z.string({ required_error: "Type the password again." }).max(PASSWORD_MAX_LENGTH),
};

/**
 * A form that sets a new password: `shape`'s fields plus `password` and
 * `confirm`, which must match (the error goes next to `confirm`).
 */
export function passwordPair<T extends z.ZodRawShape = Record<never, never>>(shape?: T) {
  return (
    z
      .object(shape ?? ({} as T))
      .extend(passwordPairFields)
      // (Typed loosely: zod cannot see through the generic shape that these two are strings.)
      .refine((v) => (v as { password: string }).password === (v as { confirm: string }).confirm, {
        path: ["confirm"],
        message: "The two passwords do not match.",
      })
  );
}

/**
 * The fields a step-up form may carry (see `~/auth/step-up.server`): spread
 * into the form's schema. Here, not beside `verifyStepUp`, because schemas are
 * built at module level and a `.server` import is empty in the browser bundle.
 */
export const stepUpFormFields = {
  stepUpPassword: z.string().max(256, "That is too long for a password.").optional(),
  stepUpCode: z.string().trim().max(16, "Enter the 6-digit code.").optional(),
};
