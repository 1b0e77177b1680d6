import { describe, expect, it } from "vitest";
import {
  ChallengeRequiredError,
  CognitoRequestError,
  InvalidCredentialsError,
  PasswordResetRequiredError,
  ServiceUnavailableError,
  TooManyRequestsError,
  toCognitoError,
  UserNotConfirmedError,
} from "~/cognito/errors.server";
import { secretHash } from "~/cognito/secret-hash.server";

const aws = (name: string, fault: "client" | "server" = "client", status = 400) =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

describe("toCognitoError: the one mapping from AWS exceptions", () => {
  it.each([
    ["NotAuthorizedException", InvalidCredentialsError],
    ["UserNotFoundException", InvalidCredentialsError],
    ["RefreshTokenReuseException", InvalidCredentialsError],
    ["InvalidPasswordException", InvalidCredentialsError],
    ["UserNotConfirmedException", UserNotConfirmedError],
    ["PasswordResetRequiredException", PasswordResetRequiredError],
    ["TooManyRequestsException", TooManyRequestsError],
    ["LimitExceededException", TooManyRequestsError],
    ["InvalidParameterException", CognitoRequestError],
    ["SomethingNewException", CognitoRequestError],
  ])("%s → %o", (name, type) => {
    expect(toCognitoError(aws(name))).toBeInstanceOf(type);
  });

  it("wrong password and unknown user read the same", () => {
    expect(toCognitoError(aws("NotAuthorizedException")).userMessage).toBe("Incorrect username or password.");
    expect(toCognitoError(aws("UserNotFoundException")).userMessage).toBe("Incorrect username or password.");
  });

  it("maps outages (network errors, 5xx) to ServiceUnavailableError with a 503", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(toCognitoError(refused)).toBeInstanceOf(ServiceUnavailableError);
    expect(toCognitoError(aws("InternalErrorException", "server", 500)).status).toBe(503);
    expect(toCognitoError(new TypeError("fetch failed"))).toBeInstanceOf(ServiceUnavailableError);
  });

  it("rethrows programming errors instead of hiding them", () => {
    const bug = new RangeError("bug");
    expect(() => toCognitoError(bug)).toThrow(bug);
  });

  it("describes challenges without leaking the Cognito session", () => {
    const error = new ChallengeRequiredError("NEW_PASSWORD_REQUIRED", "secret-session-value", "u");
    expect(error.userMessage).toContain("new password");
    expect(error.userMessage).not.toContain("secret-session-value");
    expect(new ChallengeRequiredError("SOFTWARE_TOKEN_MFA", "s", "u").userMessage).toContain("multi-factor");
  });
});

describe("secretHash", () => {
  it("is Base64(HMAC-SHA256(secret, username + clientId))", () => {
    // Computed independently: echo -n 'alice@example.comclient123' | openssl dgst -sha256 -hmac 's3cr3t' -binary | base64
    expect(secretHash("alice@example.com", "client123", "s3cr3t")).toBe("3oRHe3WR8/3iS7+pKVoHosPyR4ClwhKdlubBSWTpAg0=");
  });
});
