/**
 * The app under load: the production build served as `npm start` does (`node scripts/server.js`)
 * as a direct child process on loopback, with only the environment we give it
 * (ENV_FILES=none), its memory readable from /proc.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../emulator.ts";

const REMIX_CLI = path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js");
const SERVER = path.join(ROOT, "scripts/server.js");
const BUILD_ENTRY = path.join(ROOT, "build/index.js");
const MEMORY_PROBE = path.join(ROOT, "scripts/lib/load/memory-probe.cjs");

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Runs `remix build` unless build/index.js is newer than every source it is made from. */
export function ensureBuild(): "reused" | "built" {
  const sources = ["app", "remix.config.js", "package.json", "package-lock.json"]
    .map((f) => path.join(ROOT, f))
    .filter((f) => fs.existsSync(f));
  const newestSource = Math.max(...sources.map(newestMtime));
  if (fs.existsSync(BUILD_ENTRY) && fs.statSync(BUILD_ENTRY).mtimeMs >= newestSource) return "reused";
  execFileSync(process.execPath, [REMIX_CLI, "build"], {
    cwd: ROOT,
    stdio: "pipe",
    env: { ...process.env, NODE_ENV: "production" },
  });
  return "built";
}

/** The app's memory right after a full garbage collection (what it really holds on to). */
export interface MemoryAfterGc {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface Server {
  url: string;
  pid: number;
  /** The last lines it printed. */
  output(): string;
  /** Resident set size in bytes (VmRSS from /proc/<pid>/status). */
  rss(): number;
  /** Forces a full GC in the app (via the preloaded memory probe) and reports its memory afterwards. */
  memoryAfterGc(): Promise<MemoryAfterGc>;
  stop(): Promise<void>;
}

export async function startServer(port: number, env: Record<string, string>): Promise<Server> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--expose-gc", "--require", MEMORY_PROBE, SERVER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      ENV_FILES: "none",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_URL: url,
      // Every simulated user signs in from 127.0.0.1: lift the per-IP limit
      // (10 a minute by default), which would otherwise stop a load test at once.
      RATE_LIMIT_PER_MINUTE: "100000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // The server logs each request: keep draining (a full pipe would stall the
  // server), keep only the tail.
  const lines: string[] = [];
  const probeWaiters: ((m: MemoryAfterGc) => void)[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const fresh = (partial + chunk).split("\n");
      partial = fresh.pop()!;
      for (const line of fresh) {
        if (line.startsWith("[memory-probe] ")) probeWaiters.shift()?.(JSON.parse(line.slice(15)) as MemoryAfterGc);
      }
      lines.push(...fresh);
      if (lines.length > 400) lines.splice(0, lines.length - 200);
    });
  }
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const server: Server = {
    url,
    pid: child.pid!,
    output: () => lines.join("\n"),
    rss: () => readRss(child.pid!),
    memoryAfterGc() {
      return new Promise<MemoryAfterGc>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the app's memory probe did not answer")), 10_000);
        probeWaiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
        child.kill("SIGUSR2");
      });
    },
    async stop() {
      process.off("exit", killOnExit);
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`app exited before listening:\n${server.output()}`);
    try {
      await fetch(`${url}/healthz`);
      return server;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await server.stop();
  throw new Error(`app did not start in time:\n${server.output()}`);
}

export function readRss(pid: number): number {
  const kb = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}
