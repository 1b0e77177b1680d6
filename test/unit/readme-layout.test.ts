/**
 * The README's Layout section is the map a newcomer reads first: every entry
 * it names exists, and every top-level folder and everything directly under
 * app/ that git tracks is on it.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/root.ts";

function layoutEntries(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const block = /^## Layout\n\n```\n([\s\S]*?)```/m.exec(readme);
  if (!block?.[1]) throw new Error("README.md has no ## Layout code block");
  return block[1]
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) =>
      line
        .trim()
        .replace(/\s{2,}.*$/, "")
        .replace(/\/$/, ""),
    );
}

function tracked(): string[] {
  return execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
}

describe("README Layout", () => {
  const entries = layoutEntries();

  it("names only paths that exist", () => {
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.filter((entry) => !fs.existsSync(path.join(ROOT, entry)))).toEqual([]);
  });

  it("lists every top-level folder and every entry directly under app/", () => {
    const files = tracked();
    const topFolders = new Set(files.filter((f) => f.includes("/")).map((f) => f.slice(0, f.indexOf("/"))));
    const underApp = new Set(files.filter((f) => f.startsWith("app/")).map((f) => f.split("/").slice(0, 2).join("/")));
    const covered = (p: string) => entries.some((entry) => entry === p || entry.startsWith(`${p}/`));
    // Type declarations the compiler needs are not worth a line.
    const missing = [...topFolders, ...underApp].filter((p) => !p.endsWith(".d.ts") && !covered(p));
    expect(missing).toEqual([]);
  });
});
