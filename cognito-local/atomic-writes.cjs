// @ts-check
/**
 * Makes cognito-local's data files' writes atomic and serialised, without
 * changing cognito-local itself (ADR 015): preload.cjs installs it in the
 * emulator's process before cognito-local starts.
 *
 * cognito-local 5.3.0 keeps each user pool, and its app clients, in a JSON
 * file through stormdb, whose engine saves with `fs.writeFile` on the file
 * itself: the file is truncated, then written, and every request that
 * changes anything starts such a write at once, whether or not another is
 * under way. So under concurrent requests the file is almost always being
 * rewritten: a reader (a restart) sees it empty or half-written, and a stop
 * or crash in that window leaves it so for good — cognito-local then starts
 * with the pool empty, or not at all. Overlapping writes can also finish out
 * of order, leaving an older state, or a shorter state over a longer one's
 * tail.
 *
 * Here each file has one writer: one write at a time, to a temporary file
 * that is then renamed over the data file (so the file is always a whole
 * state, old or new), and saves that arrive during a write are folded into
 * the next one, which writes the state as it is then. A save resolves once a
 * write begun after it has been renamed into place, so what cognito-local
 * has answered is on disk.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/**
 * Writes `text` to `file` atomically: a temporary file beside it, renamed
 * over it. The temporary name does not end in `.json`, so cognito-local,
 * which reads every `*.json` in its data directory as a pool, never takes a
 * leftover one for a pool.
 * @param {string} file
 * @param {string} text
 */
async function writeFileAtomic(file, text) {
  const tmp = `${file}.tmp`;
  await fs.promises.writeFile(tmp, text);
  await fs.promises.rename(tmp, file);
}

/**
 * @param {string} file
 * @param {string} text
 */
function writeFileAtomicSync(file, text) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * One file's writes, one at a time; saves that arrive while one is under
 * way share the next write.
 */
class SerialFileWriter {
  /** @param {string} file */
  constructor(file) {
    this.file = file;
    /** @type {Promise<void> | undefined} */
    this.writing = undefined;
    /** @type {{ content: () => string, waiters: Array<{ resolve: () => void, reject: (error: unknown) => void }> } | undefined} */
    this.next = undefined;
  }

  /**
   * Saves the file's content, as `content()` gives it when the write
   * begins. Resolves once a write begun after this call is in place.
   * @param {() => string} content
   * @returns {Promise<void>}
   */
  save(content) {
    return new Promise((resolve, reject) => {
      if (this.next) {
        this.next.content = content;
        this.next.waiters.push({ resolve, reject });
      } else {
        this.next = { content, waiters: [{ resolve, reject }] };
      }
      this.pump();
    });
  }

  pump() {
    if (this.writing || !this.next) return;
    const batch = this.next;
    this.next = undefined;
    // (`finally` runs after `writing` is set, even when the write fails at once)
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
      this.pump();
    });
  }

  /** @param {{ content: () => string, waiters: Array<{ resolve: () => void, reject: (error: unknown) => void }> }} batch */
  async write(batch) {
    try {
      await writeFileAtomic(this.file, batch.content());
      for (const waiter of batch.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
    }
  }
}

/**
 * Replaces stormdb's file engine's `init` and `write` (the only places it
 * writes) with atomic, serialised ones. Throws when the engine is not the
 * one this was written for, so a cognito-local upgrade cannot lose the fix
 * silently: the emulator then fails to start, saying why.
 * @param {string} [from] where cognito-local is (stormdb is resolved as it resolves it)
 */
function install(from = path.dirname(require.resolve("cognito-local/package.json"))) {
  const enginePath = require.resolve("stormdb/src/engine/local.js", { paths: [from] });
  const LocalEngine = require(enginePath);
  const proto = LocalEngine?.prototype;
  if (typeof proto?.write !== "function" || typeof proto?.init !== "function" || typeof proto?.read !== "function") {
    throw new Error(`atomic-writes.cjs: ${enginePath} is not the stormdb file engine it patches (init, read, write)`);
  }
  /** @type {Map<string, SerialFileWriter>} */
  const writers = new Map();
  proto.write = function write(/** @type {unknown} */ data) {
    if (!this.async) {
      writeFileAtomicSync(this.path, this.serialize(data));
      return null;
    }
    const file = path.resolve(this.path);
    let writer = writers.get(file);
    if (!writer) {
      writer = new SerialFileWriter(file);
      writers.set(file, writer);
    }
    return writer.save(() => this.serialize(data));
  };
  proto.init = function init() {
    if (fs.existsSync(this.path)) return this.read();
    writeFileAtomicSync(this.path, this.serialize({}));
    return {};
  };
}

module.exports = { install, SerialFileWriter, writeFileAtomic };
