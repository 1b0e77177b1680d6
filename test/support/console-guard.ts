/**
 * A test that writes an error to the console that it did not expect fails:
 * unexpected errors are bugs, even when the assertions pass.
 */
import { afterEach, beforeEach } from "vitest";

let unexpected: unknown[][] = [];
const original = console.error;

beforeEach(() => {
  unexpected = [];
  console.error = (...args: unknown[]) => {
    unexpected.push(args);
    original(...args);
  };
});

afterEach(() => {
  console.error = original;
  if (unexpected.length > 0) {
    const first = unexpected[0]!.map(String).join(" ");
    throw new Error(`console.error was called ${unexpected.length} time(s) unexpectedly; first: ${first}`);
  }
});

/** Lets a test declare the console errors it expects (call inside the test). */
export function expectConsoleErrors(): { restore(): unknown[][] } {
  const captured: unknown[][] = [];
  const current = console.error;
  console.error = (...args: unknown[]) => void captured.push(args);
  return {
    restore() {
      console.error = current;
      return captured;
    },
  };
}
