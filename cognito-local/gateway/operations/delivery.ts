/** Where a code went, as AWS reports it: masked, and made up for users who do not exist. */
import type { CodeDeliveryDetailsType } from "@aws-sdk/client-cognito-identity-provider";
import { maskDestination } from "../mask.ts";

export function masked(details: CodeDeliveryDetailsType | undefined): CodeDeliveryDetailsType | undefined {
  return details?.Destination ? { ...details, Destination: maskDestination(details.Destination) } : details;
}

/** What AWS answers for an unknown user when the client prevents user-existence errors. */
export function fakeDelivery(username: string): CodeDeliveryDetailsType {
  return {
    Destination: maskDestination(username.includes("@") ? username : "user@example.com"),
    DeliveryMedium: "EMAIL",
    AttributeName: "email",
  };
}
