/**
 * Administrator operations on other users (Cognito's Admin* API, and ListUsers). Unlike the rest
 * of the app's Cognito calls these are IAM-authorized on AWS: the app's role needs
 * `cognito-idp:AdminGetUser`, `cognito-idp:AdminUserGlobalSignOut` and `cognito-idp:ListUsers` on
 * the user pool (the admin page, the API's user list and sign-out), and for linking sign-in
 * providers (one account per person, ADR 022) `AdminDeleteUser`, `AdminLinkProviderForUser` and
 * `AdminDisableProviderForUser`. The emulator accepts any credentials.
 */
import {
  AdminDeleteUserCommand,
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { type LinkedIdentity, parseIdentities } from "./auth-session.server";
import type { CognitoSettings } from "./config.server";
import { InvalidCredentialsError, toCognitoError, UserNotFoundError } from "./errors.server";

/** A user as the admin page needs them. */
export interface AdminUser {
  /** Cognito's username (with email sign-in: a UUID). */
  username: string;
  /** The stable user id (`sub`): what the app's sessions are keyed by. */
  sub: string;
}

/** How a user signs in: Cognito's own sign-in, an outside identity, or both (linked). */
export interface SignInMethods {
  /** Cognito's username. */
  username: string;
  /** A federated user (UserStatus EXTERNAL_PROVIDER): it signs in only through its provider. */
  federated: boolean;
  /** The `identities` attribute: its own (primary) and those linked to it. */
  identities: LinkedIdentity[];
}

/** A user of the pool's own sign-in that has this address (not a federated one). */
export interface NativeUser {
  username: string;
  emailVerified: boolean;
}

/** A user as the API lists them. */
export interface ListedUser {
  username: string;
  sub: string;
  email?: string;
  emailVerified: boolean;
  enabled: boolean;
  /** CONFIRMED, FORCE_CHANGE_PASSWORD, … */
  status: string;
  /** ISO 8601. */
  createdAt?: string;
}

/** Most users ListUsers returns at once (AWS's limit). */
export const MAX_LIST_USERS = 60;

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

  /** How the user signs in, from its status and `identities` attribute. */
  async signInMethods(username: string): Promise<SignInMethods> {
    try {
      const user = await this.client.send(
        new AdminGetUserCommand({ UserPoolId: this.settings.userPoolId, Username: username }),
      );
      const identities = user.UserAttributes?.find((a) => a.Name === "identities")?.Value;
      return {
        username: user.Username ?? username,
        federated: user.UserStatus === "EXTERNAL_PROVIDER",
        identities: identities ? parseIdentities(safeJson(identities)) : [],
      };
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  /**
   * The users of the pool's own sign-in with exactly this address (ListUsers by
   * email, federated users left out: they may share it).
   */
  async nativeUsersWithEmail(email: string): Promise<NativeUser[]> {
    try {
      const { Users = [] } = await this.client.send(
        new ListUsersCommand({
          UserPoolId: this.settings.userPoolId,
          // A filter value may not hold a double quote; no address the app accepts does.
          Filter: `email = "${email.replace(/["\\]/g, "")}"`,
          Limit: 10,
        }),
      );
      return Users.filter((u) => u.UserStatus !== "EXTERNAL_PROVIDER" && u.Username).map((u) => ({
        username: u.Username!,
        emailVerified: u.Attributes?.find((a) => a.Name === "email_verified")?.Value === "true",
      }));
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  /** Deletes a user (here: the federated user a sign-in has just made, before linking its identity). */
  async deleteUser(username: string): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.settings.userPoolId, Username: username }));
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  /**
   * Links a provider identity to an existing user (AdminLinkProviderForUser): the
   * identity then signs in as that user. `Cognito_Subject` is the provider's `sub`.
   */
  async linkProvider(destinationUsername: string, providerName: string, providerUserId: string): Promise<void> {
    try {
      await this.client.send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: this.settings.userPoolId,
          DestinationUser: { ProviderName: "Cognito", ProviderAttributeValue: destinationUsername },
          SourceUser: {
            ProviderName: providerName,
            ProviderAttributeName: "Cognito_Subject",
            ProviderAttributeValue: providerUserId,
          },
        }),
      );
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  /** Removes a provider identity's link (AdminDisableProviderForUser). */
  async unlinkProvider(providerName: string, providerUserId: string): Promise<void> {
    try {
      await this.client.send(
        new AdminDisableProviderForUserCommand({
          UserPoolId: this.settings.userPoolId,
          User: {
            ProviderName: providerName,
            ProviderAttributeName: "Cognito_Subject",
            ProviderAttributeValue: providerUserId,
          },
        }),
      );
    } catch (error) {
      throw toCognitoError(error, "account");
    }
  }

  /**
   * One page of the pool's users (ListUsers): at most `limit` (1–60), from where `paginationToken`
   * (the previous page's `nextToken`) left off. A token Cognito does not accept throws
   * CognitoRequestError.
   */
  async listUsers(limit: number, paginationToken?: string): Promise<{ users: ListedUser[]; nextToken?: string }> {
    try {
      const page = await this.client.send(
        new ListUsersCommand({ UserPoolId: this.settings.userPoolId, Limit: limit, PaginationToken: paginationToken }),
      );
      const users = (page.Users ?? []).map((user) => {
        const attribute = (name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;
        return {
          username: user.Username ?? "",
          sub: attribute("sub") ?? "",
          email: attribute("email"),
          emailVerified: attribute("email_verified") === "true",
          enabled: user.Enabled !== false,
          status: user.UserStatus ?? "UNKNOWN",
          createdAt: user.UserCreateDate?.toISOString(),
        };
      });
      return { users, nextToken: page.PaginationToken };
    } catch (error) {
      throw toCognitoError(error, "account");
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
