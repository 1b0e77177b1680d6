/**
 * The passkeys (WebAuthn credentials) users registered, per user pool and
 * user, kept durably in the gateway's state directory (cognito-local has no
 * notion of them). Only public material is stored: credential ID, public
 * key, signature counter, transports.
 */
import { JsonStore } from "./json-store.ts";

export interface StoredPasskey {
  /** base64url credential ID, as the browser reports it. */
  credentialId: string;
  /** base64url COSE public key. */
  publicKey: string;
  /** The authenticator's signature counter (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  authenticatorAttachment?: string;
  relyingPartyId: string;
  friendlyName: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms of the last sign-in with it. */
  lastUsedAt?: number;
}

const key = (poolId: string, username: string) => `${poolId}/${username}`;

export class Passkeys {
  private readonly store: JsonStore<{ users: Record<string, StoredPasskey[]> }>;

  constructor(stateDir: string | undefined) {
    this.store = new JsonStore(stateDir, "webauthn-credentials.json", () => ({ users: {} }));
  }

  /** The user's passkeys, oldest first. */
  list(poolId: string, username: string): readonly StoredPasskey[] {
    return this.store.data.users[key(poolId, username)] ?? [];
  }

  /** The user's passkeys usable with this relying party. */
  forRelyingParty(poolId: string, username: string, relyingPartyId: string): StoredPasskey[] {
    return this.list(poolId, username).filter((p) => p.relyingPartyId === relyingPartyId);
  }

  /** Who owns a credential ID in the pool (credential IDs are unique per authenticator). */
  owner(poolId: string, credentialId: string): { username: string; passkey: StoredPasskey } | undefined {
    for (const [k, passkeys] of Object.entries(this.store.data.users)) {
      if (!k.startsWith(`${poolId}/`)) continue;
      const passkey = passkeys.find((p) => p.credentialId === credentialId);
      if (passkey) return { username: k.slice(poolId.length + 1), passkey };
    }
    return undefined;
  }

  add(poolId: string, username: string, passkey: StoredPasskey): void {
    this.store.update((d) => {
      d.users[key(poolId, username)] = [...(d.users[key(poolId, username)] ?? []), passkey];
    });
  }

  /** Records a successful sign-in: the new signature counter and the time. */
  used(poolId: string, username: string, credentialId: string, counter: number): void {
    this.store.update((d) => {
      const passkey = d.users[key(poolId, username)]?.find((p) => p.credentialId === credentialId);
      if (passkey) {
        passkey.counter = counter;
        passkey.lastUsedAt = Date.now();
      }
    });
  }

  /** Deletes one of the user's passkeys; false when the user has none with that ID. */
  delete(poolId: string, username: string, credentialId: string): boolean {
    const list = this.list(poolId, username);
    if (!list.some((p) => p.credentialId === credentialId)) return false;
    this.store.update((d) => {
      d.users[key(poolId, username)] = list.filter((p) => p.credentialId !== credentialId);
    });
    return true;
  }
}
