/**
 * For loaders: a Cognito error becomes the error page (the root
 * ErrorBoundary), with the message and status describeCognitoError gives it.
 */
import { data } from "@remix-run/node";
import { CognitoAuthError, describeCognitoError } from "~/cognito/errors.server";

/** `pending`'s value, or — for a Cognito error — throws the error page, carrying `headers` (e.g. a refreshed cookie). */
export async function orErrorPage<T>(pending: Promise<T>, headers?: HeadersInit): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    const { message, status } = describeCognitoError(error);
    throw data({ message }, { status, headers });
  }
}
