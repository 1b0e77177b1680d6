/**
 * A software passkey authenticator for tests in Node: what a browser and a
 * platform authenticator do for `navigator.credentials.create()` and
 * `.get()`, producing the JSON the app sends to Cognito
 * (`RegistrationResponseJSON` for CompleteWebAuthnRegistration,
 * `AuthenticationResponseJSON` as the WEB_AUTHN challenge's CREDENTIAL).
 *
 * Real cryptography, nothing stubbed: a P-256 key per credential
 * (node:crypto), authenticator data laid out as WebAuthn §6.1 says (RP ID
 * hash, flags, signature counter, attested credential data with a COSE key),
 * "none" attestation encoded with the CBOR helpers @simplewebauthn/server
 * exports, ES256 signatures over authenticatorData ‖ SHA-256(clientDataJSON).
 *
 * Each call says which origin the "browser" is on; overrides let a test
 * play an attacker (another relying party, no user verification, a replayed
 * counter).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoCBOR } from "@simplewebauthn/server/helpers";

interface SoftwareCredential {
  id: Buffer;
  privateKey: KeyObject;
  rpId: string;
  userHandle: string;
  signCount: number;
}

export interface CeremonyOverrides {
  /** The relying party the authenticator signs for (default: the one in the options). */
  rpId?: string;
  /** Whether the user verified (biometric/PIN). Default: true. */
  userVerified?: boolean;
  /** The challenge the browser puts in clientDataJSON (default: the one in the options). */
  challenge?: string;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
/** No particular make of authenticator (what Chromium's virtual authenticator reports too). */
const AAGUID = Buffer.alloc(16);

export class SoftwareAuthenticator {
  private readonly credentials: SoftwareCredential[] = [];

  /** Credential IDs (base64url) this authenticator holds. */
  get credentialIds(): string[] {
    return this.credentials.map((c) => c.id.toString("base64url"));
  }

  /** Makes a passkey: the answer to `navigator.credentials.create({ publicKey: options })` on `origin`. */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    origin: string,
    overrides: CeremonyOverrides = {},
  ): RegistrationResponseJSON {
    const rpId = overrides.rpId ?? options.rp.id ?? new URL(origin).hostname;
    if (!options.pubKeyCredParams.some((p) => p.alg === -7)) throw new Error("the relying party does not accept ES256");
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    if (this.credentialIds.some((id) => excluded.has(id))) throw new Error("InvalidStateError: already registered");

    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const credential: SoftwareCredential = {
      id: randomBytes(32),
      privateKey,
      rpId,
      userHandle: options.user.id,
      signCount: 0,
    };
    this.credentials.push(credential);

    const jwk = publicKey.export({ format: "jwk" });
    const coseKey = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, new Uint8Array(Buffer.from(jwk.x!, "base64url"))],
      [-3, new Uint8Array(Buffer.from(jwk.y!, "base64url"))],
    ]);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      this.authDataHead(rpId, FLAG_UP | FLAG_AT | (overrides.userVerified === false ? 0 : FLAG_UV), 0),
      AAGUID,
      idLength,
      credential.id,
      Buffer.from(isoCBOR.encode(coseKey)),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    const clientDataJSON = clientData("webauthn.create", overrides.challenge ?? options.challenge, origin);
    const id = credential.id.toString("base64url");
    return {
      id,
      rawId: id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: clientDataJSON.toString("base64url"),
        attestationObject: Buffer.from(attestationObject).toString("base64url"),
        transports: ["internal"],
      },
    };
  }

  /**
   * Signs in with a passkey: the answer to `navigator.credentials.get({ publicKey: options })` on
   * `origin`, with the first of `allowCredentials` it holds (or, when the list is empty, any
   * discoverable credential for the relying party).
   */
  authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
    overrides: CeremonyOverrides & { credentialId?: string } = {},
  ): AuthenticationResponseJSON {
    const rpId = options.rpId ?? new URL(origin).hostname;
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential = this.credentials.find((c) =>
      overrides.credentialId
        ? c.id.toString("base64url") === overrides.credentialId
        : c.rpId === rpId && (allowed.size === 0 || allowed.has(c.id.toString("base64url"))),
    );
    if (!credential) throw new Error("NotAllowedError: no passkey for this relying party");
    credential.signCount++;
    const authData = this.authDataHead(
      overrides.rpId ?? credential.rpId,
      FLAG_UP | (overrides.userVerified === false ? 0 : FLAG_UV),
      credential.signCount,
    );
    const clientDataJSON = clientData("webauthn.get", overrides.challenge ?? options.challenge, origin);
    const signature = sign(
      "sha256",
      Buffer.concat([authData, createHash("sha256").update(clientDataJSON).digest()]),
      credential.privateKey,
    );
    const id = credential.id.toString("base64url");
    return {
      id,
      rawId: id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: clientDataJSON.toString("base64url"),
        authenticatorData: authData.toString("base64url"),
        signature: signature.toString("base64url"),
        userHandle: credential.userHandle,
      },
    };
  }

  /** Sets a credential's signature counter (to replay an old one, as a cloned authenticator would). */
  setSignCount(credentialId: string, count: number): void {
    const credential = this.credentials.find((c) => c.id.toString("base64url") === credentialId);
    if (!credential) throw new Error(`no credential ${credentialId}`);
    credential.signCount = count;
  }

  private authDataHead(rpId: string, flags: number, signCount: number): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(signCount);
    return Buffer.concat([createHash("sha256").update(rpId).digest(), Buffer.from([flags]), counter]);
  }
}

function clientData(type: string, challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}
