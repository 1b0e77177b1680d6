/**
 * HTTP helpers shared by the tests (test/support/http.ts adds assertions),
 * the bench and the load script — no vitest here: a cookie jar that behaves
 * like a browser for our purposes (Max-Age=0 deletes, redirects never
 * followed implicitly) and form helpers.
 */

export class CookieJar {
  protected cookies = new Map<string, string>();

  /** Stores every Set-Cookie of a response. */
  absorb(response: Response): void {
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = setCookie.split(";").map((s) => s.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The Cookie request header a browser would send. */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }

  get size(): number {
    return this.cookies.size;
  }

  /** fetch with this jar's cookies, no redirect following; absorbs Set-Cookie. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("Cookie", this.header());
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.absorb(response);
    return response;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** POST a form (url-encoded), like a browser form submission. */
  post(url: string, fields: Record<string, string>, init: RequestInit = {}): Promise<Response> {
    return this.fetch(url, {
      ...init,
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...(init.headers as Record<string, string>) },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** The values of `<input type="hidden">` fields in an HTML form. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = match[0].match(/name="([^"]*)"/)?.[1];
    const value = match[0].match(/value="([^"]*)"/)?.[1] ?? "";
    if (name) fields[name] = decodeHtml(value);
  }
  return fields;
}

export function decodeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Byte size of a header value as a browser counts it against its limits. */
export function headerBytes(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/** Throws unless `response` redirects to a Location matching `location`; returns the Location. */
export function expectRedirect(response: Response, location: string | RegExp, what: string): string {
  const actual = response.headers.get("Location") ?? "";
  const ok =
    response.status >= 300 &&
    response.status < 400 &&
    (typeof location === "string" ? actual === location : location.test(actual));
  if (!ok) throw new Error(`${what}: expected a redirect to ${location}, got ${response.status} ${actual}`);
  return actual;
}
