/**
 * A child process a script owns (the bench's app servers, its emulator): never
 * left behind, however the script ends, and stopped the same way everywhere.
 */
import type { ChildProcess } from "node:child_process";

export interface OwnedChild {
  /** Resolves once the child has exited. */
  readonly exited: Promise<void>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once it has exited. */
  stop(): Promise<void>;
}

export function ownChild(child: ChildProcess, graceMs = 10_000): OwnedChild {
  let exitedYet = false;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exitedYet = true;
      resolve();
    }),
  );
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  return {
    exited,
    hasExited: () => exitedYet,
    async stop() {
      process.off("exit", killOnExit);
      if (exitedYet) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
