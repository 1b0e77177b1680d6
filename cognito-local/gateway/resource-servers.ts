/**
 * The pools' resource servers and their custom scopes, which cognito-local
 * 5.3.0 has no notion of: kept durably by the gateway (the operations that
 * manage them are in operations/resource-servers.ts), and read by the client
 * checks and the token endpoint. A custom scope is `<identifier>/<scope name>`,
 * as AWS writes it in tokens.
 *
 * Stored as a list, not keyed by identifier: identifiers are client-chosen
 * strings, and a plain object keyed by `__proto__` would misbehave.
 */
import type { ResourceServerType } from "@aws-sdk/client-cognito-identity-provider";
import { JsonStore } from "./json-store.ts";

export interface StoredResourceServer {
  UserPoolId: string;
  Identifier: string;
  Name: string;
  Scopes: Array<{ ScopeName: string; ScopeDescription: string }>;
}

export class ResourceServers {
  private readonly store: JsonStore<{ servers: StoredResourceServer[] }>;

  constructor(stateDir: string | undefined) {
    this.store = new JsonStore(stateDir, "resource-servers.json", () => ({ servers: [] }));
  }

  /** The pool's resource servers, in the order they were created. */
  list(poolId: string): ResourceServerType[] {
    return this.store.data.servers.filter((s) => s.UserPoolId === poolId).map(copy);
  }

  get(poolId: string, identifier: string): ResourceServerType | undefined {
    const found = this.find(poolId, identifier);
    return found ? copy(found) : undefined;
  }

  /** Adds the server, or replaces the one with its identifier. */
  put(server: StoredResourceServer): void {
    this.store.update((d) => {
      const at = d.servers.findIndex((s) => s.UserPoolId === server.UserPoolId && s.Identifier === server.Identifier);
      if (at >= 0) d.servers[at] = server;
      else d.servers.push(server);
    });
  }

  /** False when there was none. */
  delete(poolId: string, identifier: string): boolean {
    if (!this.find(poolId, identifier)) return false;
    this.store.update((d) => {
      d.servers = d.servers.filter((s) => !(s.UserPoolId === poolId && s.Identifier === identifier));
    });
    return true;
  }

  /** Whether `<identifier>/<scope name>` names a scope one of the pool's resource servers defines now. */
  hasScope(poolId: string, scope: string): boolean {
    return this.store.data.servers.some(
      (s) =>
        s.UserPoolId === poolId &&
        scope.startsWith(`${s.Identifier}/`) &&
        s.Scopes.some((x) => `${s.Identifier}/${x.ScopeName}` === scope),
    );
  }

  private find(poolId: string, identifier: string): StoredResourceServer | undefined {
    return this.store.data.servers.find((s) => s.UserPoolId === poolId && s.Identifier === identifier);
  }
}

function copy(server: StoredResourceServer): ResourceServerType {
  return { ...server, Scopes: server.Scopes.map((s) => ({ ...s })) };
}
