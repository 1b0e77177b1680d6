/**
 * A user's outside identities, as Cognito records them: the `identities`
 * attribute (a JSON string, `primary` a boolean and `dateCreated` epoch
 * milliseconds) and the `identities` claim of the ID token (the same objects
 * with every value a string). One per provider identity: the federated user's
 * own (primary), or each one linked to a user (not primary).
 */

export interface Identity {
  /** The provider's subject (`sub` for Google and OIDC). */
  userId: string;
  providerName: string;
  providerType: string;
  /** The OIDC issuer for OIDC providers; null for social ones (as AWS shows for Google). */
  issuer: string | null;
  primary: boolean;
  /** Epoch milliseconds. */
  dateCreated: number;
}

/** The value of the `identities` user attribute, as `AdminGetUser` and `ListUsers` show it. */
export function identitiesAttribute(identities: readonly Identity[]): string {
  return JSON.stringify(
    identities.map((i) => ({
      userId: i.userId,
      providerName: i.providerName,
      providerType: i.providerType,
      issuer: i.issuer,
      primary: i.primary,
      dateCreated: i.dateCreated,
    })),
  );
}

/** The `identities` claim of an ID token: the same entries, every value but `issuer` a string. */
export function identitiesClaim(identities: readonly Identity[]): Record<string, string | null>[] {
  return identities.map((i) => ({
    userId: i.userId,
    providerName: i.providerName,
    providerType: i.providerType,
    issuer: i.issuer,
    primary: String(i.primary),
    dateCreated: String(i.dateCreated),
  }));
}
