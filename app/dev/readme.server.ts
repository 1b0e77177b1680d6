/**
 * The project README, split at its `## ` headings, for the development-only
 * `/dev/readme` page: the home page links to a section of it (switching to a
 * real user pool) and a browser alone should be enough to follow that link.
 * Read from disk on each request, so the page always matches the file.
 */
import fs from "node:fs";
import path from "node:path";

export interface ReadmeSection {
  /** GitHub's anchor for the heading, so links match the rendered README on GitHub. */
  id: string;
  title: string;
  /** The section's Markdown, as written. */
  body: string;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(title: string): string {
  return title
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Splits Markdown at level-2 headings; text before the first one is the untitled preface. */
export function readmeSections(markdown: string): { preface: string; sections: ReadmeSection[] } {
  const parts = markdown.split(/^## (.+)$/m);
  const preface = (parts[0] ?? "").replace(/^# .*\n/, "").trim();
  const sections: ReadmeSection[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const title = parts[i]!.trim();
    sections.push({ id: headingAnchor(title), title, body: (parts[i + 1] ?? "").trim() });
  }
  return { preface, sections };
}

/** The README of the project the server runs in (its working directory), or null if there is none. */
export function readReadme(cwd: string = process.cwd()): ReturnType<typeof readmeSections> | null {
  try {
    return readmeSections(fs.readFileSync(path.join(cwd, "README.md"), "utf8"));
  } catch {
    return null;
  }
}
