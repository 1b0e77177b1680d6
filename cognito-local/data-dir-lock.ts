import fs from "node:fs";
import path from "node:path";

/**
 * One emulator per data directory. Two emulators on one directory would each
 * rewrite the same files from their own memory, and the last write wins; so
 * the second is refused at start, with a message that says which directory
 * and which process holds it. The lock is a file naming the holder's process
 * ID, made with O_EXCL; a lock whose process is gone (a crash, a SIGKILL) is
 * taken over.
 */
export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = ".emulator.lock";

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  // A stale lock is removed once, then the O_EXCL create decides: two starts
  // racing for a stale lock cannot both win.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return {
        release() {
          // Only our own lock: after a takeover the file may be another's.
          if (holder(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = holder(file);
    if (pid !== undefined && isAlive(pid)) {
      throw new Error(
        `the emulator's data directory ${dataDir} is in use by another emulator (process ${pid}). ` +
          "Stop that one, or give this one another data directory. " +
          `If no emulator runs, delete ${file}.`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not lock the emulator's data directory ${dataDir}: delete ${file} and start again`);
}

/** The process ID a lock file names, if it names one. */
function holder(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this ID runs (one we may not signal counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process we may not signal is still a process.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
