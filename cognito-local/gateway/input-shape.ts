/**
 * The shape check a JSON request body passes before an operation handler
 * sees it. The body is untrusted, but handlers read it through the SDK's
 * types (`AuthParameters` is a map of strings, `UserAttributes` a list of
 * name/value structures…); so every member the SDK's model knows must have
 * its model's type — string, number, boolean, list, map, structure, document,
 * timestamp (epoch seconds), blob (base64) — all the way down. AWS answers a
 * value of the wrong type with SerializationException, and so does the
 * gateway. The model is the SDK's own (its published schemas), so it is
 * always the one the handlers' types come from.
 *
 * Not checked here, as the types do not promise them either: required
 * members (the SDK types them `| undefined`), enum values, lengths and
 * patterns. Members the model does not know are left alone, and `null`
 * reads as absent.
 */
import * as Sdk from "@aws-sdk/client-cognito-identity-provider";
import { NormalizedSchema } from "@smithy/core/schema";
import { AwsError } from "./errors.ts";

const schemas = new Map<string, NormalizedSchema | null>();

/** The model of the operation's input; undefined when the SDK has none under that name. */
export function inputSchema(operation: string): NormalizedSchema | undefined {
  let schema = schemas.get(operation);
  if (schema === undefined) {
    const op = (Sdk as Record<string, unknown>)[`${operation}$`];
    // An operation schema is [9, namespace, name, traits, input, output] (as the SDK's own commands read it).
    schema = Array.isArray(op) && op[0] === 9 && op[4] ? NormalizedSchema.of(op[4]) : null;
    schemas.set(operation, schema);
  }
  return schema ?? undefined;
}

/** Throws SerializationException unless every member of `body` the operation's model knows has its type. */
export function checkInputShape(operation: string, body: Record<string, unknown>): void {
  const schema = inputSchema(operation);
  // Only operations the gateway handles are checked, and a test makes sure each has a model.
  if (!schema) throw new Error(`The AWS SDK has no input model for ${operation}`);
  check(schema, body, "");
}

function check(schema: NormalizedSchema, value: unknown, path: string): void {
  if (value === null || value === undefined) return;
  if (schema.isDocumentSchema()) return;
  if (schema.isStructSchema()) {
    if (!isObject(value)) throw wrongType(path, "a structure", value);
    for (const [name, member] of schema.structIterator()) check(member, value[name], join(path, name));
  } else if (schema.isListSchema()) {
    if (!Array.isArray(value)) throw wrongType(path, "a list", value);
    const item = schema.getValueSchema();
    for (const [i, v] of value.entries()) check(item, v, `${path}[${i}]`);
  } else if (schema.isMapSchema()) {
    if (!isObject(value)) throw wrongType(path, "a map", value);
    const item = schema.getValueSchema();
    for (const [key, v] of Object.entries(value)) check(item, v, join(path, key));
  } else if (schema.isStringSchema() || schema.isBlobSchema()) {
    if (typeof value !== "string") throw wrongType(path, "a string", value);
  } else if (schema.isBooleanSchema()) {
    if (typeof value !== "boolean") throw wrongType(path, "a boolean", value);
  } else if (
    schema.isNumericSchema() ||
    schema.isBigIntegerSchema() ||
    schema.isBigDecimalSchema() ||
    schema.isTimestampSchema()
  ) {
    if (typeof value !== "number") throw wrongType(path, "a number", value);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

function wrongType(path: string, expected: string, value: unknown): AwsError {
  const found = Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`;
  return new AwsError("SerializationException", `${path} must be ${expected}, not ${found}`);
}
