/**
 * Passkeys: `StartWebAuthnRegistration`, `CompleteWebAuthnRegistration`,
 * `ListWebAuthnCredentials` and `DeleteWebAuthnCredential`, which
 * cognito-local lacks (the WebAuthn work is in webauthn.ts).
 */
import type { OperationTable } from "./operation.ts";

export const passkeyOperations = {
  StartWebAuthnRegistration: (input, ctx) => ctx.webAuthn.startRegistration(input),
  CompleteWebAuthnRegistration: (input, ctx) => ctx.webAuthn.completeRegistration(input),
  ListWebAuthnCredentials: (input, ctx) => ctx.webAuthn.list(input),
  DeleteWebAuthnCredential: (input, ctx) => ctx.webAuthn.delete(input),
} satisfies OperationTable;
