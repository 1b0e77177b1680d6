/**
 * What the gateway reads from cognito-local's own data files rather than its
 * API: a user's password, which SRP needs for the password verifier and
 * which no API call returns (ADR 020). cognito-local keeps each pool in
 * `<dataDir>/.cognito/db/<pool id>.json`, written atomically (atomic-writes.cjs),
 * and a change is on disk before cognito-local answers the call that made it,
 * so a read after any answered call sees it.
 *
 * Read-only: the gateway never writes these files.
 */
import fs from "node:fs";
import path from "node:path";

/** A pool ID as cognito-local makes them (`local_` + 8 characters), or as AWS does; nothing else names a file. */
const POOL_ID = /^[\w-]+_[0-9A-Za-z]+$/;

interface PoolFile {
  /** The file's inode: every write renames a new file into place, so a new inode is a new state. */
  ino: number;
  mtimeMs: number;
  size: number;
  users: Record<string, { Password?: unknown }>;
}

export class CognitoLocalData {
  /** The last reading of each pool's file, kept while the file is unchanged. */
  private readonly cache = new Map<string, PoolFile>();

  /** @param dbDir cognito-local's data directory, `<dataDir>/.cognito/db`; undefined when the gateway runs without it */
  constructor(private readonly dbDir: string | undefined) {}

  /** Whether the gateway can read cognito-local's data (it was started with its data directory). */
  get available(): boolean {
    return this.dbDir !== undefined;
  }

  /**
   * The pool's passwords as cognito-local holds them now, the file read once:
   * the password of a user (by canonical username), or undefined when there is
   * none (a user who signed up without one, or no such user or pool). Never
   * rejects.
   */
  async passwords(poolId: string): Promise<(username: string) => string | undefined> {
    const users = await this.users(poolId);
    return (username) => {
      const password = users && Object.hasOwn(users, username) ? users[username]?.Password : undefined;
      return typeof password === "string" && password !== "" ? password : undefined;
    };
  }

  private async users(poolId: string): Promise<PoolFile["users"] | undefined> {
    if (!this.dbDir || !POOL_ID.test(poolId)) return undefined;
    const file = path.join(this.dbDir, `${poolId}.json`);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      return undefined;
    }
    const cached = this.cache.get(poolId);
    if (cached && cached.ino === stat.ino && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
      return cached.users;
    }
    let users: PoolFile["users"];
    try {
      const json = JSON.parse(await fs.promises.readFile(file, "utf8")) as { Users?: PoolFile["users"] };
      users = json.Users ?? {};
    } catch {
      return undefined;
    }
    this.cache.set(poolId, { ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size, users });
    return users;
  }
}
