/**
 * The local identity provider's fixtures: the people who can sign in there,
 * and the two clients the emulator signs in as (one standing in for Google,
 * one for a company's own OpenID provider). The one list that the provider
 * (scripts/lib/local-idp), the seed, `npm run dev`'s console and the
 * development home page read; in the app because the app shows it.
 *
 * Plain data with no imports, like demo-accounts.server.ts. The passwords and
 * client secrets are published fixtures of a loopback-only development
 * provider, never real credentials.
 */

export interface LocalIdpPerson {
  /** The provider's stable subject (Google's are long numbers; so are these). */
  sub: string;
  email: string;
  /** What the provider says in `email_verified`. */
  emailVerified: boolean;
  name: string;
  givenName: string;
  familyName: string;
  password: string;
  /** What signing in as this person shows, in one sentence (dev console and home page). */
  demonstrates: string;
}

export const LOCAL_IDP_PEOPLE: LocalIdpPerson[] = [
  {
    sub: "100000000000000000001",
    email: "demo@example.com",
    emailVerified: true,
    name: "Demo User",
    givenName: "Demo",
    familyName: "User",
    password: "ProviderPassw0rd!",
    demonstrates:
      "The demo account's own address, verified by the provider: the first sign-in links to demo@example.com (one person, one account).",
  },
  {
    sub: "100000000000000000002",
    email: "newcomer@example.net",
    emailVerified: true,
    name: "New Comer",
    givenName: "New",
    familyName: "Comer",
    password: "ProviderPassw0rd!",
    demonstrates: "Nobody here has this address: the first sign-in creates a new federated account.",
  },
  {
    sub: "100000000000000000003",
    email: "admin@example.com",
    emailVerified: false,
    name: "Unverified Claimant",
    givenName: "Unverified",
    familyName: "Claimant",
    password: "ProviderPassw0rd!",
    demonstrates:
      "Claims admin@example.com without the provider having verified it: never linked to that account, so the sign-in is refused.",
  },
];

/** One relying party registered at the local provider: the emulator, as one of its identity providers. */
export interface LocalIdpClient {
  /** The identity provider's name in the user pool (`identity_provider=` on /oauth2/authorize). */
  providerName: string;
  /** `Google` or `OIDC`: the type the seed creates it as. */
  providerType: "Google" | "OIDC";
  /** What the app's button says: "Continue with …". */
  label: string;
  clientId: string;
  clientSecret: string;
}

export const LOCAL_IDP_CLIENTS: LocalIdpClient[] = [
  {
    providerName: "Google",
    providerType: "Google",
    label: "Google",
    clientId: "local-google.apps.localhost",
    clientSecret: "local-google-client-secret",
  },
  {
    providerName: "ExampleCorp",
    providerType: "OIDC",
    label: "ExampleCorp",
    clientId: "local-examplecorp",
    clientSecret: "local-examplecorp-client-secret",
  },
];

/** The identity providers the seed allows on the app's client, in the order the app shows them. */
export const LOCAL_IDENTITY_PROVIDERS = LOCAL_IDP_CLIENTS.map((c) => c.providerName);
