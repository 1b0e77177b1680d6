/**
 * The writes preloaded into cognito-local (cognito-local/atomic-writes.cjs):
 * one file's saves are serialised, folded together while one is under way,
 * atomic (the file is always a whole document), and a save resolves only
 * once what it saved (or something newer) is in place. Also: stormdb's file
 * engine, as cognito-local uses it, writes through them once installed, and
 * an engine of another shape stops the install instead of being left as is.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { install, SerialFileWriter } from "../../cognito-local/atomic-writes.cjs";

const require = createRequire(import.meta.url);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atomic-writes-"));
  dirs.push(dir);
  return dir;
}

/** A JSON document whose size changes with n, so a torn write shows. */
const doc = (n: number) => JSON.stringify({ n, items: Array.from({ length: (n % 50) * 40 }, (_, i) => `item-${i}`) });

describe("SerialFileWriter", () => {
  it("folds saves made during a write into the next one, and ends with the last state", async () => {
    const file = path.join(tempDir(), "pool.json");
    const writer = new SerialFileWriter(file);
    let state = 0;
    let serialised = 0;
    const content = () => {
      serialised++;
      return doc(state);
    };
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 200; i++) {
      state = i;
      saves.push(writer.save(content));
    }
    await Promise.all(saves);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).n).toBe(200);
    // The first save writes at once; the other 199 share the next write.
    expect(serialised).toBe(2);
  });

  it("resolves a save only once a write begun after it is in place", async () => {
    const file = path.join(tempDir(), "pool.json");
    const writer = new SerialFileWriter(file);
    for (let i = 1; i <= 20; i++) {
      const saved = writer.save(() => doc(i));
      void writer.save(() => doc(i)); // a second save in the same write
      await saved;
      expect(JSON.parse(fs.readFileSync(file, "utf8")).n).toBeGreaterThanOrEqual(i);
    }
  });

  it("never lets a reader see the file other than whole", async () => {
    const file = path.join(tempDir(), "pool.json");
    const writer = new SerialFileWriter(file);
    await writer.save(() => doc(0));
    let running = true;
    let reads = 0;
    const torn: number[] = [];
    const reader = (async () => {
      while (running) {
        await new Promise((resolve) => setImmediate(resolve));
        const text = fs.readFileSync(file, "utf8");
        reads++;
        try {
          JSON.parse(text);
        } catch {
          torn.push(text.length);
        }
      }
    })();
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 300; i++) {
      saves.push(writer.save(() => doc(i)));
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(saves);
    running = false;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect(torn).toEqual([]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["pool.json"]);
  });

  it("rejects the saves of a write that fails, and writes again on the next save", async () => {
    const file = path.join(tempDir(), "pool.json");
    const writer = new SerialFileWriter(file);
    await writer.save(() => doc(1));
    await expect(
      writer.save(() => {
        throw new Error("Serialize: Expected UserCreateDate field to contain a Date");
      }),
    ).rejects.toThrow(/UserCreateDate/);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).n).toBe(1);
    await writer.save(() => doc(2));
    expect(JSON.parse(fs.readFileSync(file, "utf8")).n).toBe(2);
  });
});

describe("install", () => {
  it("makes stormdb's file engine, as cognito-local creates it, write through one serial atomic writer per file", async () => {
    install();
    const StormDB = require("stormdb");
    const file = path.join(tempDir(), "local_pool.json");
    const db = new StormDB(new StormDB.localFileEngine(file, { async: true }));
    // A new file is made whole at once.
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({});
    db.default({ Users: {} });
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      db.get("Users").set(`user-${i}`, { Username: `user-${i}` });
      saves.push(db.save());
    }
    await Promise.all(saves);
    expect(Object.keys(JSON.parse(fs.readFileSync(file, "utf8")).Users)).toHaveLength(100);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["local_pool.json"]);
  });

  it("refuses to start with an engine it does not know, rather than leave its writes unsafe", () => {
    const from = tempDir();
    const engine = path.join(from, "node_modules", "stormdb", "src", "engine");
    fs.mkdirSync(engine, { recursive: true });
    fs.writeFileSync(path.join(from, "node_modules", "stormdb", "package.json"), '{"name":"stormdb"}');
    fs.writeFileSync(path.join(engine, "local.js"), "module.exports = class Engine { save() {} };");
    expect(() => install(from)).toThrow(/not the stormdb file engine/);
  });
});
