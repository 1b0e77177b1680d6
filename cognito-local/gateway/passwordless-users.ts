/**
 * Which users have no password (they signed up without one). cognito-local
 * stores such a user with an empty password but says nothing of it through
 * its API, and AWS leaves PASSWORD out of their choices at sign-in. Durable;
 * a user leaves the list once a password is set for them.
 */
import { JsonStore } from "./json-store.ts";

const key = (poolId: string, username: string) => `${poolId}/${username}`;

export class PasswordlessUsers {
  private readonly store: JsonStore<{ users: Record<string, true> }>;

  constructor(stateDir: string | undefined) {
    this.store = new JsonStore(stateDir, "passwordless-users.json", () => ({ users: {} }));
  }

  has(poolId: string, username: string): boolean {
    return this.store.data.users[key(poolId, username)] === true;
  }

  add(poolId: string, username: string): void {
    this.store.update((d) => {
      d.users[key(poolId, username)] = true;
    });
  }

  /** The user now has a password. */
  remove(poolId: string, username: string): void {
    if (this.has(poolId, username)) this.store.update((d) => void delete d.users[key(poolId, username)]);
  }
}
