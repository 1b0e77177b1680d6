/**
 * User pool and app client settings that cognito-local 5.3.0 drops but the
 * choice-based sign-in depends on, kept durably by the gateway (the
 * operations that set and show them are in operations/user-pools.ts and
 * operations/clients.ts):
 *
 * - the pool's feature plan (`UserPoolTier`: LITE, ESSENTIALS — AWS's default
 *   for new pools — or PLUS);
 * - the pool's `WebAuthnConfiguration` (relying party, user verification);
 * - the client's `RefreshTokenRotation`.
 *
 * `Policies.SignInPolicy` needs no keeping: cognito-local stores `Policies`
 * whole. The gateway checks it as AWS does and fills in AWS's default
 * (`["PASSWORD"]`) where it is absent.
 */
import type {
  RefreshTokenRotationType,
  UserPoolTierType,
  UserPoolType,
  WebAuthnConfigurationType,
} from "@aws-sdk/client-cognito-identity-provider";
import { JsonStore } from "./json-store.ts";

/** The first factors AWS knows (`AuthFactorType` minus SOFTWARE_TOKEN, which is MFA only). */
export const FIRST_FACTORS = ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"] as const;
export type FirstFactor = (typeof FIRST_FACTORS)[number];

/** Where a pool sets no relying party, locally: AWS would use the pool's domain. */
export const DEFAULT_RELYING_PARTY_ID = "localhost";

interface PoolEntry {
  tier?: UserPoolTierType;
  webAuthn?: WebAuthnConfigurationType;
}

interface SettingsDocument {
  pools: Record<string, PoolEntry>;
  clients: Record<string, { refreshTokenRotation?: RefreshTokenRotationType }>;
}

export class PoolSettings {
  private readonly store: JsonStore<SettingsDocument>;

  constructor(stateDir: string | undefined) {
    this.store = new JsonStore<SettingsDocument>(stateDir, "pool-settings.json", () => ({ pools: {}, clients: {} }));
  }

  /** The pool's feature plan (ESSENTIALS unless set otherwise, as for new pools on AWS). */
  tier(poolId: string): UserPoolTierType {
    return this.store.data.pools[poolId]?.tier ?? "ESSENTIALS";
  }

  setTier(poolId: string, tier: UserPoolTierType): void {
    this.store.update((d) => {
      d.pools[poolId] = { ...d.pools[poolId], tier };
    });
  }

  /** The pool's passkey settings, with the local defaults filled in. */
  webAuthn(poolId: string): { relyingPartyId: string; userVerification: "required" | "preferred" } {
    const config = this.storedWebAuthn(poolId);
    return {
      relyingPartyId: config?.RelyingPartyId ?? DEFAULT_RELYING_PARTY_ID,
      userVerification: config?.UserVerification === "required" ? "required" : "preferred",
    };
  }

  /** The pool's passkey settings as they were set (undefined: never set). */
  storedWebAuthn(poolId: string): WebAuthnConfigurationType | undefined {
    return this.store.data.pools[poolId]?.webAuthn;
  }

  setWebAuthn(poolId: string, webAuthn: WebAuthnConfigurationType): void {
    this.store.update((d) => {
      d.pools[poolId] = { ...d.pools[poolId], webAuthn };
    });
  }

  /** The client's refresh-token rotation (disabled unless set). */
  rotation(clientId: string): { enabled: boolean; graceSeconds: number } {
    const rotation = this.storedRotation(clientId);
    return { enabled: rotation?.Feature === "ENABLED", graceSeconds: rotation?.RetryGracePeriodSeconds ?? 0 };
  }

  /** The client's `RefreshTokenRotation` as it was set (undefined: never set). */
  storedRotation(clientId: string): RefreshTokenRotationType | undefined {
    return this.store.data.clients[clientId]?.refreshTokenRotation;
  }

  setRotation(clientId: string, refreshTokenRotation: RefreshTokenRotationType): void {
    this.store.update((d) => {
      d.clients[clientId] = { refreshTokenRotation };
    });
  }
}

/** The pool's allowed first factors (AWS's default when the policy sets none: password only). */
export function allowedFirstFactors(pool: UserPoolType): FirstFactor[] {
  const factors = pool.Policies?.SignInPolicy?.AllowedFirstAuthFactors;
  return factors && factors.length > 0 ? (factors as FirstFactor[]) : ["PASSWORD"];
}
