import { describe, expect, it } from "vitest";
import { describeFlowChoice } from "~/auth/flow.server";

const cognito = { region: "us-east-1", userPoolId: "p_1", clientId: "c" };

describe("describeFlowChoice", () => {
  it("auto picks the Hosted UI when a domain is configured, and says why", () => {
    const choice = describeFlowChoice({ authFlow: "auto", cognito: { ...cognito, domain: "https://x.auth" } });
    expect(choice).toMatchObject({ flow: "hosted", customAllowed: true, hostedAvailable: true });
    expect(choice.reason).toBe("AUTH_FLOW=auto and COGNITO_DOMAIN set");
  });
  it("auto falls back to the form without a domain", () => {
    const choice = describeFlowChoice({ authFlow: "auto", cognito });
    expect(choice).toMatchObject({ flow: "custom", customAllowed: true, hostedAvailable: false });
    expect(choice.reason).toBe("AUTH_FLOW=auto and COGNITO_DOMAIN not set");
  });
  it("hosted forbids the form; custom never offers the Hosted UI", () => {
    expect(describeFlowChoice({ authFlow: "hosted", cognito: { ...cognito, domain: "https://x" } })).toMatchObject({
      flow: "hosted",
      customAllowed: false,
    });
    expect(describeFlowChoice({ authFlow: "custom", cognito: { ...cognito, domain: "https://x" } })).toMatchObject({
      flow: "custom",
      hostedAvailable: false,
    });
  });
});
