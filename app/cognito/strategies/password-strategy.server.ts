/**
 * remix-auth strategy for the app's own login form: InitiateAuth with
 * USER_PASSWORD_AUTH (and SECRET_HASH when the client has a secret).
 */
import { Strategy } from "remix-auth/strategy";
import type { CognitoTokens } from "../auth-session.server";
import { InvalidCredentialsError } from "../errors.server";
import type { CognitoSignInApi } from "../sign-in-api.server";

export interface PasswordStrategyOptions {
  /** The Cognito API wrapper used to call InitiateAuth. */
  api: CognitoSignInApi;
  /** Form field holding the username (default "username"). */
  usernameField?: string;
  /** Form field holding the password (default "password"). */
  passwordField?: string;
}

export interface PasswordVerifyParams {
  tokens: CognitoTokens;
  username: string;
  request: Request;
}

export class CognitoPasswordStrategy<User> extends Strategy<User, PasswordVerifyParams> {
  name = "cognito-password";

  constructor(
    private readonly options: PasswordStrategyOptions,
    verify: Strategy.VerifyFunction<User, PasswordVerifyParams>,
  ) {
    super(verify);
  }

  /**
   * Reads the credentials from the form body. The route validates the form
   * first (sizes, presence) and passes an untouched request here.
   */
  async authenticate(request: Request): Promise<User> {
    const form = await request.formData();
    const username = form.get(this.options.usernameField ?? "username");
    const password = form.get(this.options.passwordField ?? "password");
    if (typeof username !== "string" || typeof password !== "string" || !username || !password) {
      throw new InvalidCredentialsError("missing credentials");
    }
    const tokens = await this.options.api.signInWithPassword(username, password);
    return this.verify({ tokens, username, request });
  }
}
