/**
 * Endpoints derived from configuration: the same code talks to AWS or to the
 * local emulator, and this module is the one place that knows the difference.
 * No Remix imports here.
 */
export interface CognitoSettings {
  region: string;
  userPoolId: string;
  clientId: string;
  clientSecret?: string;
  /** Hosted UI base URL, when a Hosted UI is configured (AWS: https://<prefix>.auth.<region>.amazoncognito.com). */
  domain?: string;
  /** API endpoint override, set only for an emulator. */
  endpoint?: string;
  /** Where to send the browser to end the Hosted UI session; defaults to `${domain}/logout`. */
  logoutUrl?: string;
  /** The app client rotates refresh tokens (refresh with GetTokensFromRefreshToken). */
  refreshRotation?: boolean;
  /** Prove passwords with SRP (USER_SRP_AUTH / PASSWORD_SRP) instead of sending them. */
  srp?: boolean;
}

export interface CognitoEndpoints {
  /** True when talking to an emulator rather than AWS. */
  emulator: boolean;
  /** The `iss` claim every token from this pool carries. */
  issuer: string;
  jwksUri: string;
  /** Cognito API endpoint (undefined: the SDK's regional AWS endpoint). */
  apiEndpoint?: string;
  hosted?: {
    authorizeUrl: string;
    tokenUrl: string;
    logoutUrl: string;
    revokeUrl: string;
  };
}

export function cognitoEndpoints(settings: CognitoSettings): CognitoEndpoints {
  const emulator = Boolean(settings.endpoint);
  // The emulator signs tokens with iss = TokenConfig.IssuerDomain/<poolId>, and
  // we configure IssuerDomain to be the URL it is reachable at.
  const issuer = emulator
    ? `${settings.endpoint}/${settings.userPoolId}`
    : `https://cognito-idp.${settings.region}.amazonaws.com/${settings.userPoolId}`;
  const domain = settings.domain;
  return {
    emulator,
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    apiEndpoint: settings.endpoint,
    hosted: domain
      ? {
          authorizeUrl: `${domain}/oauth2/authorize`,
          tokenUrl: `${domain}/oauth2/token`,
          logoutUrl: settings.logoutUrl ?? `${domain}/logout`,
          revokeUrl: `${domain}/oauth2/revoke`,
        }
      : undefined,
  };
}
