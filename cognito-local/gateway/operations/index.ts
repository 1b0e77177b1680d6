/**
 * Every operation the gateway answers itself, or checks before cognito-local
 * answers it, by operation family (as AWS's API reference groups them). Any
 * other operation goes to cognito-local untouched.
 *
 * Adding an operation: a handler in its family's module (typed
 * `Handler<"Name">`: the SDK's request in, the SDK's response — or
 * PASS_THROUGH — out) and its entry in that family's table.
 */
import { adminUserOperations } from "./admin-users.ts";
import { clientOperations } from "./clients.ts";
import { federatedUserOperations } from "./federated-users.ts";
import { groupOperations } from "./groups.ts";
import { identityProviderOperations } from "./identity-providers.ts";
import type { Handler, Operation, OperationTable } from "./operation.ts";
import { passkeyOperations } from "./passkeys.ts";
import { passwordOperations } from "./passwords.ts";
import { resourceServerOperations } from "./resource-servers.ts";
import { signInOperations } from "./sign-in.ts";
import { signUpOperations } from "./sign-up.ts";
import { tokenOperations } from "./tokens.ts";
import { userPoolOperations } from "./user-pools.ts";
import { userOperations } from "./users.ts";

export const OPERATIONS: OperationTable = {
  ...signInOperations,
  ...tokenOperations,
  ...signUpOperations,
  ...passwordOperations,
  ...userOperations,
  ...adminUserOperations,
  ...groupOperations,
  ...passkeyOperations,
  ...userPoolOperations,
  ...clientOperations,
  ...identityProviderOperations,
  ...federatedUserOperations,
  ...resourceServerOperations,
};

/** Whether the gateway has a handler for this operation (an `X-Amz-Target` name, not yet known to be one). */
export function handles(operation: string): operation is Operation {
  return Object.hasOwn(OPERATIONS, operation);
}

/** The operation's handler, if the gateway has one. */
export function handlerOf<Op extends Operation>(operation: Op): Handler<Op> | undefined {
  return OPERATIONS[operation];
}
