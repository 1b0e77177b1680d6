import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { getAuthSession, signsInWith } from "~/auth/auth.server";
import { useNonce } from "~/components/nonce";
import { SiteHeader } from "~/components/site-header";
import { getEnv } from "~/env.server";
import stylesheet from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  // No favicon request (and no 404 in every browser log).
  { rel: "icon", href: "data:," },
];

/** Titles for the error pages (the routes below title their own pages). */
export const meta: MetaFunction = ({ error }) => {
  if (!error) return [{ title: "remix-cognito" }];
  return [{ title: `${errorCopy(error).title} · remix-cognito` }];
};

/** Pass Retry-After from a thrown 429 on to the error page's response. */
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const headers = new Headers();
  const retryAfter = errorHeaders?.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await getAuthSession(request);
  const user = session
    ? {
        email: session.user.email,
        name: session.user.name,
        // The identity provider a federated account signs in through (its account pages differ).
        signsInWith: signsInWith(session.user) ?? null,
      }
    : null;
  return data({ user, passwordless: getEnv().userAuth }, { headers: session?.headers });
}

export function Layout({ children }: { children: React.ReactNode }) {
  const rootData = useRouteLoaderData<typeof loader>("root");
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <SiteHeader user={rootData?.user ?? null} />
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** The one error boundary: friendly 4xx pages, no stack traces. */
export function ErrorBoundary() {
  const { title, message } = errorCopy(useRouteError());
  return (
    <main>
      <div className="card">
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <a href="/">Go to the home page</a>
        </p>
      </div>
    </main>
  );
}

/** What to tell people about an error: friendly, and never a stack trace. */
function errorCopy(error: unknown): { title: string; message: string } {
  let title = "Something went wrong";
  let message = "An unexpected error occurred. Please try again.";
  if (isRouteErrorResponse(error)) {
    const detail = (error.data as { message?: string } | null)?.message;
    if (error.status === 403) {
      title = "Access denied";
      message = detail ?? "You do not have permission to see this page.";
    } else if (error.status === 404) {
      title = "Page not found";
      message = "There is nothing at this address.";
    } else if (error.status === 429) {
      title = "Too many attempts";
      message = detail ?? "Please wait a minute and try again.";
    } else if (error.status === 503) {
      title = "Service unavailable";
      message = detail ?? "The authentication service is unavailable right now.";
    } else if (detail) {
      message = detail;
    }
  }
  return { title, message };
}
