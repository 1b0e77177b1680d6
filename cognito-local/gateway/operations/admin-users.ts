/**
 * AdminCreateUser as AWS answers it: the invitation sent as AWS sends it
 * (`MessageAction`, `DesiredDeliveryMediums`), everything checked before
 * anyone is created. (The other admin calls on one user, under any of the
 * user's names: federated-users.ts.)
 */
import { randomInt } from "node:crypto";
import type { DeliveryMediumType } from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, validationError } from "../errors.ts";
import { maskDestination } from "../mask.ts";
import type { User } from "../upstream.ts";
import type { OperationContext } from "./context.ts";
import type { Handler, OperationTable } from "./operation.ts";

const MEDIUMS: Record<DeliveryMediumType, string> = { EMAIL: "email", SMS: "phone_number" };

/**
 * AdminCreateUser. AWS: "If MessageAction isn't set, the default is to send a
 * welcome message via email or phone (SMS)"; SUPPRESS sends none; RESEND sends
 * it again to a user who has not yet signed in, with a new temporary password.
 * The invitation (with the temporary password) is printed in the emulator's
 * log like every other code; nothing is sent.
 */
const adminCreateUser: Handler<"AdminCreateUser"> = async (input, ctx) => {
  const action = input.MessageAction;
  if (action !== undefined && action !== "SUPPRESS" && action !== "RESEND") {
    throw validationError(action, "messageAction", "Member must satisfy enum value set: [RESEND, SUPPRESS]");
  }
  const desired = input.DesiredDeliveryMediums;
  if (desired !== undefined && (!Array.isArray(desired) || desired.some((m) => m !== "EMAIL" && m !== "SMS"))) {
    throw validationError(desired, "desiredDeliveryMediums", "Member must satisfy enum value set: [SMS, EMAIL]");
  }
  const poolId = input.UserPoolId ?? "";
  const pool = await ctx.up.pool(poolId);
  const temporaryPassword =
    input.TemporaryPassword ?? ctx.fixedCode ?? newTemporaryPassword(pool.Policies?.PasswordPolicy);

  if (action === "RESEND") {
    const user = await ctx.up.user(poolId, input.Username ?? "");
    if (!user) throw new AwsError("UserNotFoundException", "User does not exist.");
    if (user.UserStatus !== "FORCE_CHANGE_PASSWORD") {
      throw new AwsError(
        "UnsupportedUserStateException",
        `Resend not possible. ${user.Username} status is not FORCE_CHANGE_PASSWORD`,
      );
    }
    const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
    const delivery = deliveryFor(desired, attributes);
    await ctx.up.call("AdminSetUserPassword", {
      UserPoolId: poolId,
      Username: user.Username,
      Password: temporaryPassword,
      Permanent: false,
    });
    if (delivery) printInvitation(ctx, user.Username, delivery.destination, temporaryPassword);
    return { User: { ...userType(user), UserStatus: "FORCE_CHANGE_PASSWORD" } };
  }

  // Everything that can fail is checked before the user exists: a failed call creates no one.
  const attributes = Object.fromEntries((input.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
  if (pool.UsernameAttributes?.includes("email") && input.Username?.includes("@") && !attributes.email) {
    attributes.email = input.Username;
  }
  const delivery = action === "SUPPRESS" ? undefined : deliveryFor(desired, attributes);
  const result = await ctx.up.call("AdminCreateUser", {
    ...input,
    TemporaryPassword: temporaryPassword,
    // The gateway sends the invitation itself (cognito-local's own delivery fails after it has saved the user).
    MessageAction: "SUPPRESS",
  });
  if (delivery)
    printInvitation(ctx, result.User?.Username ?? input.Username ?? "", delivery.destination, temporaryPassword);
  return result;
};

/**
 * Where the invitation goes: the first of DesiredDeliveryMediums the user
 * has an address for. AWS's default medium is SMS; a user with no phone
 * number and no medium asked for gets it by email, as AWS's "via email or
 * phone (SMS)". A medium asked for that the user has no address for is
 * InvalidParameterException.
 */
function deliveryFor(
  desired: DeliveryMediumType[] | undefined,
  attributes: Record<string, string | undefined>,
): { medium: DeliveryMediumType; destination: string } | undefined {
  const order: DeliveryMediumType[] = desired && desired.length > 0 ? desired : ["SMS", "EMAIL"];
  for (const medium of order) {
    const destination = attributes[MEDIUMS[medium]];
    if (destination) return { medium, destination };
  }
  if (desired && desired.length > 0) {
    throw new AwsError("InvalidParameterException", "User has no attribute matching desired delivery mediums");
  }
  return undefined;
}

function printInvitation(ctx: OperationContext, username: string, destination: string, password: string) {
  for (const line of [
    "┌ Invitation (AdminCreateUser): sign in with this temporary password",
    `│ Username: ${username}`,
    `│ Destination: ${destination}`,
    `│ Code: ${password}`,
    "└",
  ]) {
    ctx.log(line);
  }
  ctx.log(`AdminCreateUser: invitation for ${username} sent to ${maskDestination(destination)} (printed above)`);
}

/** A temporary password the pool's policy accepts (AWS makes one when none is given). */
function newTemporaryPassword(policy: { MinimumLength?: number } | undefined): string {
  const pick = (chars: string) => chars[randomInt(chars.length)]!;
  const all = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const length = Math.max(policy?.MinimumLength ?? 8, 12);
  let password =
    pick("ABCDEFGHJKLMNPQRSTUVWXYZ") + pick("abcdefghijkmnopqrstuvwxyz") + pick("23456789") + pick("!#%+=?");
  while (password.length < length) password += pick(all);
  return password;
}

function userType(user: User) {
  return {
    Username: user.Username,
    Attributes: user.UserAttributes,
    UserCreateDate: user.UserCreateDate,
    UserLastModifiedDate: user.UserLastModifiedDate,
    Enabled: user.Enabled,
    MFAOptions: user.MFAOptions,
  };
}

export const adminUserOperations = {
  AdminCreateUser: adminCreateUser,
} satisfies OperationTable;
