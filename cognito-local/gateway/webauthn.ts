/**
 * Passkeys (WebAuthn), which cognito-local does not have: registration
 * (`StartWebAuthnRegistration` → `navigator.credentials.create` →
 * `CompleteWebAuthnRegistration`), `ListWebAuthnCredentials`,
 * `DeleteWebAuthnCredential`, and the `WEB_AUTHN` sign-in challenge
 * (`CREDENTIAL_REQUEST_OPTIONS`, answered with a `CREDENTIAL`).
 *
 * Real WebAuthn: every registration and assertion is verified with
 * `@simplewebauthn/server` (challenge, origin, relying party, signature,
 * user presence and — when the pool requires it — verification, signature
 * counter). The relying party is the pool's `WebAuthnConfiguration`
 * (`RelyingPartyId`, `localhost` when unset); an origin is allowed when it is
 * http(s) and its host is the relying party ID (any port), which covers an
 * app at http://localhost:3000 and one at https://app.example alike. AWS's
 * distinct exceptions are checked first, in AWS's terms, before the library
 * verifies the rest.
 */
import { createHash } from "node:crypto";
import type { WebAuthnCredentialDescription } from "@aws-sdk/client-cognito-identity-provider";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { decodeAttestationObject, isoBase64URL, parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import { AwsError, incorrectCredentials } from "./errors.ts";
import { ExpiringStore } from "./expiring-store.ts";
import type { Input, Output } from "./operations/operation.ts";
import type { Passkeys, StoredPasskey } from "./passkeys.ts";
import { allowedFirstFactors, type PoolSettings } from "./pool-settings.ts";
import type { Upstream } from "./upstream.ts";
import type { PasskeySignIn } from "./user-auth.ts";

/** How long the browser may take (the options' `timeout`), and how long a registration challenge lives. */
export const WEBAUTHN_TIMEOUT_MS = 3 * 60_000;
/** The most passkeys one user may register (AWS: 20). */
export const MAX_PASSKEYS_PER_USER = 20;
/** ES256 and RS256: what platform authenticators and security keys make. */
const ALGORITHMS = [-7, -257];

interface PendingRegistration {
  challenge: string;
  clientId: string;
  relyingPartyId: string;
  expiresAt: number;
}

export interface WebAuthnOptions {
  up: Upstream;
  settings: PoolSettings;
  passkeys: Passkeys;
  /** Verifies an access token as for GetUser (signature, issuer, expiry, revocation). */
  verifyAccessToken(token: unknown): Promise<{ poolId: string; username: string; clientId: string }>;
  /** Most registrations in progress at once. */
  pendingLimit: number;
  log: (line: string) => void;
}

export class WebAuthn implements PasskeySignIn {
  private readonly pending: ExpiringStore<PendingRegistration>;

  constructor(private readonly o: WebAuthnOptions) {
    this.pending = new ExpiringStore("passkey registrations", o.pendingLimit);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  sweep(): void {
    this.pending.sweep();
  }

  // --- registration -------------------------------------------------------------

  async startRegistration(input: Input<"StartWebAuthnRegistration">): Promise<Output<"StartWebAuthnRegistration">> {
    const { poolId, username, clientId } = await this.o.verifyAccessToken(input.AccessToken);
    await this.assertEnabled(poolId);
    const { relyingPartyId, userVerification } = this.o.settings.webAuthn(poolId);
    const user = await this.o.up.user(poolId, username);
    if (!user) throw new AwsError("NotAuthorizedException", "Invalid Access Token");
    const existing = this.o.passkeys.list(poolId, username);
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      throw new AwsError("LimitExceededException", `A user can register at most ${MAX_PASSKEYS_PER_USER} passkeys.`);
    }
    const email = user.UserAttributes?.find((a) => a.Name === "email")?.Value;
    const options = await generateRegistrationOptions({
      rpName: relyingPartyId,
      rpID: relyingPartyId,
      userName: email ?? username,
      userDisplayName: email ?? username,
      // The user handle a passkey returns at sign-in: the sub, never the email.
      userID: new TextEncoder().encode(username),
      timeout: WEBAUTHN_TIMEOUT_MS,
      attestationType: "none",
      excludeCredentials: existing
        .filter((p) => p.relyingPartyId === relyingPartyId)
        .map((p) => ({ id: p.credentialId, transports: p.transports })),
      authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification },
      supportedAlgorithmIDs: ALGORITHMS,
    });
    // One registration in progress per user: a new start replaces the last.
    this.pending.set(pendingKey(poolId, username), {
      challenge: options.challenge,
      clientId,
      relyingPartyId,
      expiresAt: Date.now() + WEBAUTHN_TIMEOUT_MS,
    });
    // (JSON options are a document, which TypeScript cannot see of an interface)
    return { CredentialCreationOptions: options as unknown as CreationOptionsDocument };
  }

  async completeRegistration(
    input: Input<"CompleteWebAuthnRegistration">,
  ): Promise<Output<"CompleteWebAuthnRegistration">> {
    const { poolId, username, clientId } = await this.o.verifyAccessToken(input.AccessToken);
    await this.assertEnabled(poolId);
    const credential = parseCredential<RegistrationResponseJSON>(input.Credential, "Credential");
    const key = pendingKey(poolId, username);
    const pending = this.pending.get(key);
    if (!pending || pending.expiresAt <= Date.now()) {
      this.pending.delete(key);
      throw new AwsError(
        "WebAuthnChallengeNotFoundException",
        "The passkey registration has expired or was never started.",
      );
    }
    if (pending.clientId !== clientId) {
      throw new AwsError(
        "WebAuthnClientMismatchException",
        "The access token is for another app client than the one that started the registration.",
      );
    }
    // Whatever happens now, this challenge has been answered once.
    this.pending.delete(key);
    const clientData = parseClientData(credential.response?.clientDataJSON, "webauthn.create");
    if (clientData.challenge !== pending.challenge) {
      throw new AwsError("WebAuthnChallengeNotFoundException", "The passkey was made for another registration.");
    }
    const origin = allowedOrigin(clientData.origin, pending.relyingPartyId);
    let rpIdHash: Uint8Array | undefined;
    try {
      const authData = decodeAttestationObject(isoBase64URL.toBuffer(credential.response.attestationObject)).get(
        "authData",
      );
      rpIdHash = parseAuthenticatorData(authData).rpIdHash;
    } catch {
      throw new AwsError("InvalidParameterException", "The passkey's attestationObject could not be read.");
    }
    assertRelyingParty(rpIdHash, pending.relyingPartyId);
    if (this.o.passkeys.owner(poolId, credential.id)) {
      throw new AwsError("InvalidParameterException", "This passkey is already registered.");
    }

    const { userVerification } = this.o.settings.webAuthn(poolId);
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verified = await verifyRegistrationResponse({
        response: credential,
        expectedChallenge: pending.challenge,
        expectedOrigin: origin,
        expectedRPID: pending.relyingPartyId,
        requireUserVerification: userVerification === "required",
        supportedAlgorithmIDs: ALGORITHMS,
      });
    } catch (error) {
      throw libraryError(error, "registration");
    }
    if (!verified.verified) throw new AwsError("InvalidParameterException", "The passkey registration did not verify.");
    const info = verified.registrationInfo;
    const count = this.o.passkeys.list(poolId, username).length;
    this.o.passkeys.add(poolId, username, {
      credentialId: info.credential.id,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: credential.response.transports ?? [],
      authenticatorAttachment: credential.authenticatorAttachment,
      relyingPartyId: pending.relyingPartyId,
      friendlyName: count === 0 ? "Passkey" : `Passkey ${count + 1}`,
      createdAt: Date.now(),
    });
    this.o.log(`passkey registered for ${username} (relying party ${pending.relyingPartyId}, origin ${origin})`);
    return {};
  }

  // --- listing and deleting -------------------------------------------------------

  async list(input: Input<"ListWebAuthnCredentials">): Promise<Output<"ListWebAuthnCredentials">> {
    const { poolId, username } = await this.o.verifyAccessToken(input.AccessToken);
    const max = input.MaxResults === undefined ? 20 : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 20) {
      throw new AwsError("InvalidParameterException", "MaxResults must be between 1 and 20.");
    }
    const all = this.o.passkeys.list(poolId, username);
    const start = input.NextToken === undefined ? 0 : decodeNextToken(input.NextToken, all.length);
    const page = all.slice(start, start + max);
    const next = start + max < all.length ? Buffer.from(String(start + max)).toString("base64url") : undefined;
    return { Credentials: page.map(describe), ...(next ? { NextToken: next } : {}) };
  }

  async delete(input: Input<"DeleteWebAuthnCredential">): Promise<Output<"DeleteWebAuthnCredential">> {
    const { poolId, username } = await this.o.verifyAccessToken(input.AccessToken);
    if (!input.CredentialId) {
      throw new AwsError("InvalidParameterException", "Missing required parameter CredentialId");
    }
    if (!this.o.passkeys.delete(poolId, username, input.CredentialId)) {
      throw new AwsError("ResourceNotFoundException", "The passkey does not exist.");
    }
    this.o.log(`passkey deleted for ${username}`);
    return {};
  }

  // --- sign-in (the WEB_AUTHN challenge) ---------------------------------------------

  async requestOptions(poolId: string, username: string) {
    const { relyingPartyId, userVerification } = this.o.settings.webAuthn(poolId);
    const options = await generateAuthenticationOptions({
      rpID: relyingPartyId,
      allowCredentials: this.o.passkeys
        .forRelyingParty(poolId, username, relyingPartyId)
        .map((p) => ({ id: p.credentialId, transports: p.transports })),
      userVerification,
      timeout: WEBAUTHN_TIMEOUT_MS,
    });
    // AWS sends these options as a JSON string in the challenge parameters.
    return { options: JSON.stringify(options), challenge: options.challenge };
  }

  async verify(poolId: string, username: string, credentialJson: string, challenge: string): Promise<void> {
    let credential: AuthenticationResponseJSON;
    try {
      credential = JSON.parse(credentialJson) as AuthenticationResponseJSON;
    } catch {
      throw new AwsError("InvalidParameterException", "CREDENTIAL is not a JSON AuthenticationResponse.");
    }
    if (!credential || typeof credential !== "object" || typeof credential.id !== "string") {
      throw new AwsError("InvalidParameterException", "CREDENTIAL is not a JSON AuthenticationResponse.");
    }
    const { relyingPartyId, userVerification } = this.o.settings.webAuthn(poolId);
    // Only the user's own passkeys: another user's, however valid, signs nobody in here.
    const passkey: StoredPasskey | undefined = this.o.passkeys
      .forRelyingParty(poolId, username, relyingPartyId)
      .find((p) => p.credentialId === credential.id);
    if (!passkey) throw incorrectCredentials();
    const clientData = parseClientData(credential.response?.clientDataJSON, "webauthn.get");
    const origin = allowedOrigin(clientData.origin, relyingPartyId);
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await verifyAuthenticationResponse({
        response: credential,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: relyingPartyId,
        credential: {
          id: passkey.credentialId,
          publicKey: isoBase64URL.toBuffer(passkey.publicKey),
          counter: passkey.counter,
          transports: passkey.transports,
        },
        requireUserVerification: userVerification === "required",
      });
    } catch (error) {
      this.o.log(`passkey sign-in for ${username} refused: ${(error as Error).message}`);
      throw incorrectCredentials();
    }
    if (!verified.verified) throw incorrectCredentials();
    this.o.passkeys.used(poolId, username, passkey.credentialId, verified.authenticationInfo.newCounter);
  }

  // --- helpers ---------------------------------------------------------------------

  private async assertEnabled(poolId: string) {
    const pool = await this.o.up.pool(poolId);
    if (!allowedFirstFactors(pool).includes("WEB_AUTHN")) {
      throw new AwsError("WebAuthnNotEnabledException", "Passkeys are not enabled for this user pool.");
    }
    if (this.o.settings.tier(poolId) === "LITE") {
      throw new AwsError("FeatureUnavailableInTierException", "Passkeys need the ESSENTIALS tier or higher.");
    }
  }
}

