/**
 * Start and stop cognito-local as a child process.
 *
 * Used by `npm run dev`, `npm run emulator`, the test harness and the bench, so
 * the emulator always starts the same way: `node .../cognito-local/lib/bin/start.js`
 * spawned directly (not through npx, whose child would outlive a kill), with
 * preload.cjs loaded first (its data files written atomically), its working
 * directory set to a data directory holding `.cognito/config.json`, ready
 * when `GET /health` answers, stopped by PID.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const START_JS = path.join(HERE, "../node_modules/cognito-local/lib/bin/start.js");
const BASE_CONFIG = path.join(HERE, "config.json");
/** Loaded into cognito-local first: atomic, serialised writes of its data files (atomic-writes.cjs, ADR 015). */
const PRELOAD = path.join(HERE, "preload.cjs");

export interface EmulatorOptions {
  /** Folder the emulator runs in; its data lives in `<dataDir>/.cognito/db`. */
  dataDir: string;
  port: number;
  /** Interface to listen on. Loopback only. */
  host?: string;
  /**
   * The base URL clients reach the emulator at. Tokens carry
   * `iss = <issuerDomain>/<poolId>`, so this must be the URL the app fetches
   * the JWKS from. Defaults to `http://<host>:<port>`.
   */
  issuerDomain?: string;
  /** Extra environment, e.g. `CODE` to fix confirmation codes in tests. */
  env?: Record<string, string>;
  /** Each line the emulator prints (default: discarded). */
  onLog?: (line: string) => void;
  /** How long to wait for `/health`. */
  timeoutMs?: number;
}

export interface RunningEmulator {
  url: string;
  port: number;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Writes `<dataDir>/.cognito/config.json`: the committed config plus the real issuer URL. */
export function writeEmulatorConfig(dataDir: string, issuerDomain: string): void {
  const base = JSON.parse(fs.readFileSync(BASE_CONFIG, "utf8")) as Record<string, unknown>;
  const config = {
    ...base,
    TokenConfig: { ...(base.TokenConfig as object | undefined), IssuerDomain: issuerDomain },
  };
  fs.mkdirSync(path.join(dataDir, ".cognito"), { recursive: true });
  fs.writeFileSync(path.join(dataDir, ".cognito/config.json"), `${JSON.stringify(config, null, 2)}\n`);
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last line of defence against orphans: whatever way this process ends,
  // take the emulators it started with it.
  process.on("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? "127.0.0.1";
  const url = `http://${host}:${options.port}`;
  writeEmulatorConfig(options.dataDir, options.issuerDomain ?? url);

  const child = spawn(process.execPath, ["--require", PRELOAD, START_JS], {
    cwd: options.dataDir,
    env: {
      ...process.env,
      ...options.env,
      PORT: String(options.port),
      HOST: host,
      NO_COLOR: "1",
      FORCE_COLOR: "0",
      COGNITO_LOCAL_EXIT_WITH_PARENT: "1",
    },
    // stdin: a pipe this process holds, whose closing ends cognito-local (preload.cjs).
    stdio: ["pipe", "pipe", "pipe"],
  });
  installExitHook();
  running.add(child);

  const output: string[] = [];
  const onLine = (line: string) => {
    output.push(line);
    if (output.length > 200) output.shift();
    options.onLog?.(line);
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffer = "";
    let idle: NodeJS.Timeout | undefined;
    let flushed = false;
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      // The newline that ends a line we already flushed.
      if (flushed && chunk.startsWith("\n")) chunk = chunk.slice(1);
      flushed = false;
      buffer += chunk;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      // cognito-local's pretty logger ends an entry's line only when it writes
      // the next one; don't sit on the last entry (often a confirmation code).
      clearTimeout(idle);
      if (buffer) {
        idle = setTimeout(() => {
          if (buffer) onLine(buffer);
          buffer = "";
          flushed = true;
        }, 100);
        idle.unref();
      }
    });
  }

  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let early: number | null | undefined;
  void exited.then((code) => (early = code));
  while (Date.now() < deadline) {
    if (early !== undefined) {
      throw new Error(`cognito-local exited (code ${early}) before it was ready:\n${output.join("\n")}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return { url, port: options.port, pid: child.pid!, process: child, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`cognito-local did not answer ${url}/health in time:\n${output.join("\n")}`);
}
