/**
 * A small durable JSON document for the gateway's own state (what
 * cognito-local cannot hold: passkeys, settings it drops, which users have no
 * password). Read once at start-up; every change is written at once,
 * atomically (temporary file + rename), so an answered request survives a
 * crash or restart. Without a directory the document lives in memory only.
 */
import fs from "node:fs";
import path from "node:path";

export class JsonStore<T extends object> {
  private value: T;
  private readonly file: string | undefined;

  /**
   * @param dir the gateway's state directory (`<dataDir>/.gateway`), or
   *   undefined to keep the document in memory
   * @param name file name inside it, e.g. `webauthn-credentials.json`
   * @param empty the document when there is no file yet
   */
  constructor(dir: string | undefined, name: string, empty: () => T) {
    this.file = dir ? path.join(dir, name) : undefined;
    this.value = empty();
    if (this.file && fs.existsSync(this.file)) {
      try {
        this.value = { ...empty(), ...(JSON.parse(fs.readFileSync(this.file, "utf8")) as T) };
      } catch (error) {
        // A corrupt file must not take the emulator down, nor be silently
        // overwritten: keep it aside and start empty.
        const aside = `${this.file}.corrupt-${Date.now()}`;
        fs.renameSync(this.file, aside);
        process.emitWarning(
          `gateway state ${this.file} was unreadable (${(error as Error).message}); moved to ${aside}`,
        );
      }
    }
  }

  /** The document, read-only: change it with `update`. */
  get data(): Readonly<T> {
    return this.value;
  }

  /** Applies a change to the document and writes it to disk before returning. */
  update<R>(change: (draft: T) => R): R {
    const result = change(this.value);
    this.write();
    return result;
  }

  private write(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(this.value, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
