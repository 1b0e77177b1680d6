/**
 * The app as a child process for `npm run bench` and `npm run load`: the
 * production build, served the way `npm start` serves it, started like
 * test/support/app.ts starts it (a direct child process, loopback,
 * ENV_FILES=none so only the environment we pass counts), without vitest.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ownChild } from "./owned-child.ts";
import { ROOT } from "./root.ts";

const REMIX_CLI = path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js");
const BUILD_ENTRY = path.join(ROOT, "build/index.js");

/**
 * The server script of `npm start` (`node <script>`), as node arguments: run
 * directly, with no npm or shell in between, so the PID we sample for memory
 * is the server's own. Read from package.json so a bench of another checkout
 * (`root`) runs that checkout's server.
 */
export function productionServer(root = ROOT): { args: string[]; describe: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const start = pkg.scripts?.start ?? "";
  // `node [flags] <script>`: the flags (heap sizing, say) are part of what is measured.
  const match = start.match(/^node\s+((?:--?[\w-]+(?:=\S+)?\s+)*)(\S+\.m?js)\s*$/);
  if (!match) throw new Error(`${root}/package.json: "npm start" must be "node [flags] <script>", found "${start}"`);
  const flags = match[1]!.trim().split(/\s+/).filter(Boolean);
  const script = match[2]!;
  return { args: [...flags, path.join(root, script)], describe: `node ${[...flags, script].join(" ")}` };
}

/** Newest modification time (ms) of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/**
 * Runs `remix build` with the bench's routes (BENCH_ROUTES=1, remix.config.js)
 * unless build/ is newer than every source it is made from and already
 * contains them. Returns what it did.
 */
export function ensureBuild(): "reused" | "built" {
  const sources = Math.max(
    newestMtime(path.join(ROOT, "app")),
    ...["remix.config.js", "package.json", "package-lock.json"]
      .map((f) => path.join(ROOT, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.statSync(f).mtimeMs),
  );
  const fresh =
    fs.existsSync(BUILD_ENTRY) &&
    fs.statSync(BUILD_ENTRY).mtimeMs >= sources &&
    fs.readFileSync(BUILD_ENTRY, "utf8").includes('"bench/dashboard"');
  if (fresh) return "reused";
  execFileSync(process.execPath, [REMIX_CLI, "build"], {
    cwd: ROOT,
    stdio: "pipe",
    env: { ...process.env, NODE_ENV: "production", BENCH_ROUTES: "1" },
  });
  return "built";
}

export interface AppProcess {
  url: string;
  pid: number;
  /** How it was started, e.g. "node server/index.js". */
  server: string;
  /** The last lines the app printed (stdout and stderr). */
  output(): string;
  /** Resident set size of the server process, in bytes (from /proc/<pid>/status VmRSS). */
  rss(): number;
  /** CPU time the server process has used so far (user + system), in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface StartAppOptions {
  port: number;
  env: Record<string, string>;
  /** Extra node flags for the server, e.g. `--cpu-prof` (written when the server exits). */
  nodeArgs?: string[];
  /** Project folder to serve `build/index.js` from (default: this repository). */
  root?: string;
  /** Another server script to run instead of `npm start`'s (node arguments, and how to describe it). */
  server?: { args: string[]; describe: string };
  /** Each line the server prints (for diagnostics; the last lines are kept regardless). */
  onLine?: (line: string) => void;
}

export async function startApp(options: StartAppOptions): Promise<AppProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const server = options.server ?? productionServer(options.root);
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...server.args], {
    cwd: options.root ?? ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      ENV_FILES: "none",
      HOST: "127.0.0.1",
      PORT: String(options.port),
      APP_URL: url,
      // A production build against the local emulator, on loopback: say so
      // (production refuses COGNITO_ENDPOINT, http:// and bench routes otherwise).
      ALLOW_EMULATOR_IN_PRODUCTION: "1",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The server logs every request: keep reading (a full pipe would stall the
  // server) but keep only the tail.
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const fresh = (partial + chunk).split("\n");
      partial = fresh.pop()!;
      for (const line of fresh) options.onLine?.(line);
      lines.push(...fresh);
      if (lines.length > 400) lines.splice(0, lines.length - 200);
    });
  }
  // The server closes on SIGTERM and exits once idle (writing any --cpu-prof);
  // pending timers (e.g. a render's abort timer) can delay that.
  const owned = ownChild(child);
  const stop = owned.stop;
  const app: AppProcess = {
    url,
    pid: child.pid!,
    server: server.describe,
    output: () => lines.join("\n"),
    rss: () => readRss(child.pid!),
    cpuMs: () => readCpuMs(child.pid!),
    stop,
  };

  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (owned.hasExited()) throw new Error(`app exited before listening:\n${app.output()}`);
    try {
      await fetch(`${url}/healthz`);
      return app;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`app did not start in time:\n${app.output()}`);
}

/** VmRSS of a process, in bytes. */
export function readRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** User + system CPU time of a process, in ms (from /proc/<pid>/stat; Linux USER_HZ is 100). */
export function readCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name (which may contain spaces).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) * 10;
}
