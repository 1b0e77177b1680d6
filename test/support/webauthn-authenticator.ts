/** The tests' passkey authenticator is the one the bench drives too (scripts/lib/webauthn-authenticator.ts). */
export { type CeremonyOverrides, SoftwareAuthenticator } from "../../scripts/lib/webauthn-authenticator.ts";
