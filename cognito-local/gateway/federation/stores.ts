/**
 * What the gateway keeps for federation that cognito-local cannot hold, in
 * `<dataDir>/.gateway/` like its other state: each pool's identity providers,
 * the users those providers created (with the name AWS gives them,
 * `<ProviderName>_<sub>`, and the name cognito-local filed them under), and
 * the provider identities linked to existing users.
 */
import { JsonStore } from "../json-store.ts";
import type { Identity } from "./identities.ts";
import type { ProviderEndpoints, ProviderType } from "./provider-details.ts";

export interface StoredProvider {
  ProviderName: string;
  ProviderType: ProviderType;
  /** The details as given (checked), without what AWS derives. */
  details: Record<string, string>;
  /** Resolved at create or update for Google and OIDC: where sign-ins go. */
  endpoints?: ProviderEndpoints;
  AttributeMapping: Record<string, string>;
  IdpIdentifiers: string[];
  /** Epoch milliseconds. */
  CreationDate: number;
  LastModifiedDate: number;
}

export class IdentityProviders {
  private readonly store: JsonStore<{ pools: Record<string, Record<string, StoredProvider>> }>;

  constructor(stateDir: string | undefined) {
    this.store = new JsonStore(stateDir, "identity-providers.json", () => ({ pools: {} }));
  }

  list(poolId: string): StoredProvider[] {
    return Object.values(this.store.data.pools[poolId] ?? {}).sort((a, b) => a.CreationDate - b.CreationDate);
  }

  get(poolId: string, name: string): StoredProvider | undefined {
    return this.store.data.pools[poolId]?.[name];
  }

  byIdentifier(poolId: string, identifier: string): StoredProvider | undefined {
    return this.list(poolId).find((p) => p.IdpIdentifiers.includes(identifier));
  }

  put(poolId: string, provider: StoredProvider): void {
    this.store.update((draft) => {
      draft.pools[poolId] = { ...draft.pools[poolId], [provider.ProviderName]: provider };
    });
  }

  delete(poolId: string, name: string): void {
    this.store.update((draft) => {
      delete draft.pools[poolId]?.[name];
    });
  }
}

/** A user a provider sign-in created. */
export interface FederatedUser {
  poolId: string;
  /** `<ProviderName>_<sub>`: the username AWS gives it, and the one every answer shows. */
  username: string;
  /** The name cognito-local filed it under (its `sub` in a pool that signs in by email). */
  upstreamUsername: string;
  /** Its own identity (primary). */
  identity: Identity;
  /** AdminDisableProviderForUser turned its provider sign-in off. */
  providerDisabled?: boolean;
}

/** A provider identity that signs in as an existing user (AdminLinkProviderForUser). */
export interface Link {
  poolId: string;
  /** The destination, by the name cognito-local filed it under. */
  upstreamUsername: string;
  identity: Identity;
}

interface FederationState {
  users: FederatedUser[];
  links: Link[];
}

const sameIdentity = (i: Identity, providerName: string, userId: string) =>
  i.providerName === providerName && i.userId === userId;

export class FederatedUsers {
  private readonly store: JsonStore<FederationState>;

  constructor(stateDir: string | undefined) {
    this.store = new JsonStore<FederationState>(stateDir, "federated-users.json", () => ({ users: [], links: [] }));
  }

  byIdentity(poolId: string, providerName: string, userId: string): FederatedUser | undefined {
    return this.store.data.users.find((u) => u.poolId === poolId && sameIdentity(u.identity, providerName, userId));
  }

  /** By the AWS username (`Google_123…`), which Cognito compares without regard to case. */
  byUsername(poolId: string, username: string): FederatedUser | undefined {
    const wanted = username.toLowerCase();
    return this.store.data.users.find((u) => u.poolId === poolId && u.username.toLowerCase() === wanted);
  }

  byUpstream(poolId: string, upstreamUsername: string): FederatedUser | undefined {
    return this.store.data.users.find((u) => u.poolId === poolId && u.upstreamUsername === upstreamUsername);
  }

  add(user: FederatedUser): void {
    this.store.update((draft) => {
      draft.users.push(user);
    });
  }

  setProviderDisabled(poolId: string, upstreamUsername: string, disabled: boolean): void {
    this.store.update((draft) => {
      for (const u of draft.users)
        if (u.poolId === poolId && u.upstreamUsername === upstreamUsername) u.providerDisabled = disabled;
    });
  }

  /** Forgets a deleted user: its own record, and every link to it. */
  forget(poolId: string, upstreamUsername: string): void {
    if (!this.byUpstream(poolId, upstreamUsername) && this.linksTo(poolId, upstreamUsername).length === 0) return;
    this.store.update((draft) => {
      draft.users = draft.users.filter((u) => !(u.poolId === poolId && u.upstreamUsername === upstreamUsername));
      draft.links = draft.links.filter((l) => !(l.poolId === poolId && l.upstreamUsername === upstreamUsername));
    });
  }

  linkOf(poolId: string, providerName: string, userId: string): Link | undefined {
    return this.store.data.links.find((l) => l.poolId === poolId && sameIdentity(l.identity, providerName, userId));
  }

  linksTo(poolId: string, upstreamUsername: string): Link[] {
    return this.store.data.links.filter((l) => l.poolId === poolId && l.upstreamUsername === upstreamUsername);
  }

  link(link: Link): void {
    this.store.update((draft) => {
      draft.links.push(link);
    });
  }

  unlink(poolId: string, providerName: string, userId: string): void {
    this.store.update((draft) => {
      draft.links = draft.links.filter((l) => !(l.poolId === poolId && sameIdentity(l.identity, providerName, userId)));
    });
  }

  /** The user's `identities`: its own (a federated user), then each identity linked to it. */
  identitiesOf(poolId: string, upstreamUsername: string): Identity[] {
    const own = this.byUpstream(poolId, upstreamUsername)?.identity;
    return [...(own ? [own] : []), ...this.linksTo(poolId, upstreamUsername).map((l) => l.identity)];
  }
}
