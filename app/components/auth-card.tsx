import type { ReactNode } from "react";

/**
 * The frame of every page on the way in — sign-in and its steps, sign-up,
 * confirmation, password recovery: one narrow card with the page's heading,
 * the page, then its links onward (`links`).
 */
export function AuthCard({ title, links, children }: { title: string; links?: ReactNode; children: ReactNode }) {
  return (
    <main>
      <div className="card auth-card">
        <h1>{title}</h1>
        {children}
        {links ? <p className="auth-links">{links}</p> : null}
      </div>
    </main>
  );
}
