/**
 * The user pool's password policy, checked the way AWS does and reported with
 * AWS's wording ("Password did not conform with policy: …").
 */
import type { PasswordPolicyType } from "@aws-sdk/client-cognito-identity-provider";
import { AwsError } from "./errors.ts";

/** The characters AWS counts as symbols (plus the space). */
const SYMBOLS = new Set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ".split(""));

/** The first rule the password breaks, in AWS's words, or null. */
export function passwordPolicyViolation(password: string, policy: PasswordPolicyType | undefined): string | null {
  if (password.length < (policy?.MinimumLength ?? 8)) return "Password not long enough";
  if (policy?.RequireLowercase && !/[a-z]/.test(password)) return "Password must have lowercase characters";
  if (policy?.RequireUppercase && !/[A-Z]/.test(password)) return "Password must have uppercase characters";
  if (policy?.RequireNumbers && !/[0-9]/.test(password)) return "Password must have numeric characters";
  if (policy?.RequireSymbols && ![...password].some((c) => SYMBOLS.has(c)))
    return "Password must have symbol characters";
  return null;
}

export function assertPasswordConforms(password: unknown, policy: PasswordPolicyType | undefined): void {
  if (typeof password !== "string") return; // a missing password is the upstream's parameter error
  const violation = passwordPolicyViolation(password, policy);
  if (violation) throw new AwsError("InvalidPasswordException", `Password did not conform with policy: ${violation}`);
}

/** The policy in a sentence, for the Hosted UI's password fields. */
export function describePasswordPolicy(policy: PasswordPolicyType | undefined): string {
  const needs = [
    policy?.RequireUppercase && "an uppercase letter",
    policy?.RequireLowercase && "a lowercase letter",
    policy?.RequireNumbers && "a number",
    policy?.RequireSymbols && "a symbol",
  ].filter((n): n is string => Boolean(n));
  const length = `At least ${policy?.MinimumLength ?? 8} characters`;
  if (needs.length === 0) return `${length}.`;
  const list = needs.length === 1 ? needs[0] : `${needs.slice(0, -1).join(", ")} and ${needs[needs.length - 1]}`;
  return `${length}, with ${list}.`;
}
