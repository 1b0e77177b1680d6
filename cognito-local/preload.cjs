// @ts-check
/**
 * What launcher.ts has node load into cognito-local's process before
 * cognito-local itself (`node --require`): the atomic, serialised data-file
 * writes (atomic-writes.cjs), and an end with the process that started it.
 */
"use strict";
require("./atomic-writes.cjs").install();

// The launcher gives cognito-local a pipe for stdin and keeps its other end.
// When the launching process ends, however it ends (a SIGKILL runs none of
// its exit hooks), the pipe closes and cognito-local ends too, instead of
// living on, holding its port and its data directory.
if (process.env.COGNITO_LOCAL_EXIT_WITH_PARENT === "1") {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
}
