/**
 * A user's own account, authorised by their access token (`GetUser`,
 * attributes, TOTP, devices…): cognito-local answers these, but only decodes
 * the token, so the gateway verifies it first (signature, issuer, expiry,
 * revocation) and then passes the call through.
 */
import type { OperationContext } from "./context.ts";
import { presented } from "./federated-users.ts";
import { type Handler, type OperationTable, PASS_THROUGH, type PassThrough } from "./operation.ts";

async function verifiedThenPassedThrough(input: { AccessToken?: string }, ctx: OperationContext): Promise<PassThrough> {
  if (input.AccessToken !== undefined) await ctx.accessTokens.verify(input.AccessToken);
  return PASS_THROUGH;
}

/** The user, as AWS shows a federated one (its name, and its `identities` attribute). */
const getUser: Handler<"GetUser"> = async (input, ctx) => {
  const { poolId } = await ctx.accessTokens.verify(input.AccessToken);
  return presented(ctx, poolId, await ctx.up.call("GetUser", input), "UserAttributes");
};

export const userOperations = {
  GetUser: getUser,
  UpdateUserAttributes: verifiedThenPassedThrough,
  DeleteUser: verifiedThenPassedThrough,
  DeleteUserAttributes: verifiedThenPassedThrough,
  GetUserAttributeVerificationCode: verifiedThenPassedThrough,
  VerifyUserAttribute: verifiedThenPassedThrough,
  AssociateSoftwareToken: verifiedThenPassedThrough,
  VerifySoftwareToken: verifiedThenPassedThrough,
  SetUserMFAPreference: verifiedThenPassedThrough,
  SetUserSettings: verifiedThenPassedThrough,
  ListDevices: verifiedThenPassedThrough,
  GetDevice: verifiedThenPassedThrough,
  ConfirmDevice: verifiedThenPassedThrough,
  ForgetDevice: verifiedThenPassedThrough,
  UpdateDeviceStatus: verifiedThenPassedThrough,
} satisfies OperationTable;
