/**
 * On the dashboard: how to call the app's API as yourself. The session's own
 * tokens never appear here (they stay in the HttpOnly cookie, and the API does
 * not take the cookie): the page shows how to get an access token of your own
 * the way a mobile app would, and what to send it with. Every value shown is
 * public (the app client ID is in every Hosted UI link).
 */
export interface ApiHowToProps {
  /** `<APP_URL>/api/v1/me`. */
  meUrl: string;
  /** Cognito's API endpoint (the emulator's, or cognito-idp.<region>.amazonaws.com). */
  cognitoEndpoint: string;
  clientId: string;
  /** The app client signs in with a password and no secret (so a plain InitiateAuth works). */
  passwordSignIn: boolean;
  email?: string;
}

export function ApiHowTo({ meUrl, cognitoEndpoint, clientId, passwordSignIn, email }: ApiHowToProps) {
  return (
    <details className="card dev-panel" data-testid="api-how-to">
      <summary>Call the API as yourself</summary>
      <p>
        Other apps and machines use this app through its JSON API, with an access token: <code>GET /api/v1/me</code>{" "}
        answers whose token it is. Your session here keeps its tokens in a cookie this page cannot read, and the API
        does not take that cookie: get an access token of your own, as a mobile app would, and send it in the{" "}
        <code>Authorization</code> header.
      </p>
      {passwordSignIn ? (
        <>
          <p>With a shell, curl and jq (your password is read without echoing, and stays out of your history):</p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable) */}
          <pre tabIndex={0}>
            {[
              "read -rs PASSWORD",
              `TOKEN=$(jq -n --arg u '${email ?? "you@example.com"}' --arg p "$PASSWORD" \\`,
              `    '{AuthFlow: "USER_PASSWORD_AUTH", ClientId: "${clientId}", AuthParameters: {USERNAME: $u, PASSWORD: $p}}' \\`,
              `  | curl -s ${cognitoEndpoint} -d @- \\`,
              "    -H 'Content-Type: application/x-amz-json-1.1' \\",
              "    -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \\",
              "  | jq -r .AuthenticationResult.AccessToken)",
              `curl -H "Authorization: Bearer $TOKEN" ${meUrl}`,
            ].join("\n")}
          </pre>
        </>
      ) : (
        <p>
          This app client signs in through the Hosted UI (or has a secret), so get the token the way a mobile app does:
          an authorization code with PKCE, exchanged at the token endpoint. Then{" "}
          <code>curl -H "Authorization: Bearer $TOKEN" {meUrl}</code>.
        </p>
      )}
      <p className="muted">
        Such a token is a sign-in of its own: signing out here does not end it, but signing out everywhere (under Your
        account → Sessions) ends every token you got before. Machines use the client_credentials grant instead (
        <code>npm run api:demo</code> shows one).
      </p>
    </details>
  );
}
