/**
 * What the emulator stores survives concurrent writes and a restart: many
 * writing requests at once through the gateway (users, attributes, groups,
 * app clients with a setting only the gateway keeps), with the data files
 * read all the while; then a stop in the middle of such a burst. cognito-local
 * itself writes each file with an unsynchronised truncate-and-write; the
 * launcher preloads atomic, serialised writes into it (ADR 015).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  ListGroupsCommand,
  ListUsersCommand,
  type UserType,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive } from "../../../cognito-local/data-dir-lock.ts";
import { freePort } from "../../../cognito-local/free-port.ts";
import { type RunningLocalCognito, startLocalCognito } from "../../../cognito-local/gateway/index.ts";
import { sdk, uniqueEmail } from "./support.ts";

interface Emulator {
  dataDir: string;
  port: number;
  local?: RunningLocalCognito;
  client(): CognitoIdentityProviderClient;
  restart(): Promise<void>;
}

const started: Emulator[] = [];
afterEach(async () => {
  for (const e of started.splice(0)) {
    await e.local?.stop();
    fs.rmSync(e.dataDir, { recursive: true, force: true });
  }
});

async function emulator(): Promise<Emulator> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-durable-"));
  const port = await freePort();
  const e: Emulator = {
    dataDir,
    port,
    local: await startLocalCognito({ dataDir, port }),
    client: () => sdk(e.local!.url),
    async restart() {
      await e.local?.stop();
      e.local = undefined;
      e.local = await startLocalCognito({ dataDir, port });
    },
  };
  started.push(e);
  return e;
}

async function createPool(client: CognitoIdentityProviderClient): Promise<string> {
  const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: "durable" }));
  return UserPool!.Id!;
}

function createUser(client: CognitoIdentityProviderClient, poolId: string, email: string) {
  return client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: email,
      MessageAction: "SUPPRESS",
      TemporaryPassword: "Temp-passw0rd!",
      UserAttributes: [{ Name: "email", Value: email }],
    }),
  );
}

async function listUsers(client: CognitoIdentityProviderClient, poolId: string): Promise<UserType[]> {
  const users: UserType[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await client.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken }));
    users.push(...(page.Users ?? []));
    PaginationToken = page.PaginationToken;
  } while (PaginationToken);
  return users;
}

const attribute = (user: UserType, name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;

/**
 * Reads the files again and again until stopped; counts the reads, and the
 * ones that were not a whole JSON document (a file not there yet is skipped).
 */
function watchFiles(files: string[]) {
  let running = true;
  let reads = 0;
  const torn: string[] = [];
  const done = (async () => {
    while (running) {
      for (const file of files) {
        // Read at once (not queued behind the thread pool) and let the gateway
        // in this process carry on between reads.
        await new Promise((resolve) => setImmediate(resolve));
        let text: string;
        try {
          text = fs.readFileSync(file, "utf8");
        } catch {
          continue;
        }
        reads++;
        try {
          JSON.parse(text);
        } catch {
          torn.push(`${path.basename(file)} (${text.length} bytes)`);
        }
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { reads, torn };
    },
  };
}

describe("data that survives", () => {
  it("AWS keeps every change it has answered; the emulator's survive 100 concurrent writes and a restart, and its files are never seen half-written", async () => {
    const e = await emulator();
    const client = e.client();
    const poolId = await createPool(client);
    const existing = Array.from({ length: 20 }, () => uniqueEmail("existing"));
    await Promise.all(existing.map((email) => createUser(client, poolId, email)));

    const db = path.join(e.dataDir, ".cognito", "db");
    const watcher = watchFiles([
      path.join(db, `${poolId}.json`),
      path.join(db, "clients.json"),
      path.join(e.dataDir, ".gateway", "pool-settings.json"),
    ]);
    const created = Array.from({ length: 50 }, () => uniqueEmail("burst"));
    const groups = Array.from({ length: 20 }, (_, i) => `group-${i}`);
    const clientNames = Array.from({ length: 10 }, (_, i) => `client-${i}`);
    const [clients] = await Promise.all([
      Promise.all(
        clientNames.map((ClientName, i) =>
          client.send(
            new CreateUserPoolClientCommand({
              UserPoolId: poolId,
              ClientName,
              // Kept by the gateway, in its own store, not by cognito-local.
              RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: i },
            }),
          ),
        ),
      ),
      ...created.map((email) => createUser(client, poolId, email)),
      ...groups.map((GroupName) => client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName }))),
      ...existing.map((email, i) =>
        client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: poolId,
            Username: email,
            UserAttributes: [{ Name: "name", Value: `Updated ${i}` }],
          }),
        ),
      ),
    ]);
    const { reads, torn } = await watcher.stop();
    expect(reads, "the files should have been read while they were written").toBeGreaterThan(10);
    expect(torn, "a data file was seen half-written").toEqual([]);

    await e.restart();
    const after = e.client();
    const users = await listUsers(after, poolId);
    const byEmail = new Map(users.map((u) => [attribute(u, "email"), u]));
    expect(created.filter((email) => !byEmail.has(email))).toEqual([]);
    expect(existing.map((email) => attribute(byEmail.get(email)!, "name"))).toEqual(
      existing.map((_, i) => `Updated ${i}`),
    );
    const { Groups } = await after.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 60 }));
    expect(Groups?.map((g) => g.GroupName).sort()).toEqual([...groups].sort());
    for (const [i, made] of clients.entries()) {
      const { UserPoolClient } = await after.send(
        new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: made.UserPoolClient!.ClientId! }),
      );
      expect(UserPoolClient?.ClientName).toBe(clientNames[i]);
      expect(UserPoolClient?.RefreshTokenRotation).toEqual({ Feature: "ENABLED", RetryGracePeriodSeconds: i });
    }
  });

  it("AWS keeps every change it has answered; so does the emulator stopped in the middle of a burst of writes, and it starts again", async () => {
    const e = await emulator();
    const poolId = await createPool(e.client());
    const client = e.client();
    const emails = Array.from({ length: 100 }, () => uniqueEmail("stopped"));
    const answered: string[] = [];
    let stopping: Promise<void> | undefined;
    await Promise.allSettled(
      emails.map((email) =>
        createUser(client, poolId, email).then(() => {
          answered.push(email);
          // Stopped while the rest are still being written (as Ctrl-C stops npm run dev).
          if (answered.length === 40) stopping = e.local!.stop();
        }),
      ),
    );
    await stopping;
    expect(answered.length).toBeGreaterThanOrEqual(40);

    await e.restart();
    const found = new Set((await listUsers(e.client(), poolId)).map((u) => attribute(u, "email")));
    expect(answered.filter((email) => !found.has(email))).toEqual([]);
  });
});

