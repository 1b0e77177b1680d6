/**
 * Form field schemas shared by the account pages: one place for the limits
 * (so garbage never reaches Cognito) and the messages. Used by server actions;
 * the password rules are the same ones the browser shows.
 */
import { z } from "zod";
import { failedPasswordRules, PASSWORD_MAX_LENGTH, passwordPolicySummary } from "./password-policy";

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

export const newPasswordFields = {
  password: newPasswordField,
  confirm: z.string({ required_error: "Type the password again." }).max(PASSWORD_MAX_LENGTH),
};
