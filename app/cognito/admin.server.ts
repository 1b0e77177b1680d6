/**
 * Administrator operations on other users (Cognito's Admin* API). Unlike the rest of the app's
 * Cognito calls these are IAM-authorized on AWS: the app's role needs
 * `cognito-idp:AdminGetUser` and `cognito-idp:AdminUserGlobalSignOut` on the user pool. The
 * emulator accepts any credentials.
 */
import {
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoSettings } from "./config.server";
import { InvalidCredentialsError, toCognitoError, UserNotFoundError } from "./errors.server";

/** A user as the admin page needs them. */
export interface AdminUser {
  /** Cognito's username (with email sign-in: a UUID). */
  username: string;
  /** The stable user id (`sub`): what the app's sessions are keyed by. */
  sub: string;
}

/** Admin* operations on the configured user pool. Errors come out typed (errors.server.ts). */
export class CognitoAdminApi {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly settings: CognitoSettings,
  ) {}

  /**
   * Finds a user by username or, in pools that sign in by email, by email. An unknown user
   * throws UserNotFoundError (only an administrator may learn that).
   */
  async getUser(usernameOrEmail: string): Promise<AdminUser> {
    try {
      const user = await this.client.send(
        new AdminGetUserCommand({ UserPoolId: this.settings.userPoolId, Username: usernameOrEmail }),
      );
      const sub = user.UserAttributes?.find((a) => a.Name === "sub")?.Value;
      if (!user.Username || !sub) throw new Error("AdminGetUser returned no username or sub");
      return { username: user.Username, sub };
    } catch (error) {
      const typed = toCognitoError(error, "account");
      throw typed instanceof InvalidCredentialsError ? new UserNotFoundError() : typed;
    }
  }

  /** Revokes every refresh token of the user at Cognito (AdminUserGlobalSignOut). */
  async globalSignOut(username: string): Promise<void> {
    try {
      await this.client.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: this.settings.userPoolId, Username: username }),
      );
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }
}
