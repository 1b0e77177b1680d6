/**
 * The local Cognito (cognito-local behind its parity gateway) in a process of
 * its own, for the bench.
 *
 * Why not in the bench's process, as the tests run it: the bench times the
 * app's sign-ins against the bare Cognito calls the app makes. With the
 * gateway in the bench's own event loop, the bare client's request reached it
 * without crossing a process, while the app's calls always crossed one (app →
 * gateway). That difference is the machine's, not the app's work: measured at
 * ≈ 1.6 ms per call on the bench's VM (the same bare calls made from a child
 * process took 14.3 and 19.2 ms p50 against 12.6 and 17.6 ms from the
 * gateway's process). Real Cognito is another machine for every caller, so
 * both sides now reach the emulator the same way.
 *
 * Run as a script (`node --import tsx emulator-process.ts <options JSON>`), it
 * is the child: it starts the emulator, prints one `ready <url> <cognito-local's url>` line, and
 * stops on SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import url from "node:url";
import { type LocalCognitoOptions, startLocalCognito } from "../../../cognito-local/gateway/index.ts";
import { ownChild } from "../owned-child.ts";
import { ROOT } from "../root.ts";

export interface EmulatorProcess {
  /** The gateway's URL (COGNITO_ENDPOINT). */
  url: string;
  /** cognito-local's own URL, behind the gateway (to time it alone). */
  upstreamUrl: string;
  /** The gateway's process (cognito-local runs in a child of it). */
  pid: number;
  stop(): Promise<void>;
}

type ChildOptions = Pick<LocalCognitoOptions, "dataDir" | "port" | "env">;

const SELF = url.fileURLToPath(import.meta.url);

export async function startEmulatorProcess(options: ChildOptions): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", SELF, JSON.stringify(options)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const owned = ownChild(child);
  let output = "";
  const ready = new Promise<[string, string]>((resolve, reject) => {
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => (output = (output + chunk).slice(-4000)));
    child.stdout!.on("data", (chunk: string) => {
      output = (output + chunk).slice(-4000);
      const match = output.match(/^ready (\S+) (\S+)$/m);
      if (match) resolve([match[1]!, match[2]!]);
    });
    void owned.exited.then(() => reject(new Error(`the emulator process exited before it was ready:\n${output}`)));
  });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    const [gatewayUrl, upstreamUrl] = await ready;
    return { url: gatewayUrl, upstreamUrl, pid: child.pid!, stop: owned.stop };
  } finally {
    clearTimeout(timeout);
  }
}

// The child: start, say where, stop on SIGTERM (cognito-local with it).
if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const options = JSON.parse(process.argv[2] ?? "{}") as ChildOptions;
  const emulator = await startLocalCognito(options);
  process.once("SIGTERM", () => void emulator.stop().finally(() => process.exit(0)));
  console.log(`ready ${emulator.url} ${emulator.upstreamUrl}`);
}
