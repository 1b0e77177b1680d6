/**
 * Drives a Hosted UI sign-in over HTTP the way a browser does (after
 * test/support/hosted.ts), recording every request: start at the app's
 * /auth/hosted, follow each redirect, fill in the sign-in form wherever
 * Cognito shows one, and stop when the browser lands on a 200 page of the app
 * at `redirectTo`. Cookies are kept per origin, as a browser keeps them.
 */
import { CookieJar, hiddenFields } from "../http.ts";

export interface BrowserRequest {
  method: "GET" | "POST";
  url: string;
  status: number;
  /** Which server answered: the app, or Cognito (its Hosted UI). */
  side: "app" | "cognito";
}

export interface HostedRun {
  requests: BrowserRequest[];
  /** The app's cookies after landing (the session). */
  appJar: CookieJar;
  /** The landing page's HTML. */
  html: string;
  ms: number;
}

const MAX_REQUESTS = 15;

export async function hostedSignIn(
  appUrl: string,
  credentials: { username: string; password: string },
  redirectTo = "/dashboard",
): Promise<HostedRun> {
  const appOrigin = new URL(appUrl).origin;
  const jars = new Map<string, CookieJar>();
  const jarFor = (url: string) => {
    const origin = new URL(url).origin;
    let jar = jars.get(origin);
    if (!jar) {
      jar = new CookieJar();
      jars.set(origin, jar);
    }
    return jar;
  };
  const requests: BrowserRequest[] = [];
  const started = performance.now();

  let next: { method: "GET" | "POST"; url: string; form?: Record<string, string>; origin?: string } = {
    method: "GET",
    url: `${appUrl}/auth/hosted?${new URLSearchParams({ redirectTo })}`,
  };
  while (requests.length < MAX_REQUESTS) {
    const jar = jarFor(next.url);
    const response = next.form
      ? await jar.post(next.url, next.form, {
          // As a browser sends them: the Hosted UI refuses a form whose Fetch metadata is not same-origin
          // (login CSRF), and through the counting proxy its Origin is another port than the gateway's.
          headers: {
            Origin: next.origin!,
            "Sec-Fetch-Site": new URL(next.url).origin === next.origin ? "same-origin" : "cross-site",
          },
        })
      : await jar.fetch(next.url);
    const side = new URL(next.url).origin === appOrigin ? "app" : "cognito";
    requests.push({ method: next.method, url: next.url, status: response.status, side });

    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      next = { method: "GET", url: new URL(response.headers.get("Location") ?? "", next.url).toString() };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) {
      throw new Error(`Hosted UI sign-in: ${next.method} ${next.url} answered ${response.status}`);
    }
    const here = new URL(next.url);
    if (side === "app" && here.pathname + here.search === redirectTo) {
      return { requests, appJar: jarFor(appUrl), html, ms: performance.now() - started };
    }
    // A page with a password form (Cognito's sign-in page): submit it, as the person would.
    const form = html.match(/<form[^>]*>[\s\S]*?<\/form>/i)?.[0];
    if (!form || !/type="password"/i.test(form)) {
      throw new Error(`Hosted UI sign-in: unexpected page at ${next.url}:\n${html.slice(0, 500)}`);
    }
    const action = new URL(form.match(/action="([^"]*)"/i)?.[1] ?? here.pathname, next.url).toString();
    next = {
      method: "POST",
      url: action,
      form: { ...hiddenFields(form), username: credentials.username, password: credentials.password },
      origin: here.origin,
    };
  }
  throw new Error(`Hosted UI sign-in: no landing on ${redirectTo} after ${MAX_REQUESTS} requests`);
}
