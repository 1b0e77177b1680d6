// @ts-check
/**
 * What launcher.ts has node load into cognito-local's process before
 * cognito-local itself (`node --require`): the atomic, serialised data-file
 * writes (atomic-writes.cjs).
 */
"use strict";
require("./atomic-writes.cjs").install();