type CreationOptionsDocument = NonNullable<Output<"StartWebAuthnRegistration">["CredentialCreationOptions"]>;

const pendingKey = (poolId: string, username: string) => `${poolId}/${username}`;

/** ListWebAuthnCredentials' shape (CreatedAt to the second: the JSON protocol carries dates in epoch seconds). */
function describe(p: StoredPasskey): WebAuthnCredentialDescription {
  return {
    CredentialId: p.credentialId,
    FriendlyCredentialName: p.friendlyName,
    RelyingPartyId: p.relyingPartyId,
    ...(p.authenticatorAttachment ? { AuthenticatorAttachment: p.authenticatorAttachment } : {}),
    AuthenticatorTransports: p.transports,
    CreatedAt: new Date(Math.floor(p.createdAt / 1000) * 1000),
  };
}

function decodeNextToken(token: unknown, total: number): number {
  const start = typeof token === "string" ? Number(Buffer.from(token, "base64url").toString("utf8")) : Number.NaN;
  if (!Number.isInteger(start) || start < 0 || start > total) {
    throw new AwsError("InvalidParameterException", "Invalid NextToken.");
  }
  return start;
}

/** The credential as an object: the SDK sends CompleteWebAuthnRegistration's as a document. */
function parseCredential<T extends { id: string; response: object }>(value: unknown, name: string): T {
  const credential = typeof value === "string" ? safeJson(value) : value;
  if (
    !credential ||
    typeof credential !== "object" ||
    typeof (credential as T).id !== "string" ||
    typeof (credential as T).response !== "object"
  ) {
    throw new AwsError("InvalidParameterException", `${name} is not a WebAuthn RegistrationResponseJSON.`);
  }
  return credential as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseClientData(encoded: unknown, type: string): { challenge: string; origin: string } {
  const data =
    typeof encoded === "string"
      ? (safeJson(Buffer.from(encoded, "base64url").toString("utf8")) as Record<string, unknown> | undefined)
      : undefined;
  if (!data || data.type !== type || typeof data.challenge !== "string" || typeof data.origin !== "string") {
    throw new AwsError("InvalidParameterException", `clientDataJSON is not a ${type} response.`);
  }
  return { challenge: data.challenge, origin: data.origin };
}

/**
 * The origin, when the browser that made the credential was on the relying
 * party's host: an http(s) origin whose host is the relying party ID.
 */
export function allowedOrigin(origin: string, relyingPartyId: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== "https:" && url.protocol !== "http:") ||
    url.hostname !== relyingPartyId ||
    url.origin !== origin
  ) {
    throw new AwsError(
      "WebAuthnOriginNotAllowedException",
      `The passkey was used from ${origin}, which is not an origin of the relying party ${relyingPartyId}.`,
    );
  }
  return origin;
}

function assertRelyingParty(rpIdHash: Uint8Array | undefined, relyingPartyId: string) {
  const expected = createHash("sha256").update(relyingPartyId).digest();
  if (!rpIdHash || !expected.equals(Buffer.from(rpIdHash))) {
    throw new AwsError(
      "WebAuthnRelyingPartyMismatchException",
      `The passkey belongs to another relying party than ${relyingPartyId}.`,
    );
  }
}

function libraryError(error: unknown, what: string): AwsError {
  const message = (error as Error).message ?? String(error);
  if (/alg|Attestation Format|attestation statement/i.test(message)) {
    return new AwsError("WebAuthnCredentialNotSupportedException", `The passkey is not supported: ${message}`);
  }
  return new AwsError("InvalidParameterException", `The passkey ${what} did not verify: ${message}`);
}
