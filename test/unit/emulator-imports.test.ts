/**
 * The local Cognito is a layer of its own: scripts and tests use it, the app
 * talks to it over HTTP, and it imports nothing from them (its modules only
 * reach each other and packages).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/root.ts";

const EMULATOR = path.join(ROOT, "cognito-local");
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith(".") ? [] : sources(full);
    return /\.(?:ts|cjs|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

describe("cognito-local/", () => {
  it("imports nothing from outside it but packages (not scripts/, app/, test/ or server/)", () => {
    const files = sources(EMULATOR);
    expect(files.length).toBeGreaterThan(40);
    const outside: string[] = [];
    for (const file of files) {
      for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(SPECIFIER)) {
        if (!specifier?.startsWith(".")) continue;
        const resolved = path.resolve(path.dirname(file), specifier);
        if (!resolved.startsWith(`${EMULATOR}${path.sep}`)) {
          outside.push(`${path.relative(ROOT, file)} → ${specifier}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
