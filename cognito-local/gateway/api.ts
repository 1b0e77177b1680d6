/**
 * The Cognito JSON API on the wire (`POST /` with `X-Amz-Target`): the one
 * place that reads the operation name and the JSON body, checks the body's
 * shape, runs the operation's handler from the table (operations/), and
 * answers in AWS's JSON — the result, or `{__type, message}` for an error.
 * An operation with no handler, or whose handler passes it through, goes to
 * cognito-local untouched.
 *
 * The Hosted UI and the OAuth endpoints run operations in-process with
 * `call`, through the same handlers.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsError, toAwsError } from "./errors.ts";
import { proxy, readBody, send, sendJson } from "./http.ts";
import { checkInputShape } from "./input-shape.ts";
import { type ContextOptions, createContext, type OperationContext } from "./operations/context.ts";
import { handlerOf, handles } from "./operations/index.ts";
import { type CallOptions, type Input, type Operation, type Output, PASS_THROUGH } from "./operations/operation.ts";
import type { RequestTarget } from "./request-target.ts";

export type ApiOptions = ContextOptions;

const AMZ_JSON = "application/x-amz-json-1.1";

export class CognitoApi {
  readonly context: OperationContext;

  constructor(options: ApiOptions) {
    this.context = createContext(options);
  }

  /** Runs an operation in-process: its handler, or cognito-local's answer when there is none or it passes. */
  async call<Op extends Operation>(operation: Op, input: Input<Op>, options: CallOptions = {}): Promise<Output<Op>> {
    const handler = handlerOf(operation);
    const result = handler ? await handler(input, this.context, options) : PASS_THROUGH;
    return result === PASS_THROUGH ? this.context.up.call(operation, input) : result;
  }

  /**
   * Answers `POST /`. Returns the operation's name (empty when the request
   * named none), for whoever watches which operations are called.
   */
  async handle(req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<string> {
    const header = req.headers["x-amz-target"];
    if (!header) {
      sendJson(res, 400, { message: "Missing x-amz-target header" });
      return "";
    }
    const raw = await readBody(req);
    const operation = String(header).split(".")[1] ?? "";
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString("utf8")) : {};
    } catch {
      body = null;
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      sendAws(res, new AwsError("SerializationException", "The request body is not a JSON object"));
      return operation;
    }
    if (!handles(operation)) {
      await proxy(req, res, this.context.up.url, target.target, raw);
      return operation;
    }
    let result: unknown;
    try {
      checkInputShape(operation, body as Record<string, unknown>);
      // Checked above: the body has the shape of the operation's input.
      result = await handlerOf(operation)!(body as Input<typeof operation>, this.context, {});
    } catch (error) {
      const e = toAwsError(error);
      if (e.status >= 500) this.context.log(`${operation} failed: ${e.message}`);
      sendAws(res, e);
      return operation;
    }
    if (result === PASS_THROUGH) await proxy(req, res, this.context.up.url, target.target, raw);
    else sendAws(res, result);
    return operation;
  }

  /** Drops expired challenge sessions and passkey registrations. */
  sweep(): void {
    this.context.stores.challenges.sweep();
    this.context.webAuthn.sweep();
    this.context.federation.flow.sweep();
  }

  /** Entries held by the API's stores, for tests and diagnostics. */
  stateSizes(): Record<string, number> {
    return {
      challengeSessions: this.context.stores.challenges.size,
      passkeyRegistrations: this.context.webAuthn.pendingCount,
      providerSignIns: this.context.federation.flow.size,
      ...this.context.stores.families.sizes(),
    };
  }
}

/**
 * Answers in the Cognito JSON API's shape: the result, or `{__type, message}`
 * for an error. Dates go out as epoch seconds, as the JSON protocol carries them.
 */
function sendAws(res: ServerResponse, result: unknown) {
  const headers = { "Content-Type": AMZ_JSON, "x-amzn-RequestId": randomUUID() };
  if (result instanceof AwsError) {
    send(res, result.status, JSON.stringify({ __type: result.type, message: result.message }), {
      ...headers,
      "x-amzn-ErrorType": result.type,
    });
    return;
  }
  send(res, 200, JSON.stringify(result ?? {}, epochSeconds), headers);
}

function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}