describe("one emulator per data directory", () => {
  it("refuses a second emulator on a data directory another one runs on, naming it, and changes nothing; once the first stops, the directory is free", async () => {
    const e = await emulator();
    const client = e.client();
    const poolId = await createPool(client);
    const before = fs.readdirSync(path.join(e.dataDir, ".cognito", "db")).sort();

    const second = startLocalCognito({ dataDir: e.dataDir, port: await freePort() });
    await expect(second).rejects.toThrow(
      new RegExp(
        `data directory ${escapeRegExp(e.dataDir)} is in use by another emulator \\(process ${process.pid}\\)`,
      ),
    );
    // The first one still answers, and nothing was started or written beside it.
    expect((await client.send(new ListUsersCommand({ UserPoolId: poolId }))).Users).toEqual([]);
    expect(fs.readdirSync(path.join(e.dataDir, ".cognito", "db")).sort()).toEqual(before);

    await e.restart();
    expect((await e.client().send(new ListUsersCommand({ UserPoolId: poolId }))).Users).toEqual([]);
  });

  it("takes over a lock left by a process that is gone (a crash or a SIGKILL)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-stale-lock-"));
    try {
      // A process ID that is certainly gone: a child that has exited.
      const gone = spawnSync(process.execPath, ["-e", "0"]).pid!;
      fs.writeFileSync(path.join(dataDir, ".emulator.lock"), `${gone}\n`);
      const local = await startLocalCognito({ dataDir, port: await freePort() });
      try {
        expect(fs.readFileSync(path.join(dataDir, ".emulator.lock"), "utf8").trim()).toBe(String(process.pid));
      } finally {
        await local.stop();
      }
      expect(fs.existsSync(path.join(dataDir, ".emulator.lock"))).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("an emulator whose launcher dies", () => {
  it("ends with the process that started it, even on a SIGKILL (no exit hook runs): no orphan keeps its port or its data directory", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-orphan-"));
    const script = path.join(dataDir, "launch.mts");
    const gateway = path.resolve("cognito-local/gateway/index.ts");
    const ports = path.resolve("cognito-local/free-port.ts");
    fs.writeFileSync(
      script,
      [
        `import { startLocalCognito } from ${JSON.stringify(gateway)};`,
        `import { freePort } from ${JSON.stringify(ports)};`,
        `const local = await startLocalCognito({ dataDir: ${JSON.stringify(dataDir)}, port: await freePort() });`,
        "console.log(JSON.stringify({ pid: local.pid }));",
        "setInterval(() => {}, 1000);",
      ].join("\n"),
    );
    const launcher = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        launcher.stdout!.setEncoding("utf8");
        launcher.stdout!.on("data", (chunk: string) => {
          out += chunk;
          const done = out.split("\n").find((l) => l.startsWith("{"));
          if (done) resolve(done);
        });
        launcher.once("exit", (code) => reject(new Error(`the launcher exited (${code}) before the emulator started`)));
      });
      const { pid } = JSON.parse(line) as { pid: number };
      expect(isAlive(pid)).toBe(true);

      launcher.kill("SIGKILL");
      const deadline = Date.now() + 15_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(isAlive(pid), "cognito-local outlived the process that started it").toBe(false);

      // Its lock names a process that is gone: a new emulator takes the directory.
      const local = await startLocalCognito({ dataDir, port: await freePort() });
      await local.stop();
    } finally {
      launcher.kill("SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
