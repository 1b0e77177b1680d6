/**
 * Development only: the project README, one block per section, so the home
 * page's "switching to a real user pool" link works with nothing but a
 * browser. Production answers 404.
 */
import type { MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { readReadme } from "~/dev/readme.server";
import { getEnv } from "~/env.server";

export const meta: MetaFunction = () => [{ title: "README · remix-cognito" }];

export async function loader() {
  if (getEnv().isProduction) throw data({ message: "Not found" }, { status: 404 });
  const readme = readReadme();
  if (!readme) throw data({ message: "Not found" }, { status: 404 });
  return readme;
}

export default function DevReadme() {
  const { preface, sections } = useLoaderData<typeof loader>();
  return (
    <main className="wide">
      <div className="card">
        <h1>README</h1>
        <p className="muted">
          The project's README.md as written (Markdown), shown here in development only. Your editor or the repository
          host renders it properly.
        </p>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable) */}
        <pre className="readme" tabIndex={0}>
          {preface}
        </pre>
        {sections.map((section) => (
          <section key={section.id} aria-labelledby={section.id}>
            <h2 id={section.id}>{section.title}</h2>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable) */}
            <pre className="readme" tabIndex={0}>
              {section.body}
            </pre>
          </section>
        ))}
      </div>
    </main>
  );
}
