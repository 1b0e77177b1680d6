/**
 * The Cognito user pools API as the gateway types it: every operation by its
 * `X-Amz-Target` name, with the AWS SDK's own request and response shapes.
 * The names come from the SDK's commands (`InitiateAuthCommand` →
 * `"InitiateAuth"`), so an operation the SDK knows needs no declaration here,
 * and a handler that answers the wrong shape does not compile.
 */
import type * as Sdk from "@aws-sdk/client-cognito-identity-provider";
import type { OperationContext } from "./context.ts";

type Commands = typeof Sdk;

/** An operation of the Cognito user pools API: `"InitiateAuth"`, `"AdminCreateUser"`, … */
export type Operation = keyof Commands extends infer K ? (K extends `${infer Op}Command` ? Op : never) : never;

type CommandOf<Op extends Operation> = Commands[`${Op}Command`];

/** The operation's request (the SDK's `…CommandInput`, which is its `…Request`). */
export type Input<Op extends Operation> = NonNullable<ConstructorParameters<CommandOf<Op>>[0]>;

/** The operation's response (the SDK's `…Response`: the command output without the SDK's `$metadata`). */
export type Output<Op extends Operation> =
  CommandOf<Op> extends abstract new (
    ...args: never
  ) => { resolveMiddleware(...args: never): (...args: never) => Promise<{ output: infer O }> }
    ? Omit<O, "$metadata">
    : never;

/** A handler's answer when the call, once checked, goes to cognito-local unchanged. */
export const PASS_THROUGH = Symbol("pass-through");
export type PassThrough = typeof PASS_THROUGH;

/** How an operation is being called, when not over the wire. */
export interface CallOptions {
  /**
   * The Hosted UI calls on the user's behalf: AWS's managed login does not
   * depend on the client's ExplicitAuthFlows.
   */
  hostedUi?: boolean;
}

/**
 * Answers one operation. `input` has passed the wire's shape check (every
 * member has its type: see input-shape.ts), but required members may be
 * missing, as the SDK's types allow, and enums may hold any string.
 */
export type Handler<Op extends Operation> = (
  input: Input<Op>,
  ctx: OperationContext,
  options: CallOptions,
) => Promise<Output<Op> | PassThrough>;

/** Operations the gateway answers (or checks before passing them through), each with its handler. */
export type OperationTable = { [Op in Operation]?: Handler<Op> };
