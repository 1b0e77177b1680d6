/**
 * The user pool's password policy, spelled out for people and checked in the
 * browser as they type. Cognito is the authority: the server still relies on
 * its answer. Keep this in step with the pool (scripts/lib/seed.ts creates
 * the local one with the same rules). Shared by server and browser code.
 */
export interface PasswordRule {
  id: string;
  /** Shown next to the field, as a checklist. */
  label: string;
  test(password: string): boolean;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

// Cognito's symbol set: ^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + - and space.
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

export const PASSWORD_RULES: PasswordRule[] = [
  { id: "length", label: `At least ${PASSWORD_MIN_LENGTH} characters`, test: (p) => p.length >= PASSWORD_MIN_LENGTH },
  { id: "lower", label: "A lowercase letter", test: (p) => /[a-z]/.test(p) },
  { id: "upper", label: "An uppercase letter", test: (p) => /[A-Z]/.test(p) },
  { id: "number", label: "A number", test: (p) => /[0-9]/.test(p) },
  { id: "symbol", label: "A symbol, such as ! or #", test: (p) => SYMBOL.test(p) },
];

/** The rules a password fails (empty when it passes). */
export function failedPasswordRules(password: string): PasswordRule[] {
  return PASSWORD_RULES.filter((rule) => !rule.test(password));
}

export function passwordPolicySummary(): string {
  return `Use at least ${PASSWORD_MIN_LENGTH} characters, with upper and lower case letters, a number and a symbol.`;
}
