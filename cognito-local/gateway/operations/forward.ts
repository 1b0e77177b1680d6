/** Forwarding a call to cognito-local when the gateway has checked it, with AWS's answer for its errors. */
import type { AwsError } from "../errors.ts";
import type { OperationContext } from "./context.ts";
import type { Input, Operation, Output } from "./operation.ts";

/**
 * cognito-local's answer to the call; where it answers with one of the
 * exceptions named in `asAws` (by exception name), the error AWS answers
 * instead (made up front: cheap beside the call itself).
 */
export async function forward<Op extends Operation>(
  ctx: OperationContext,
  operation: Op,
  input: Input<Op>,
  asAws: Record<string, AwsError> = {},
): Promise<Output<Op>> {
  try {
    return await ctx.up.call(operation, input);
  } catch (error) {
    const type = (error as AwsError).type;
    throw typeof type === "string" && Object.hasOwn(asAws, type) ? asAws[type] : error;
  }
}
