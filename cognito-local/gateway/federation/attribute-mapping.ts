/**
 * From a provider's claims to user pool attributes, by the provider's
 * `AttributeMapping` (pool attribute → provider claim), as Cognito does on
 * every federated sign-in: only claims that are present are mapped (a claim
 * that disappears leaves the attribute as it was), booleans and numbers
 * become strings, and "by default, mapped email addresses are unverified":
 * `email` mapped without `email_verified` sets it to "false".
 */

/** The longest value Cognito stores in an attribute. */
export const MAX_ATTRIBUTE_LENGTH = 2048;

export class AttributeMappingError extends Error {
  constructor(readonly attribute: string) {
    super(`the provider's value for ${attribute} is longer than ${MAX_ATTRIBUTE_LENGTH} characters`);
    this.name = "AttributeMappingError";
  }
}

/**
 * The attributes to write. `username` is not one: Cognito names a federated
 * user `<ProviderName>_<sub>` whatever it is mapped to.
 */
export function mapAttributes(mapping: Readonly<Record<string, string>>, claims: Readonly<Record<string, unknown>>) {
  const attributes: Record<string, string> = {};
  for (const [attribute, claim] of Object.entries(mapping)) {
    if (attribute === "username" || !Object.hasOwn(claims, claim)) continue;
    const value = stringValue(claims[claim]);
    if (value === undefined) continue;
    if (value.length > MAX_ATTRIBUTE_LENGTH) throw new AttributeMappingError(attribute);
    attributes[attribute] = value;
  }
  if (attributes.email !== undefined && !Object.hasOwn(mapping, "email_verified")) attributes.email_verified = "false";
  if (attributes.email_verified !== undefined) attributes.email_verified = String(attributes.email_verified === "true");
  return attributes;
}

function stringValue(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  // Several values: form-encoded and comma-separated, as Cognito stores multi-valued claims.
  if (Array.isArray(value)) return value.map((v) => encodeURIComponent(String(v))).join(",");
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return undefined;
}
