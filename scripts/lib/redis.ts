/**
 * A real `redis-server` for the tests, the bench and the load script (Debian's package:
 * /usr/bin/redis-server; CI installs it), started the way the harness starts cognito-local: a free
 * loopback port, a fresh temporary directory, no password, nothing shared with another user.
 *
 * `stop()` and `start()` keep the port and the directory, so tests can take Redis away (an outage)
 * and bring the same server address back. By default nothing is persisted, so a restart comes back
 * EMPTY — the harsher case a store must survive (`persist: true` turns on the append-only file).
 * `dispose()` stops it and deletes the directory; the process is also killed if the test process
 * exits without calling it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../cognito-local/free-port.ts";

export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? "/usr/bin/redis-server";

export interface RunningRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  dir: string;
  readonly running: boolean;
  /** The server's process id while it runs (for CPU and memory readings), else undefined. */
  readonly pid: number | undefined;
  /** Stops the server: SIGTERM by default, SIGKILL to simulate a crash. Resolves once it has exited. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** Starts it again on the same port and directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its directory. Safe to call twice. */
  dispose(): Promise<void>;
  /** The server's own log so far (for failure messages). */
  output(): string;
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export interface StartRedisOptions {
  /** Append-only file on: a restart keeps the data. Default off (a restart comes back empty). */
  persist?: boolean;
  /** A port chosen beforehand (e.g. to point an app at it before Redis is up). Default: a free one. */
  port?: number;
  /** Reserve the port and directory but do not start yet (call `start()`). */
  deferStart?: boolean;
}

export async function startRedis(options: StartRedisOptions = {}): Promise<RunningRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "remix-cognito-redis-"));
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  let log = "";

  const start = async () => {
    if (child) return;
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      options.persist ? "yes" : "no",
      "--daemonize",
      "no",
      "--loglevel",
      "notice",
    ];
    const logFrom = log.length;
    const proc = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    live.add(proc);
    exited = new Promise<void>((resolve) =>
      proc.once("exit", () => {
        live.delete(proc);
        if (child === proc) child = undefined;
        resolve();
      }),
    );
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!error) return resolve();
        proc.kill("SIGKILL");
        reject(error);
      };
      const timer = setTimeout(() => settle(new Error(`redis-server did not start in 10 s:\n${log}`)), 10_000);
      proc.stdout!.on("data", (chunk: Buffer) => {
        log += chunk;
        if (log.includes("Ready to accept connections", logFrom)) settle();
      });
      proc.stderr!.on("data", (chunk: Buffer) => (log += chunk));
      proc.once("error", (error) => settle(new Error(`could not run ${REDIS_SERVER}: ${error.message}`)));
      void exited!.then(() => settle(new Error(`redis-server exited before it was ready:\n${log}`)));
    });
  };

  const stop = async (signal: "SIGTERM" | "SIGKILL" = "SIGTERM") => {
    const current = child;
    if (!current) return;
    current.kill(signal);
    const timer = setTimeout(() => current.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await stop("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    if (!options.deferStart) await start();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return child !== undefined;
    },
    get pid() {
      return child?.pid;
    },
    stop,
    start,
    dispose,
    output: () => log,
  };
}
