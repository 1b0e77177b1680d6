/**
 * Errors in the shape the Cognito JSON API uses (`{"__type", "message"}`,
 * HTTP 400), so the AWS SDK maps them to the same exception classes as AWS.
 */
export class AwsError extends Error {
  constructor(
    /** The exception name, e.g. `NotAuthorizedException`. */
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** Normalises an AWS SDK exception (or anything else) into an AwsError. */
export function toAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  if (error && typeof error === "object" && "name" in error && "$metadata" in error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return new AwsError(e.name, e.message, e.$metadata?.httpStatusCode ?? 400);
  }
  return new AwsError("InternalErrorException", error instanceof Error ? error.message : String(error), 500);
}

export const incorrectCredentials = () => new AwsError("NotAuthorizedException", "Incorrect username or password.");
export const userDisabled = () => new AwsError("NotAuthorizedException", "User is disabled.");
export const invalidAccessToken = () => new AwsError("NotAuthorizedException", "Invalid Access Token");
export const accessTokenExpired = () => new AwsError("NotAuthorizedException", "Access Token has expired");
export const accessTokenRevoked = () => new AwsError("NotAuthorizedException", "Access Token has been revoked");
export const invalidSession = () =>
  new AwsError("NotAuthorizedException", "Invalid session for the user, session is expired.");
export const codeMismatch = () =>
  new AwsError("CodeMismatchException", "Invalid verification code provided, please try again.");
export const userNotFoundForClient = () =>
  new AwsError("UserNotFoundException", "Username/client id combination not found.");

/** AWS's answer for a required member the request leaves out. */
export function missingParameter(at: string): AwsError {
  return new AwsError(
    "InvalidParameterException",
    `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`,
  );
}

/** AWS's shape for a request that fails its input constraints. */
export function validationError(value: unknown, at: string, constraint: string): AwsError {
  return new AwsError(
    "InvalidParameterException",
    `1 validation error detected: Value '${JSON.stringify(value)}' at '${at}' failed to satisfy constraint: ${constraint}`,
  );
}

export const invalidRefreshToken = () => new AwsError("NotAuthorizedException", "Invalid Refresh Token");
export const refreshTokenRevoked = () => new AwsError("NotAuthorizedException", "Refresh Token has been revoked");
