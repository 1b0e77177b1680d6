/**
 * The gateway's operation table (cognito-local/gateway/operations/) and the
 * shape check every handled request passes first (input-shape.ts): each
 * handled operation has the SDK's input model to be checked against, and a
 * member of the wrong type anywhere in the body is refused with
 * SerializationException before a handler reads it.
 */
import { describe, expect, it } from "vitest";
import { AwsError } from "../../cognito-local/gateway/errors.ts";
import { checkInputShape, inputSchema } from "../../cognito-local/gateway/input-shape.ts";
import { handles, OPERATIONS } from "../../cognito-local/gateway/operations/index.ts";

function refusal(operation: string, body: Record<string, unknown>): AwsError | undefined {
  try {
    checkInputShape(operation, body);
    return undefined;
  } catch (error) {
    return error as AwsError;
  }
}

describe("the operation table", () => {
  it("names only operations the SDK models, each with an input model to check bodies against", () => {
    const names = Object.keys(OPERATIONS);
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !inputSchema(name))).toEqual([]);
  });

  it("handles the operations it lists and no other name, whatever the object prototype holds", () => {
    expect(handles("InitiateAuth")).toBe(true);
    expect(handles("CreateUserPoolClient")).toBe(true);
    expect(handles("AdminCreateUser")).toBe(true);
    expect(handles("DeleteUserPool")).toBe(false); // passed through to cognito-local
    expect(handles("toString")).toBe(false);
    expect(handles("__proto__")).toBe(false);
    expect(handles("")).toBe(false);
  });
});

describe("checkInputShape", () => {
  const signUp = {
    ClientId: "client",
    Username: "a@example.com",
    Password: "Passw0rd!",
    UserAttributes: [{ Name: "email", Value: "a@example.com" }],
  };

  it("accepts a body whose members have their model's types, with unknown members and nulls", () => {
    expect(refusal("SignUp", signUp)).toBeUndefined();
    expect(refusal("SignUp", { ...signUp, SecretHash: null, Unknown: { any: [1, true] } })).toBeUndefined();
    expect(
      refusal("InitiateAuth", {
        AuthFlow: "USER_AUTH",
        ClientId: "client",
        AuthParameters: { USERNAME: "a", PREFERRED_CHALLENGE: "EMAIL_OTP" },
      }),
    ).toBeUndefined();
    // A document member takes any JSON.
    expect(
      refusal("CompleteWebAuthnRegistration", { AccessToken: "t", Credential: { id: "x", response: { n: [1] } } }),
    ).toBeUndefined();
    expect(refusal("ListWebAuthnCredentials", { AccessToken: "t", MaxResults: 5 })).toBeUndefined();
    expect(
      refusal("UpdateUserPoolClient", {
        UserPoolId: "p",
        ClientId: "c",
        RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 10 },
        ExplicitAuthFlows: ["ALLOW_USER_AUTH"],
      }),
    ).toBeUndefined();
  });

  it.each([
    ["InitiateAuth", { AuthFlow: "USER_PASSWORD_AUTH", ClientId: 42 }, "ClientId must be a string, not a number"],
    [
      "InitiateAuth",
      { AuthFlow: "USER_PASSWORD_AUTH", ClientId: "c", AuthParameters: { USERNAME: "a", PASSWORD: 1234 } },
      "AuthParameters.PASSWORD must be a string, not a number",
    ],
    [
      "InitiateAuth",
      { AuthFlow: "USER_PASSWORD_AUTH", ClientId: "c", AuthParameters: ["USERNAME"] },
      "AuthParameters must be a map, not a list",
    ],
    [
      "RespondToAuthChallenge",
      { ClientId: "c", ChallengeName: "EMAIL_OTP", ChallengeResponses: { EMAIL_OTP_CODE: { $ne: "" } } },
      "ChallengeResponses.EMAIL_OTP_CODE must be a string, not an object",
    ],
    [
      "SignUp",
      { ...signUp, UserAttributes: [{ Name: "email", Value: true }] },
      "UserAttributes[0].Value must be a string, not a boolean",
    ],
    ["SignUp", { ...signUp, UserAttributes: { Name: "email" } }, "UserAttributes must be a list, not an object"],
    ["ListWebAuthnCredentials", { AccessToken: "t", MaxResults: "20" }, "MaxResults must be a number, not a string"],
    [
      "UpdateUserPoolClient",
      { UserPoolId: "p", ClientId: "c", RefreshTokenRotation: "ENABLED" },
      "RefreshTokenRotation must be a structure, not a string",
    ],
    [
      "CreateUserPool",
      { PoolName: "p", Policies: { SignInPolicy: { AllowedFirstAuthFactors: "PASSWORD" } } },
      "Policies.SignInPolicy.AllowedFirstAuthFactors must be a list, not a string",
    ],
  ])("refuses %s with a member of the wrong type (%j) with SerializationException", (operation, body, message) => {
    const error = refusal(operation, body);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ type: "SerializationException", status: 400, message });
  });

  it("never repeats the value it refuses (it may be a password or a code)", () => {
    const error = refusal("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: "c",
      AuthParameters: { USERNAME: "a", PASSWORD: ["S3cret-passw0rd"] },
    });
    expect(error?.type).toBe("SerializationException");
    expect(error?.message).not.toContain("S3cret");
  });
});
