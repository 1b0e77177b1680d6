/**
 * What each simulated browser does, and how it is judged: sign in through the
 * app's form (302 to /dashboard with a session cookie), then load /dashboard,
 * which must answer 200 and show *this* session's email — anything else is an
 * error, and a page showing nothing or someone else is a lost session.
 */

/** Per-request limit: a hung request is an error, not a hung run. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface Sample {
  ms: number;
  ok: boolean;
  /** What went wrong, for the first few failures printed. */
  problem?: string;
}

export interface Session {
  email: string;
  cookie: string;
}

/** Cookie header for the `name=value` pairs of a response's Set-Cookie headers. */
function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .filter((c) => !/;\s*max-age=0/i.test(c))
    .map((c) => c.split(";")[0]!)
    .join("; ");
}

export async function signIn(appUrl: string, email: string, password: string): Promise<Sample & { session?: Session }> {
  const started = performance.now();
  try {
    const response = await fetch(`${appUrl}/login`, {
      method: "POST",
      // What a browser sends with a same-origin form post.
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: appUrl },
      body: new URLSearchParams({ username: email, password }).toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    const ms = performance.now() - started;
    const location = response.headers.get("Location");
    const cookie = cookieHeader(response);
    if (response.status !== 302 || location !== "/dashboard" || !cookie.includes("__Host-session.0=")) {
      return { ms, ok: false, problem: `sign-in ${email}: ${response.status} → ${location ?? "(no Location)"}` };
    }
    return { ms, ok: true, session: { email, cookie } };
  } catch (error) {
    return { ms: performance.now() - started, ok: false, problem: `sign-in ${email}: ${(error as Error).message}` };
  }
}

export interface DashboardSample extends Sample {
  /** Whose session this was. */
  email: string;
  /** The page answered but did not show this session's own email. */
  lost: boolean;
  /** …it showed someone else's. */
  crossed: boolean;
}

const EMAIL = /data-testid="email">([^<]*)</;

export async function dashboard(appUrl: string, session: Session): Promise<DashboardSample> {
  const started = performance.now();
  try {
    const response = await fetch(`${appUrl}/dashboard`, {
      headers: { Cookie: session.cookie },
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const html = await response.text();
    const ms = performance.now() - started;
    const shown = html.match(EMAIL)?.[1];
    if (response.status !== 200) {
      const problem = `dashboard ${session.email}: ${response.status} ${response.headers.get("Location") ?? ""}`;
      return { email: session.email, ms, ok: false, lost: true, crossed: false, problem };
    }
    if (shown !== session.email) {
      const problem = `dashboard ${session.email}: shows ${shown ?? "no email"}`;
      return { email: session.email, ms, ok: true, lost: true, crossed: shown !== undefined, problem };
    }
    return { email: session.email, ms, ok: true, lost: false, crossed: false };
  } catch (error) {
    const problem = `dashboard ${session.email}: ${(error as Error).message}`;
    return { email: session.email, ms: performance.now() - started, ok: false, lost: true, crossed: false, problem };
  }
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}
