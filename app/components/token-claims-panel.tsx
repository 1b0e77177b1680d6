/**
 * Development only: the decoded claims of the session's tokens, to see what
 * Cognito puts in them. Claims, never the raw tokens (a token is a bearer
 * credential; its claims are not).
 */
export interface TokenClaims {
  id: Record<string, unknown>;
  access: Record<string, unknown>;
}

export function TokenClaimsPanel({ claims }: { claims: TokenClaims }) {
  return (
    <details className="card dev-panel">
      <summary>Token claims (development only)</summary>
      <p className="muted">
        Decoded from the verified tokens in your session. The tokens themselves never leave the server.
      </p>
      <h3>ID token</h3>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable) */}
      <pre tabIndex={0}>{JSON.stringify(claims.id, null, 2)}</pre>
      <h3>Access token</h3>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable) */}
      <pre tabIndex={0}>{JSON.stringify(claims.access, null, 2)}</pre>
    </details>
  );
}
