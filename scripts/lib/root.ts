import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder (scripts, tests and the bench resolve paths from it). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
